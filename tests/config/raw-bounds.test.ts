import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { isConfigError } from "../../components/shared/errors";
import { parseStackConfig, readRawStackConfig } from "../../stacks/config";
import { problemLines, validRaw } from "./support";

/**
 * Under `pulumi up` the values arrive through `pulumi.runtime.allConfig()` as JSON text
 * (stacks/config.ts readRawStackConfig), not through the plan's stack-file reader: the bounds
 * hold there too. Each case must end as a ConfigError naming the key, quickly.
 */

function deep(levels: number): unknown {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

function errorLines(values: Record<string, unknown>): string[] {
  const started = Date.now();
  try {
    parseStackConfig(validRaw(values));
  } catch (err) {
    expect(Date.now() - started).toBeLessThan(2000);
    if (isConfigError(err)) return problemLines(err);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("parseStackConfig bounds every raw value before reading it", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["100,000 levels deep", { "promptandpause:app": deep(100_000) }, "promptandpause:app[0][0][0][0][0][0][0][0]: is nested more than 8 levels deep"],
    ["20,000 MX hosts", { "promptandpause:edge": { email: { inboundMx: Array.from({ length: 20_000 }, (_, i) => ({ host: `mx${i}.example.com`, priority: 1 })) } } }, "promptandpause:edge.email.inboundMx: lists 20000 items; at most 100 are accepted"],
    ["a 1 MB string", { "promptandpause:edge": { headers: { permissionsPolicy: "a".repeat(1_000_000) } } }, "promptandpause:edge.headers.permissionsPolicy: is longer than 4096 characters (1000000)"],
    ["__proto__ in a value", { "promptandpause:app": JSON.parse('{"__proto__": {"team": "x"}}') }, "promptandpause:app.__proto__: is not a key name any setting uses"],
    ["a non-finite number", { "promptandpause:database": { storage: { fileSizeLimitMb: Number.POSITIVE_INFINITY } } }, "promptandpause:database.storage.fileSizeLimitMb: must be a finite number"],
  ])("%s", (_name, values, line) => {
    expect(errorLines(values).some((l) => l.startsWith(line)), errorLines(values).join("\n")).toBe(true);
  });

  it("one alias-shared list counted at every use (a DAG of 9^9 leaves)", () => {
    let node: unknown = Array(9).fill("lol");
    for (let i = 0; i < 8; i++) node = Array(9).fill(node);
    expect(errorLines({ "promptandpause:lol": node })[0]).toMatch(/^promptandpause:lol(\[\d\])*: /);
  });
});

describe("readRawStackConfig leaves oversized JSON text unparsed for the bound to refuse", () => {
  it("a 2 MB JSON text from the engine is not parsed, and is refused naming the key", () => {
    // What the language host hands the program (the SDK keeps it in its store, read by allConfig()).
    pulumi.runtime.setAllConfig({ "promptandpause:app": `[${'"x",'.repeat(500_000)}"x"]` }, []);
    try {
      const raw = readRawStackConfig();
      expect(typeof raw.values["promptandpause:app"]).toBe("string");
      expect(errorLines(raw.values).some((l) => l.startsWith("promptandpause:app: is longer than 4096 characters"))).toBe(true);
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
  });

  it("a structured value from the engine is decoded and bounded like a stack file's", () => {
    pulumi.runtime.setAllConfig({ "promptandpause:app": JSON.stringify(deep(50)) }, []);
    try {
      expect(errorLines(readRawStackConfig().values).some((l) => l.includes("is nested more than 8 levels deep"))).toBe(true);
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
  });
});
