import { REGISTRY_IMAGES_SCHEMA, parseRegistryImages } from "../parse-images.js";
import type { RegistryImage } from "../types.js";
import type { StepKind } from "./step-kind.js";

export interface PushStep {
  kind: "push";
  images: RegistryImage[];
}

export const push: StepKind<PushStep> = {
  kind: "push",
  doc: { syntax: '`push: {"repo:tag": variant, …}`', meaning: "create or move tags (a rollback is a push of an older variant)" },
  schema: REGISTRY_IMAGES_SCHEMA,
  parse({ body, path, check, state }) {
    const images = parseRegistryImages(body, path, check, state.knownVariants);
    return images ? { kind: "push", images } : undefined;
  },
  describe: (step) => `push ${step.images.map((i) => `${i.repo}:${i.tag} → ${i.variant}`).join(", ")}`,
  async perform(step, context) {
    for (const image of step.images) await context.registry.push(image);
  },
};
