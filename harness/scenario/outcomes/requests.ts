import { mapping } from "../../support/json-schema.js";
import type { Outcome } from "../types.js";
import type { OutcomeField } from "./outcome-field.js";

const REQUEST_KINDS = ["manifestHead", "manifestGet", "blobGet"] as const;

export const requests: OutcomeField = {
  key: "requests",
  doc: { syntax: "`requests: {manifestHead: N, manifestGet: N, blobGet: N}`", meaning: "registry requests for this pod's pulls since its `run` step" },
  schema: mapping(Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, { type: "integer", minimum: 0 }]))),
  parse({ value, path, check }) {
    const given = check.mapping(value, path, REQUEST_KINDS, "requests");
    if (!given) return undefined;
    const counts: NonNullable<Outcome["requests"]> = {};
    for (const kind of REQUEST_KINDS) {
      if (given[kind] === undefined) continue;
      const n = check.wholeNumber(given[kind], [...path, kind], kind, 0);
      if (n !== undefined) counts[kind] = n;
    }
    return { requests: counts };
  },
  describe: (outcome) =>
    outcome.requests
      ? `requests ${Object.entries(outcome.requests)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`
      : undefined,
  judge: (outcome, pod) =>
    Object.entries(outcome.requests ?? {}).flatMap(([kind, want]) => {
      const got = pod.requests[kind as keyof typeof pod.requests];
      return got === want ? [] : [`${kind} requests: ${got}, expected ${want}`];
    }),
};
