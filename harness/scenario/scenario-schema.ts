/**
 * The JSON Schema of a scenario file (schemas/scenario.schema.json), for editors that check a
 * file as it is typed (`# yaml-language-server: $schema=…`). Built from the same step, fault and
 * outcome kinds the loader parses with; tests/scenario/schema-agreement.test.ts holds the two to
 * the same verdict on every catalogue file and every malformed fixture. What the schema cannot
 * see (a pod used before it is run, a backup restored before it is made) only the loader checks.
 */
import { dictionary, listOf, mapping, text, type JsonSchema } from "../support/json-schema.js";
import { CREDENTIAL_POLICIES } from "./load.js";
import { REGISTRY_IMAGES_SCHEMA } from "./parse-images.js";
import { USER_NAME_PATTERN } from "./checker.js";
import { STEP_KINDS } from "./steps/index.js";

export function scenarioSchema(): JsonSchema {
  const step: JsonSchema = {
    oneOf: STEP_KINDS.map((kind) => ({
      type: "object",
      properties: { [kind.kind]: kind.schema },
      required: [kind.kind],
      additionalProperties: false,
      description: kind.doc.meaning,
    })),
  };
  const nodeConfig = mapping({
    serializeImagePulls: { type: "boolean" },
    maxParallelImagePulls: { type: "integer", minimum: 1 },
    registryPullQPS: { type: "number", minimum: 0 },
    registryBurst: { type: "integer", minimum: 0 },
    imagePullCredentialsVerificationPolicy: { enum: [...CREDENTIAL_POLICIES] },
    preloadedImagesVerificationAllowlist: listOf(text()),
    featureGates: dictionary({ type: "boolean" }),
  });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "pullcheck scenario (pullcheck/v1alpha1)",
    description: "One scenario: what the registry holds, what the node holds, the steps, and the outcome each policy should show. See docs/scenario-format.md.",
    ...mapping(
      {
        apiVersion: { const: "pullcheck/v1alpha1" },
        kind: { const: "Scenario" },
        metadata: mapping({ name: text(), title: text(), description: text(), source: text(), tags: listOf(text()) }),
        spec: mapping(
          {
            policies: listOf(text(), "run only under these policies"),
            kubeletVersions: listOf({ type: "string", pattern: "^1\\.[0-9]+$" }, "the kubelet releases (major.minor) the expectations hold for"),
            registry: mapping({
              users: { ...dictionary({ oneOf: [text(), { type: "number" }] }), propertyNames: { pattern: USER_NAME_PATTERN } },
              images: REGISTRY_IMAGES_SCHEMA,
            }),
            node: mapping({ preloaded: listOf(text("repo:tag of spec.registry.images")), config: nodeConfig }),
            steps: { ...listOf(step), minItems: 1 },
          },
          ["steps"],
        ),
      },
      ["apiVersion", "kind", "spec"],
    ),
  };
}
