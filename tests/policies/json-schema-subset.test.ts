import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies/pack";
import { type JsonSchema, validateJsonSchema } from "../../scripts/lib/json-schema-subset";

/**
 * The plan checks policy configs with a small validator instead of ajv (ajv costs more than the
 * whole policy run). It must agree with ajv — validity AND each error's path and wording — on
 * every configSchema the pack has, for valid values and for each way a value can be wrong.
 */

const ajv = new Ajv({ allErrors: true, strict: false });

function ajvProblems(schema: JsonSchema, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function ourProblems(schema: JsonSchema, value: unknown): string[] {
  return validateJsonSchema(schema, value).map((p) => `${p.instancePath} ${p.message}`);
}

/** Values that probe one property schema: its default, wrong types, and each bound crossed. */
function probes(property: JsonSchema): unknown[] {
  const values: unknown[] = [property.default, null, "text", 1.5, -1, 0, true, [], {}, ["x"], [1], ["", "a"]];
  for (const bound of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]) {
    const n = property[bound];
    if (typeof n === "number") values.push(n - 1, n, n + 1, "x".repeat(Math.max(0, n - 1)), Array(Math.max(0, n - 1)).fill("a"));
  }
  if (Array.isArray(property.enum)) values.push(...property.enum, "not-in-enum");
  const items = property.items as JsonSchema | undefined;
  if (items) values.push(...probes(items).map((v) => [v]));
  if (property.properties || property.additionalProperties) {
    values.push({ unknownKey: 1 }, Object.fromEntries(Object.keys((property.properties ?? {}) as object).map((k) => [k, null])));
  }
  const extra = property.additionalProperties as JsonSchema | undefined;
  if (extra && typeof extra === "object") values.push(...probes(extra).map((v) => ({ someKey: v })));
  return values;
}

const schemas: ReadonlyArray<readonly [string, JsonSchema]> = policies
  .filter((p) => p.configSchema)
  .map((p) => [p.name, { type: "object", ...(p.configSchema as unknown as JsonSchema) }] as const);

describe("json-schema-subset agrees with ajv on every policy configSchema", () => {
  it("the pack has config schemas to compare", () => {
    expect(schemas.length).toBeGreaterThan(5);
  });

  it.each(schemas)("%s", (_name, schema) => {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    let compared = 0;
    for (const [key, property] of Object.entries(properties)) {
      for (const value of probes(property)) {
        const config = { [key]: value };
        expect(ourProblems(schema, config), `${key} = ${JSON.stringify(value)}`).toEqual(ajvProblems(schema, config));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe("json-schema-subset refuses what it does not understand", () => {
  it.each([["oneOf"], ["anyOf"], ["const"], ["format"]])("a schema using %s is an error, not a silent pass", (keyword) => {
    expect(() => validateJsonSchema({ type: "object", properties: { a: { [keyword]: [] } } }, { a: 1 })).toThrow(/not supported by scripts\/lib\/json-schema-subset\.ts/);
  });
});
