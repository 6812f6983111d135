/**
 * JSON Schema validation for policy configs: the subset of draft-07 the policy pack's
 * `configSchema`s use, with ajv's error wording (the wording the Pulumi CLI's checks resemble).
 * ajv itself costs ~70 ms per plan to load and compile, more than running every policy. A keyword
 * outside the subset is refused loudly, never ignored, so a schema cannot silently validate less
 * than it says; tests/policies/json-schema-subset.test.ts compares every case with ajv.
 */

export type JsonSchema = Record<string, unknown>;

/** Keywords understood here; `default`/`description`/`title` only annotate. */
const SUPPORTED = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
  "minProperties", "maxProperties",
  "default", "description", "title",
]);

export interface SchemaProblem {
  /** JSON pointer of the bad value ("" for the root), as ajv's `instancePath`. */
  instancePath: string;
  message: string;
}

/** Every problem of `value` against `schema` (all errors, like ajv's `allErrors`). */
export function validateJsonSchema(schema: JsonSchema, value: unknown, instancePath = ""): SchemaProblem[] {
  const unsupported = Object.keys(schema).filter((k) => !SUPPORTED.has(k));
  if (unsupported.length > 0) throw new Error(`JSON Schema keyword(s) ${unsupported.join(", ")} at "${instancePath || "/"}" are not supported by scripts/lib/json-schema-subset.ts: extend it (and its ajv comparison test) first`);
  const problems: SchemaProblem[] = [];
  const fail = (message: string, path = instancePath) => problems.push({ instancePath: path, message });

  // Like ajv with allErrors, a type mismatch does not stop the other keywords: each one still
  // applies to the values it is defined for (bounds to numbers, patterns to strings, …).
  if (schema.type !== undefined && !hasType(value, schema.type as string | string[])) fail(`must be ${[schema.type].flat().join(",")}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => deepEqual(allowed, value))) fail("must be equal to one of the allowed values");
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) fail(`must be >= ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) fail(`must be <= ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) fail(`must be > ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) fail(`must be < ${schema.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) fail(`must NOT have fewer than ${schema.minLength} characters`);
    if (typeof schema.maxLength === "number" && length > schema.maxLength) fail(`must NOT have more than ${schema.maxLength} characters`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) fail(`must match pattern "${schema.pattern}"`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) fail(`must NOT have fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) fail(`must NOT have more than ${schema.maxItems} items`);
    if (schema.items && typeof schema.items === "object") {
      for (const [i, item] of value.entries()) problems.push(...validateJsonSchema(schema.items as JsonSchema, item, `${instancePath}/${i}`));
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const count = Object.keys(object).length;
    if (typeof schema.minProperties === "number" && count < schema.minProperties) fail(`must NOT have fewer than ${schema.minProperties} properties`);
    if (typeof schema.maxProperties === "number" && count > schema.maxProperties) fail(`must NOT have more than ${schema.maxProperties} properties`);
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in object)) fail(`must have required property '${key}'`);
    }
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const [key, item] of Object.entries(object)) {
      const path = `${instancePath}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (properties[key]) problems.push(...validateJsonSchema(properties[key], item, path));
      else if (schema.additionalProperties === false) fail("must NOT have additional properties");
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object") problems.push(...validateJsonSchema(schema.additionalProperties as JsonSchema, item, path));
    }
  }
  return problems;
}

function hasType(value: unknown, type: string | string[]): boolean {
  return [type].flat().some((t) => {
    switch (t) {
      case "integer":
        return typeof value === "number" && Number.isInteger(value);
      case "number":
        return typeof value === "number" && Number.isFinite(value);
      case "array":
        return Array.isArray(value);
      case "object":
        return value !== null && typeof value === "object" && !Array.isArray(value);
      case "null":
        return value === null;
      default:
        return typeof value === t;
    }
  });
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
