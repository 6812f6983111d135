import { describe, expect, it } from "vitest";
import { importCycles, importEdges, readSources, tsFilesUnder } from "../helpers/imports";

/**
 * Layering (issue 15 item 3): components sit below the stacks and import nothing from them, and
 * the stack's configuration modules (stacks/config.ts, stacks/schema/*, …) import each other
 * without a cycle. Read from the files' import specifiers, type-only imports included.
 */

/** Imports from any of `files` that land under stacks/ (`from → specifier`). */
function stackImports(files: ReadonlyMap<string, string>, exists?: (file: string) => boolean): string[] {
  return importEdges(files, exists)
    .filter((e) => e.to?.startsWith("stacks/"))
    .map((e) => `${e.from} → ${e.specifier}`);
}

const cycleText = (cycles: string[][]) => cycles.map((c) => c.join(" → "));

describe("components depend on nothing above them", () => {
  const components = readSources(tsFilesUnder("components"));

  it("reads every component file", () => {
    expect(components.has("components/edge/edge.ts")).toBe(true);
    expect(components.has("components/app/app.ts")).toBe(true);
  });

  it("no file under components/ imports from stacks/", () => {
    expect(stackImports(components)).toEqual([]);
  });

  it("the check sees every kind of import (type-only, re-export, dynamic, require) and ignores comments", () => {
    const planted = new Map([
      [
        "components/edge/planted.ts",
        [
          'import type { EdgeSettings } from "../../stacks/schema/edge";',
          'export { GUIDE } from "../../stacks/guide";',
          'const presets = await import("../../stacks/presets");',
          'const config = require("../../stacks/config");',
          '// import { x } from "../../stacks/platform";',
          'import { GUIDE as G } from "../shared/guide";',
        ].join("\n"),
      ],
    ]);
    expect(stackImports(planted, () => false)).toEqual([
      "components/edge/planted.ts → ../../stacks/schema/edge",
      "components/edge/planted.ts → ../../stacks/guide",
      "components/edge/planted.ts → ../../stacks/presets",
      "components/edge/planted.ts → ../../stacks/config",
    ]);
  });
});

describe("the stack's modules import each other without a cycle", () => {
  it("stacks/*.ts, stacks/schema/*.ts (and the rest of stacks/) form no import cycle", () => {
    const stacks = readSources(tsFilesUnder("stacks"));
    expect(stacks.has("stacks/config.ts") && stacks.has("stacks/schema/edge.ts")).toBe(true);
    expect(cycleText(importCycles(stacks))).toEqual([]);
  });

  it("the check finds a type-only cycle (the old config ↔ schema one) and a longer one", () => {
    const files = new Map([
      ["stacks/config.ts", 'import { edgeConfigSchema } from "./schema/edge";\nimport { x } from "./presets";'],
      ["stacks/schema/edge.ts", 'import type { PlatformSettings } from "../config";\nimport { GUIDE } from "../guide";'],
      ["stacks/guide.ts", 'export { GUIDE } from "../components/shared/guide";'],
      ["stacks/presets.ts", 'import { y } from "./schema/app";'],
      ["stacks/schema/app.ts", 'import { z } from "zod";\nimport { c } from "./common";'],
      ["stacks/schema/common.ts", 'import { p } from "../presets";'],
    ]);
    expect(cycleText(importCycles(files, (f) => files.has(f))).sort()).toEqual([
      "stacks/config.ts → stacks/schema/edge.ts → stacks/config.ts",
      "stacks/presets.ts → stacks/schema/app.ts → stacks/schema/common.ts → stacks/presets.ts",
    ]);
  });
});
