import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Test files share worker processes unless vitest.config.mts lists them in ISOLATED
 * (read here from its source: the config is an ES module this CommonJS project cannot import). A file that
 * changes process-wide state in a shared worker can break whichever file runs after it, so this
 * check fails when a shared file (or a local helper it imports) does one of the things below:
 * add the file to ISOLATED in vitest.config.mts, or stop changing global state.
 */

const ROOT = path.resolve(__dirname, "..", "..");

/** What a file must not do in a shared worker, by name. */
const HAZARDS: [string, RegExp][] = [
  ["vi.mock", /\bvi\.(mock|doMock)\(/],
  ["vi.stubGlobal / vi.stubEnv", /\bvi\.stub(Global|Env)\(/],
  ["assigns process.env", /process\.env(\.[A-Za-z_]\w*|\[[^\]]+\])\s*=[^=]|delete\s+process\.env|Object\.assign\(\s*process\.env/],
  ["sets Pulumi mocks directly", /\bsetMocks\(/],
  // recordProgram sets the whole config for each run; code that reads it outside a run sees whatever was set last.
  ["sets Pulumi config directly", /\b(setAllConfig|setConfig)\(/],
  ["patches console", /\bconsole\.\w+\s*=[^=]|\bvi\.spyOn\(\s*console\b/],
  ["adds a process listener", /\bprocess\.(on|once|addListener)\(/],
  ["fake timers", /\bvi\.useFakeTimers\(/],
  ["assigns a global", /\bglobalThis\.\w+\s*=[^=]/],
];

/**
 * Environment variables a source sets (`process.env.NAME = …`) and never deletes, and every
 * write in a form whose name this check cannot follow (`process.env[key] = …`,
 * `Object.assign(process.env, …)`): those must be written `process.env.NAME = …`.
 */
function envVarsLeftSet(source: string): string[] {
  const set = new Set([...source.matchAll(/process\.env\.([A-Za-z_]\w*)\s*=[^=]/g)].map((m) => m[1] as string));
  const untracked = [...source.matchAll(/process\.env\[[^\]]+\]\s*=[^=]|Object\.assign\(\s*process\.env\b/g)].map((m) => m[0].replace(/\s*=[^=]$/, " =").trim());
  return [...[...set].filter((name) => !new RegExp(`delete\\s+process\\.env\\.${name}\\b`).test(source)), ...untracked];
}

function isolationHazards(source: string): string[] {
  return HAZARDS.filter(([, re]) => re.test(source)).map(([name]) => name);
}

/** `tests/a/**\/*.test.ts` → a RegExp over repo-relative paths. */
function globToRegExp(glob: string): RegExp {
  const re = glob
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(.*/)?");
  return new RegExp(`^${re}$`);
}

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : [],
  );
}

/** The file's source plus the local (relative) modules it imports from tests/, one level deep. */
function sourceWithHelpers(file: string): string {
  const source = readFileSync(path.join(ROOT, file), "utf8");
  const helpers = [...source.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)]
    .map((m) => path.join(path.dirname(file), `${m[1]}.ts`))
    .filter((p) => p.startsWith("tests"))
    .flatMap((p) => {
      try {
        return [readFileSync(path.join(ROOT, p), "utf8")];
      } catch {
        return [];
      }
    });
  return [source, ...helpers].join("\n");
}

const CONFIG = readFileSync(path.join(ROOT, "vitest.config.mts"), "utf8");
/** The patterns of one `const NAME = [ … ];` list in vitest.config.mts. */
function configList(name: string): string[] {
  const body = new RegExp(`const ${name} = \\[([\\s\\S]*?)\\];`).exec(CONFIG)?.[1] ?? "";
  return [...body.matchAll(/^\s*"([^"]+)",/gm)].map((m) => m[1] ?? "");
}
const ISOLATED = configList("ISOLATED");
const isolated = ISOLATED.map(globToRegExp);
/** Files that set their own Pulumi mocks or provider URL, and may do exactly these two things. */
const OWN_MOCKS = configList("OWN_MOCKS");
const ownMocks = OWN_MOCKS.map(globToRegExp);
const OWN_MOCK_HAZARDS = ["assigns process.env", "sets Pulumi mocks directly", "sets Pulumi config directly"];

describe("test files that share worker processes leave global state alone", () => {
  // This file names the hazards in strings (its own table) and changes none of them.
  const self = path.relative(ROOT, __filename);
  const inGroup = (f: string) => isolated.some((re) => re.test(f)) || ownMocks.some((re) => re.test(f));
  it.each(testFiles("tests").filter((f) => f !== self && !inGroup(f)))("%s", (file) => {
    expect(isolationHazards(sourceWithHelpers(file)), `${file}: add it to ISOLATED in vitest.config.mts, or do not change process-wide state`).toEqual([]);
  });

  it.each(testFiles("tests").filter((f) => ownMocks.some((re) => re.test(f)) && !isolated.some((re) => re.test(f))))("%s sets its own Pulumi mocks or provider URL, nothing else", (file) => {
    const source = sourceWithHelpers(file);
    const others = isolationHazards(source).filter((h) => !OWN_MOCK_HAZARDS.includes(h));
    expect(others, `${file}: move it to ISOLATED in vitest.config.mts, or do not change process-wide state`).toEqual([]);
    expect(envVarsLeftSet(source), `${file}: delete each variable it sets (afterAll), or the next file in the worker sees it`).toEqual([]);
  });

  it("lists real files: every isolated and own-mocks pattern matches at least one test file", () => {
    expect(ISOLATED.length).toBeGreaterThan(1);
    expect(OWN_MOCKS.length).toBeGreaterThan(1);
    const files = testFiles("tests");
    for (const re of [...isolated, ...ownMocks]) expect(files.some((f) => re.test(f)), String(re)).toBe(true);
  });
});

describe("envVarsLeftSet", () => {
  it.each([
    ["process.env.STRIPE_API_URL = url;", ["STRIPE_API_URL"]],
    ["process.env.STRIPE_API_URL = url; afterAll(() => { delete process.env.STRIPE_API_URL; });", []],
    ["process.env.A = '1'; delete process.env.AB;", ["A"]],
    ["if (process.env.A === 'x') {}", []],
    ['process.env["STRIPE_API_URL"] = url; delete process.env.STRIPE_API_URL;', ['process.env["STRIPE_API_URL"] =']],
    ["Object.assign(process.env, { A: '1' });", ["Object.assign(process.env"]],
  ])("%s → %j", (source, expected) => {
    expect(envVarsLeftSet(source)).toEqual(expected);
  });
});

describe("isolationHazards", () => {
  it.each([
    ['vi.mock("../../policies/pack", () => ({}));', ["vi.mock"]],
    ["process.env.SUPABASE_API_URL = url;", ["assigns process.env"]],
    ["delete process.env.STRIPE_API_URL;", ["assigns process.env"]],
    ["Object.assign(process.env, { A: '1' });", ["assigns process.env"]],
    ["await pulumi.runtime.setMocks(mocks);", ["sets Pulumi mocks directly"]],
    ["pulumi.runtime.setAllConfig({ a: '1' }, []);", ["sets Pulumi config directly"]],
    ["console.warn = (m) => seen.push(m);", ["patches console"]],
    ['vi.spyOn(console, "error");', ["patches console"]],
    ["if (console.warn === original) {}", []],
    ['process.on("unhandledRejection", f);', ["adds a process listener"]],
    ["globalThis.fetch = fake;", ["assigns a global"]],
    ["const url = process.env.SUPABASE_API_URL; if (process.env.X === 'a') {}", []],
    ["await recordProgram(program);", []],
  ])("%s → %j", (source, expected) => {
    expect(isolationHazards(source)).toEqual(expected);
  });
});
