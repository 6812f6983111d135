import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans, type PlanDiff } from "../../scripts/lib/plan-diff";
import { readPlanDocument } from "../../scripts/lib/plan-document";
import type { PlanDocument } from "../../scripts/lib/run-plan";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/stack-file";
import { GUIDE } from "../../stacks/guide";
import { mermaidBlocks, parseMermaid } from "../helpers/mermaid";
import { type CliResult, editedStackFile, runPlanInProcess, tempDir } from "./support";

/**
 * `npm run plan -- --stack prod --diff-against BASE.json` over fixture plans built by the real
 * plan command: the real prod settings as the base branch, and two pull requests made with
 * `--config FILE` (a looser API rate limit; the Supabase project moved to another region).
 * Each through the CLI's own entry in this process (`planMain`, tests/helpers/plan-cli.ts): the
 * base first, then the heads; tests/plan/plan-cli-stacks.test.ts runs that entry as a process.
 */

const CIPHERTEXT = "v1:ZmFrZSBjaXBoZXJ0ZXh0IG9mIGEgc3RyaXBlIGtleQ==";

interface Run {
  cli: CliResult;
  markdown: string;
  doc: PlanDocument;
  diff: PlanDiff;
}

let base: PlanDocument;
let baseMarkdown: string;
let baseCli: CliResult;
const runs: Record<"rateLimit" | "region", Run> = {} as never;
let badBase: CliResult;
let wrongStack: CliResult;

beforeAll(async () => {
  const dir = tempDir("plan-diff");
  const basePath = path.join(dir, "base.json");
  const baseMd = path.join(dir, "base.md");
  baseCli = await runPlanInProcess(["--stack", "prod", "--json", basePath, "--markdown", baseMd]);
  if (baseCli.code !== 0) throw new Error(`base plan failed (exit ${baseCli.code}):\n${baseCli.stderr}`);
  base = readPlanDocument(basePath);
  baseMarkdown = readFileSync(baseMd, "utf8");

  // The guide's classes as a stack file spells them (routes: stacks/schema/edge.ts, not imported
  // here: it loads the edge components), with the API class loosened.
  const paths = { auth: ["/api/auth/*", "/auth/*"], api: ["/api/*"], ai: ["/api/ai/*"] };
  const classes = Object.fromEntries(Object.entries(GUIDE.rateLimits).map(([name, limit]) => [name, { ...limit, paths: paths[name as keyof typeof paths] }]));
  const rateLimitFile = editedStackFile("prod", dir, "rate-limit.yaml", (doc) => {
    doc.setIn(["config", "promptandpause:edge", "rateLimits"], doc.createNode({ classes: { ...classes, api: { ...classes.api, requestsPerMinute: 120, burst: 240 } } }));
  });
  // Another region, and a secret the base does not set (the plan still has no key to read it).
  const regionFile = editedStackFile("prod", dir, "region.yaml", (doc) => {
    doc.setIn(["config", "promptandpause:database", "region"], "eu-central-1");
    doc.setIn(["config", "promptandpause:stripeSecretKey"], doc.createNode({ secure: CIPHERTEXT }));
  });
  const head = async (label: keyof typeof runs, config: string) => {
    const json = path.join(dir, `${label}.json`);
    const md = path.join(dir, `${label}.md`);
    const cli = await runPlanInProcess(["--stack", "prod", "--config", config, "--diff-against", basePath, "--json", json, "--markdown", md]);
    if (!existsSync(json)) throw new Error(`${label}: no plan written (exit ${cli.code}):\n${cli.stderr}`);
    const doc = readPlanDocument(json);
    runs[label] = { cli, markdown: existsSync(md) ? readFileSync(md, "utf8") : "", doc, diff: diffPlans(base, doc) };
  };
  badBase = await runPlanInProcess(["--stack", "prod", "--diff-against", baseMd]);
  wrongStack = await runPlanInProcess(["--stack", "staging", "--diff-against", basePath]);
  await head("rateLimit", rateLimitFile);
  await head("region", regionFile);
});

describe("a pull request that loosens the API rate limit", () => {
  const run = () => runs.rateLimit;

  it("changes exactly one resource: the rate-limit ruleset, updated in place", () => {
    expect(run().diff.resources.map((r) => [r.name, r.action])).toEqual([["edge-rate-limits-ruleset", "update"]]);
    expect(run().diff.counts).toMatchObject({ add: 0, update: 1, remove: 0, replace: 0 });
  });

  it("shows exactly that rule as changed, with the old and new values", () => {
    const [ruleset] = run().diff.resources;
    expect(ruleset?.changes.every((c) => c.path.startsWith("rules[ref=rate-limit-api]."))).toBe(true);
    expect(ruleset?.changes).toContainEqual({ path: "rules[ref=rate-limit-api].ratelimit.requestsPerPeriod", kind: "changed", old: 200, new: 240 });
    expect(run().markdown).toContain("| `rules[ref=rate-limit-api].ratelimit.requestsPerPeriod` | `200` | `240` |");
    expect(run().cli.stdout).toContain("rules[ref=rate-limit-api].ratelimit.requestsPerPeriod: 200 → 240");
  });

  it("leads the comment with the summary and flags nothing in bold", () => {
    expect(run().markdown.split("\n")[2]).toMatch(/^\*\*\+0 ~1 -0 ±0 replace\*\* · \d+ unchanged · /);
    expect(run().markdown).not.toContain("⚠️");
    expect(run().markdown).toMatch(/<details><summary>Resource changes \(1\)<\/summary>/);
  });

  it("lists the policy violations that appear (and the reverse diff lists them as resolved)", () => {
    const { appeared, resolved } = run().diff.policies;
    expect(appeared.map((v) => [v.policy, v.level])).toEqual([
      ["rate-limits", "mandatory"],
      ["rate-limits", "mandatory"],
    ]);
    expect(resolved).toEqual([]);
    expect(run().markdown).toContain("| new | mandatory | rate-limits | `edge-rate-limits-ruleset` |");
    expect(diffPlans(run().doc, base).policies.resolved).toEqual(appeared);
    expect(run().cli.code, run().cli.stderr).toBe(1);
  });
});

describe("a pull request that moves the Supabase project to another region", () => {
  const run = () => runs.region;
  const project = () => run().diff.resources.find((r) => r.name === "database-project");

  it("replaces the project because of its region, as its own provider's diff says", () => {
    expect(project()).toMatchObject({ action: "replace", protect: true, critical: true, changes: [{ path: "region", kind: "changed", old: "eu-west-2", new: "eu-central-1" }] });
    expect(project()?.verdict?.keys).toEqual(["region"]);
    expect(project()?.verdict?.source).toContain("diffProject");
    expect(run().cli.code, run().cli.stderr).toBe(0);
  });

  it("flags the replacement in bold, before the folded detail", () => {
    const md = run().markdown;
    const flag = md.split("\n").find((l) => l.startsWith("- **⚠️ ± replaces `database-project`"));
    expect(flag).toBeDefined();
    expect(flag).toContain('region: "eu-west-2" → "eu-central-1"');
    expect(flag).toContain("protected");
    expect(flag).toMatch(/\*\*$/);
    expect(md.indexOf(flag ?? "")).toBeLessThan(md.indexOf("<details>"));
    expect(md.split("\n")[2]).toMatch(/^\*\*\+0 ~\d+ -0 ±1 replace\*\*/);
  });

  it("names the resources that take values from the replaced project", () => {
    expect(project()?.dependents).toEqual(expect.arrayContaining(["database-settings", "app-env-next-public-supabase-url"]));
  });
});

describe("secrets", () => {
  it("stay [secret] on both sides: a secret set on one side only is no change, and no value or ciphertext is shown", () => {
    const { region } = runs;
    expect(region.diff.resources.find((r) => r.type.includes("stripe"))).toBeUndefined();
    for (const text of [region.markdown, region.cli.stdout, region.cli.stderr, runs.rateLimit.markdown, runs.rateLimit.cli.stdout]) {
      expect(text).not.toContain(SECRET_PLACEHOLDER);
      expect(text).not.toContain(CIPHERTEXT);
    }
    const secretInputs = region.doc.resources.filter((r) => JSON.stringify(r.inputs).includes('"[secret]"'));
    expect(secretInputs.length).toBeGreaterThan(5);
  });
});

describe("the diagrams", () => {
  it("parse with the mermaid parser: the plain report's and both diff reports'", async () => {
    const blocks = [baseMarkdown, runs.rateLimit.markdown, runs.region.markdown].map((md) => mermaidBlocks(md));
    expect(blocks.map((b) => b.length)).toEqual([1, 1, 1]);
    for (const [source] of blocks) expect(await parseMermaid(source ?? "")).toBe("flowchart-v2");
  });

  it("show layers, components and resource kinds with counts, and colour what changes", () => {
    const plain = mermaidBlocks(baseMarkdown)[0] ?? "";
    expect(plain).toMatch(/subgraph L\d+\["layer: edge"\]/);
    expect(plain).toMatch(/subgraph C\d+\["edge-dns · Dns"\]/);
    // The count is the plan's own: the records the edge's Dns component registers.
    const records = base.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && r.parent?.endsWith("::edge-dns")).length;
    expect(records).toBeGreaterThan(1);
    expect(plain).toContain(`["cloudflare DnsRecord ×${records}"]`);
    expect(plain).not.toContain("classDef");
    const [rate] = mermaidBlocks(runs.rateLimit.markdown);
    const node = /(K\d+)\["cloudflare Ruleset<br\/>~1"\]/.exec(rate ?? "")?.[1];
    expect(node).toBeDefined();
    expect(rate).toMatch(new RegExp(`class ([K\\d,]+,)?${node}(,[K\\d,]+)? changed`));
    const [region] = mermaidBlocks(runs.region.markdown);
    const project = /(K\d+)\["supabase Project<br\/>±1"\]/.exec(region ?? "")?.[1];
    expect(region).toMatch(new RegExp(`class ([K\\d,]+,)?${project}(,[K\\d,]+)? replaced`));
  });
});

describe("bad --diff-against input (exit 3, nothing planned)", () => {
  it.each([
    ["a file that is not a plan document", () => badBase, /--diff-against: .*base\.md is not JSON/],
    ["the plan of another stack", () => wrongStack, /--diff-against: .*base\.json is a plan of stack "prod", not staging\. Plan the base branch with --stack staging\./],
  ])("%s", (_what, result, message) => {
    expect(result().stderr).toMatch(message);
    expect(result().stdout).not.toContain("Offline plan of");
    expect(result().code).toBe(3);
  });
});
