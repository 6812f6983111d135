import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { platformConfigSchema } from "../../stacks/config";
import { isSafeText } from "../../stacks/schema/common";

/**
 * Every string a stack file sets reaches a provider, so every string setting is a `safeText`
 * (a length bound and the charset that provider accepts: stacks/schema/common.ts). This walks the
 * whole configuration schema and lists every string schema that is not one.
 */

type Def = { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; keyType?: z.core.$ZodType; valueType?: z.core.$ZodType; innerType?: z.core.$ZodType; options?: z.core.$ZodType[]; in?: z.core.$ZodType; out?: z.core.$ZodType };

function strings(schema: z.core.$ZodType, path: string, out: Array<{ path: string; schema: z.core.$ZodType }>): void {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case "string":
      out.push({ path, schema });
      return;
    case "object":
      for (const [key, child] of Object.entries(def.shape ?? {})) strings(child, `${path}.${key}`, out);
      return;
    case "array":
      if (def.element) strings(def.element, `${path}[]`, out);
      return;
    case "record":
      if (def.keyType) strings(def.keyType, `${path}{key}`, out);
      if (def.valueType) strings(def.valueType, `${path}{value}`, out);
      return;
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      if (def.innerType) strings(def.innerType, path, out);
      return;
    case "union":
      for (const [i, o] of (def.options ?? []).entries()) strings(o, `${path}|${i}`, out);
      return;
    case "pipe":
      if (def.in) strings(def.in, path, out);
      if (def.out) strings(def.out, path, out);
      return;
    default:
      // enum, literal, number, boolean: closed sets or not strings.
      return;
  }
}

describe("every string setting has a length bound and a charset", () => {
  const found: Array<{ path: string; schema: z.core.$ZodType }> = [];
  strings(platformConfigSchema as unknown as z.core.$ZodType, "promptandpause:", found);

  it("finds the string settings (the walk reaches them)", () => {
    expect(found.map((f) => f.path)).toEqual(expect.arrayContaining(["promptandpause:.edge.headers.permissionsPolicy", "promptandpause:.app.team", "promptandpause:.edge.webhooks.sourceIps[]", "promptandpause:.app.publicEnv{value}"]));
  });

  it("none is a bare z.string()", () => {
    expect(found.filter((f) => !isSafeText(f.schema)).map((f) => f.path)).toEqual([]);
  });
});
