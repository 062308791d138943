/** `"repo:tag": variant` maps (spec.registry.images and push steps). */
import { describe, type Checker, type Path } from "./checker.js";
import type { RegistryImage } from "./types.js";
import { FIXTURE_VARIANTS } from "../fixture-images/catalog.js";
import type { JsonSchema } from "../support/json-schema.js";

const REPO_TAG = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/;

export const VARIANT_SCHEMA: JsonSchema = { enum: [...FIXTURE_VARIANTS], description: "a fixture variant" };

/** `"repo:tag": variant`, as parseRegistryImages accepts it. */
export const REGISTRY_IMAGES_SCHEMA: JsonSchema = {
  type: "object",
  propertyNames: { pattern: REPO_TAG.source },
  additionalProperties: VARIANT_SCHEMA,
  description: '"repo:tag": fixture variant',
};

export function parseRegistryImages(value: unknown, path: Path, check: Checker, knownVariants: string[]): RegistryImage[] | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.problem(path, `images must be a mapping of "repo:tag": variant, not ${describe(value)}`, 'for example { "app:latest": v1 }');
    return undefined;
  }
  const images: RegistryImage[] = [];
  for (const [name, variant] of Object.entries(value)) {
    const match = REPO_TAG.exec(name);
    if (!match) check.problem([...path, name], `"${name}" is not repo:tag`, "lowercase repository, a tag after the colon, e.g. app:latest or team/app:1.0");
    const v = check.string(variant, [...path, name], `variant of ${name}`);
    if (v && !knownVariants.includes(v)) check.problem([...path, name], `unknown fixture variant "${v}"`, `variants: ${knownVariants.join(", ")}`);
    if (match && v && knownVariants.includes(v)) images.push({ repo: match[1]!, tag: match[2]!, variant: v });
  }
  return images;
}
