import { text } from "../../support/json-schema.js";
import { storeName } from "../image-names.js";
import type { StepKind } from "./step-kind.js";

export interface GcStep {
  kind: "gc";
  image: string;
}

export const gc: StepKind<GcStep> = {
  kind: "gc",
  doc: { syntax: '`gc: "repo:tag"`', meaning: "remove the image from the node's store (image garbage collection)" },
  schema: text("repo:tag on the node"),
  parse({ body, path, check }) {
    const image = check.string(body, path, "gc");
    return image ? { kind: "gc", image } : undefined;
  },
  describe: (step) => `gc ${step.image}`,
  perform: (step, context) => context.node.removeImage(storeName(step.image)),
};
