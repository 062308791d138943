/**
 * JSON Schema (draft 2020-12) pieces for the published schemas of scenario and policy files
 * (schemas/*.schema.json). Each kind of step, fault and outcome field carries the schema of what
 * it parses, next to its parser; tests hold the two to agreement on every file.
 */
export type JsonSchema = { [keyword: string]: unknown };

export const text = (description?: string): JsonSchema => ({ type: "string", minLength: 1, ...(description ? { description } : {}) });

/** A Go-style duration as parseDuration accepts it ("0", "500ms", "1h30m", "1.5h"). */
export const duration = (description?: string): JsonSchema => ({
  type: "string",
  pattern: "^\\s*(0|((\\d+(\\.\\d+)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+)\\s*$",
  ...(description ? { description } : {}),
});

/** A size as parseSize accepts it ("64KiB", "1MiB", "512"). */
export const SIZE_PATTERN = "\\s*\\d+(\\.\\d+)?\\s*(B|KiB|MiB|GiB|KB|MB|GB)?\\s*";

export const size = (description?: string): JsonSchema => ({ type: "string", pattern: `^${SIZE_PATTERN}$`, ...(description ? { description } : {}) });

export const listOf = (items: JsonSchema, description?: string): JsonSchema => ({ type: "array", items, ...(description ? { description } : {}) });

/** A mapping with exactly these fields (unknown fields are errors, as in the loader). */
export const mapping = (properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  ...(description ? { description } : {}),
});

/** A mapping of names the file chooses to values of one schema. */
export const dictionary = (values: JsonSchema, description?: string): JsonSchema => ({
  type: "object",
  additionalProperties: values,
  ...(description ? { description } : {}),
});
