import { VARIANT_SCHEMA } from "../parse-images.js";
import { describeState, type OutcomeField } from "./outcome-field.js";

export const running: OutcomeField = {
  key: "running",
  doc: { syntax: "`running: VARIANT`", meaning: "the container runs the image whose digest is that variant's (for `multiarch`, the index digest)" },
  schema: VARIANT_SCHEMA,
  parse({ value, path, check, knownVariants }) {
    const variant = check.string(value, path, "running");
    if (variant && !knownVariants.includes(variant)) check.problem(path, `unknown fixture variant "${variant}"`, `variants: ${knownVariants.join(", ")}`);
    return variant && knownVariants.includes(variant) ? { running: variant } : undefined;
  },
  describe: (outcome) => (outcome.running !== undefined ? `running ${outcome.running}` : undefined),
  judge(outcome, pod) {
    if (outcome.running === undefined) return [];
    const want = pod.digestOf(outcome.running);
    if (pod.now?.phase !== "running") return [`not running (${describeState(pod.now)})`];
    return pod.now.imageID?.endsWith(`@${want}`) ? [] : [`runs ${pod.now.imageID}, not ${outcome.running} (${want})`];
  },
};
