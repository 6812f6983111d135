import { describe, expect, it } from "vitest";
import { diagramLegend, kindLabel, mermaidDiagram } from "../../scripts/lib/plan-diagram";
import { diffPlans, diffProperties } from "../../scripts/lib/plan-diff";
import { diffMarkdownReport, diffSummaryLine } from "../../scripts/lib/plan-report";
import { REPLACE_RULES, replaceVerdict, STATEFUL_TYPES } from "../../scripts/lib/replace-keys";
import type { PlanDocument } from "../../scripts/lib/run-plan";
import { mermaidBlocks, parseMermaid } from "../helpers/mermaid";

/** The diff's parts over small hand-made documents; the real plans are in plan-diff-cli.test.ts. */

const S = "[secret]";

describe("diffProperties", () => {
  it("matches list elements by their ref: a rule inserted in the middle is one added rule", () => {
    const a = { rules: [{ ref: "a", n: 1 }, { ref: "c", n: 3 }] };
    const b = { rules: [{ ref: "a", n: 1 }, { ref: "b", n: 2 }, { ref: "c", n: 3 }] };
    expect(diffProperties(a, b)).toEqual([{ path: "rules[ref=b]", kind: "added", new: { ref: "b", n: 2 } }]);
  });

  it("reports a nested leaf change by its path, with old and new values", () => {
    expect(diffProperties({ rules: [{ ref: "api", ratelimit: { period: 120, requestsPerPeriod: 200 } }] }, { rules: [{ ref: "api", ratelimit: { period: 120, requestsPerPeriod: 240 } }] })).toEqual([
      { path: "rules[ref=api].ratelimit.requestsPerPeriod", kind: "changed", old: 200, new: 240 },
    ]);
  });

  it.each([
    ["lists without an identity key by position", { xs: [{ v: 1 }, { v: 2 }] }, { xs: [{ v: 1 }, { v: 3 }] }, [{ path: "xs[1].v", kind: "changed", old: 2, new: 3 }]],
    ["lists of plain values whole", { regions: ["lhr1"] }, { regions: ["fra1"] }, [{ path: "regions", kind: "changed", old: ["lhr1"], new: ["fra1"] }]],
    ["a key that appears", {}, { comment: "x" }, [{ path: "comment", kind: "added", new: "x" }]],
    ["a key that goes", { comment: "x" }, {}, [{ path: "comment", kind: "removed", old: "x" }]],
    ["nothing for equal inputs", { a: { b: [1, 2] } }, { a: { b: [1, 2] } }, []],
  ])("compares %s", (_what, a, b, expected) => {
    expect(diffProperties(a, b)).toEqual(expected);
  });

  it.each([
    ["a secret on both sides is never compared", { value: S }, { value: S }, []],
    ["a value that becomes a secret", { value: "plain-old" }, { value: S }, [{ path: "value", kind: "changed", old: S, new: S }]],
    ["a value that stops being a secret", { value: S }, { value: "plain-new" }, [{ path: "value", kind: "changed", old: S, new: S }]],
    ["a list holding a secret", { headers: ["a", S] }, { headers: ["b", S] }, [{ path: "headers", kind: "changed", old: S, new: S }]],
  ])("secrets: %s", (_what, a, b, expected) => {
    const changes = diffProperties(a, b);
    expect(changes).toEqual(expected);
    expect(JSON.stringify(changes)).not.toMatch(/plain-(old|new)/);
  });
});

describe("replaceVerdict (the table and our dynamic providers' diff)", () => {
  const verdict = (type: string, olds: Record<string, unknown>, news: Record<string, unknown>) => replaceVerdict(type, olds, news, diffProperties(olds, news).map((c) => c.path));
  it.each([
    ["cloudflare:index/zone:Zone", { name: "a.com" }, { name: "b.com" }, "replace", ["name"]],
    ["cloudflare:index/ruleset:Ruleset", { name: "r", rules: [{ ref: "x", action: "block" }] }, { name: "r", rules: [{ ref: "x", action: "log" }] }, "update", []],
    ["cloudflare:index/dnsRecord:DnsRecord", { type: "A" }, { type: "CNAME" }, "replace", ["type"]],
    ["vercel:index/project:Project", { name: "a" }, { name: "b" }, "update", []],
    ["vercel:index/project:Project", { teamId: "t1" }, { teamId: "t2" }, "replace", ["teamId"]],
    ["vercel:index/logDrain:LogDrain", { endpoint: "https://a" }, { endpoint: "https://b" }, "replace", ["endpoint"]],
    ["pulumi-nodejs:dynamic/supabase:Project", { region: "eu-west-2", name: "p" }, { region: "eu-central-1", name: "p" }, "replace", ["region"]],
    ["pulumi-nodejs:dynamic/supabase:Project", { region: "eu-west-2", name: "p" }, { region: "eu-west-2", name: "q" }, "update", []],
    ["pulumi-nodejs:dynamic/supabase:Settings", { projectRef: "a", auth: {} }, { projectRef: "b", auth: {} }, "replace", ["projectRef"]],
    ["pulumi-nodejs:dynamic/stripe:WebhookEndpoint", { apiKey: S, apiVersion: "2024-06-20", url: "https://a" }, { apiKey: S, apiVersion: "2025-01-27", url: "https://a" }, "replace", ["apiVersion"]],
    ["aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/24" }, { cidrBlock: "10.0.1.0/24" }, "replace", ["cidrBlock"]],
    ["aws:ec2/subnet:Subnet", { ipv6CidrBlock: "2001:db8::/64" }, { ipv6CidrBlock: "2001:db8:1::/64" }, "may-replace", ["ipv6CidrBlock"]],
    ["aws:ec2/subnet:Subnet", { tags: { a: "1" } }, { tags: { a: "2" } }, "update", []],
    ["aws:ec2/securityGroup:SecurityGroup", { description: "app" }, { description: "app servers" }, "replace", ["description"]],
    ["aws:elasticache/replicationGroup:ReplicationGroup", { engine: "valkey" }, { engine: "redis" }, "may-replace", ["engine"]],
    ["aws:s3/bucket:Bucket", { bucket: "a" }, { bucket: "b" }, "replace", ["bucket"]],
    ["aws:sqs/queue:Queue", { region: "eu-west-2" }, { region: "eu-west-1" }, "replace", ["region"]],
    ["aws:sqs/queue:Queue", { visibilityTimeoutSeconds: 30 }, { visibilityTimeoutSeconds: 60 }, "may-replace", []],
    ["example:index/thing:Thing", { a: 1 }, { a: 2 }, "may-replace", []],
  ])("%s %j → %j: %s", (type, olds, news, action, keys) => {
    const v = verdict(type, olds, news);
    expect(v.action).toBe(action);
    expect(v.keys).toEqual(keys);
    expect(v.source.length).toBeGreaterThan(10);
  });

  it("says why a replacement cannot be seen offline when a secret decides it", () => {
    expect(verdict("pulumi-nodejs:dynamic/stripe:WebhookEndpoint", { apiKey: S, url: "https://a" }, { apiKey: S, url: "https://b" })).toMatchObject({ action: "update", note: expect.stringContaining("test and live") });
  });

  it("every entry names its source and what it decides by; stateful types name what is lost", () => {
    for (const [type, rule] of Object.entries(REPLACE_RULES)) {
      expect(type).toMatch(/^[a-z0-9-]+:[a-zA-Z0-9]+\/[a-zA-Z0-9]+:[A-Z][A-Za-z0-9]+$/);
      expect(rule.source, type).toMatch(/\S{3,}/);
      expect(Boolean(rule.keys?.length || rule.allInputs || rule.diff), type).toBe(true);
    }
    for (const loss of Object.values(STATEFUL_TYPES)) expect(loss.length).toBeGreaterThan(5);
  });
});

// A small base and head plan: one stateful protected project, a zone, an env var and a cache rule.
const P = "urn:pulumi:prod::promptandpause::";
const STACK = `${P}pulumi:pulumi:Stack::promptandpause-prod`;
const DB = `${P}promptandpause:database:Database::database`;
const EDGE = `${P}promptandpause:edge:Edge::edge`;
const res = (urn: string, type: string, name: string, parent: string | null, inputs: Record<string, unknown> = {}, extra: Partial<PlanDocument["resources"][number]> = {}) => ({
  urn,
  type,
  name,
  parent,
  protect: false,
  dependencies: [],
  inputs,
  ...extra,
});
const project = (region: string) =>
  res(`${DB}$pulumi-nodejs:dynamic/supabase:Project::database-project`, "pulumi-nodejs:dynamic/supabase:Project", "database-project", DB, { region, name: "p", dbPassword: S }, { protect: true });
const record = (i: number) => res(`${EDGE}$cloudflare:index/dnsRecord:DnsRecord::edge-record-${i}`, "cloudflare:index/dnsRecord:DnsRecord", `edge-record-${i}`, EDGE, { type: "TXT", content: `v${i}` });
const doc = (resources: PlanDocument["resources"], violations: PlanDocument["policies"]["violations"] = []): PlanDocument => ({
  project: "promptandpause",
  stack: "prod",
  resources: [res(STACK, "pulumi:pulumi:Stack", "promptandpause-prod", null), res(DB, "promptandpause:database:Database", "database", STACK), res(EDGE, "promptandpause:edge:Edge", "edge", STACK), ...resources],
  outputs: {},
  policies: { pack: "p", evaluated: 1, violations },
  warnings: [],
});
const zone = res(`${EDGE}$cloudflare:index/zone:Zone::edge-zone`, "cloudflare:index/zone:Zone", "edge-zone", EDGE, { name: "a.com" });
const settings = res(`${DB}$pulumi-nodejs:dynamic/supabase:Settings::database-settings`, "pulumi-nodejs:dynamic/supabase:Settings", "database-settings", DB, { projectRef: "r" }, { dependencies: [project("x").urn] });
const violation = { policy: "dns", level: "advisory" as const, urn: null, message: "three TXT records" };

const base = doc([project("eu-west-2"), settings, zone, record(1), record(2), record(3)], [violation]);
const head = doc([project("eu-central-1"), settings, record(1), { ...record(2), inputs: { type: "TXT", content: "changed" } }, record(3), record(4), record(5)]);
const diff = diffPlans(base, head);

describe("diffPlans", () => {
  it("classifies every cloud resource by URN and counts them for the summary line", () => {
    expect(diff.resources.map((r) => [r.name, r.action])).toEqual([
      ["database-project", "replace"],
      ["edge-record-2", "update"],
      ["edge-record-4", "add"],
      ["edge-record-5", "add"],
      ["edge-zone", "remove"],
    ]);
    expect(diff.counts).toEqual({ add: 2, update: 1, remove: 1, replace: 1, mayReplace: 0, unchanged: 3 });
    expect(diffSummaryLine(diff)).toBe("+2 ~1 -1 ±1 replace");
  });

  it("flags deletions and replacements of protected or stateful resources, and only those", () => {
    expect(diff.resources.filter((r) => r.critical).map((r) => r.name)).toEqual(["database-project", "edge-zone"]);
    expect(diff.resources.find((r) => r.name === "edge-zone")).toMatchObject({ protect: false, stateful: expect.stringContaining("name servers") });
    expect(diff.resources.find((r) => r.name === "database-project")?.dependents).toEqual(["database-settings"]);
  });

  it("lists the policy results that disappear", () => {
    expect(diff.policies).toEqual({ appeared: [], resolved: [violation] });
  });

  it("renders the flagged lines in bold before the folded detail", () => {
    const md = diffMarkdownReport(diff, head, base);
    const lines = md.split("\n");
    expect(lines[2]).toMatch(/^\*\*\+2 ~1 -1 ±1 replace\*\* · 3 unchanged · policy violations: 0 new, 1 resolved/);
    expect(lines[4]).toMatch(/^- \*\*⚠️ ± replaces `database-project` \(supabase Project\) — protected, holds the Postgres database.*\*\*$/);
    expect(lines[5]).toMatch(/^- \*\*⚠️ - deletes `edge-zone` \(cloudflare Zone\) — holds the zone.*\*\*$/);
    expect(lines[7]).toBe("<details><summary>Resource changes (5)</summary>");
    expect(md).toContain("| `content` | `\"v2\"` | `\"changed\"` |");
    expect(md).toContain("| resolved | advisory | dns | stack | three TXT records |");
  });
});

describe("mermaidDiagram", () => {
  const source = mermaidDiagram(head, diff, base);

  it("groups repeated kinds with a count and marks what changes", () => {
    expect(source).toContain('["cloudflare DnsRecord ×5<br/>+2 ~1"]');
    expect(source).toContain('["supabase Project<br/>±1"]');
    // The removed zone comes from the base plan.
    expect(source).toContain('["cloudflare Zone<br/>-1"]');
    expect(source).toMatch(/subgraph C\d+\["database · Database"\]/);
  });

  it("is a flowchart the mermaid parser accepts, also with quotes in names", async () => {
    const quoted = mermaidDiagram(doc([res(`${EDGE}$cloudflare:index/zone:Zone::z`, "cloudflare:index/zone:Zone", 'odd "name" <b>', EDGE)]));
    expect(await parseMermaid(source)).toBe("flowchart-v2");
    expect(await parseMermaid(quoted)).toBe("flowchart-v2");
    expect(mermaidBlocks(`x\n\`\`\`mermaid\n${source}\n\`\`\`\n`)).toEqual([source]);
    // The DOM mermaid needs is not left behind for later files sharing this worker.
    expect("window" in globalThis || "document" in globalThis).toBe(false);
  });

  it("rejects what the parser rejects (the oracle is not a rubber stamp)", async () => {
    await expect(parseMermaid(source.replace(/subgraph L0\[/, "subgraph L0(["))).rejects.toThrow();
  });

  it.each([
    ["aws:ec2/subnet:Subnet", "ec2 Subnet"],
    ["cloudflare:index/ruleset:Ruleset", "cloudflare Ruleset"],
    ["pulumi-nodejs:dynamic/supabase:Project", "supabase Project"],
    ["pulumi:providers:aws", "provider aws"],
    ["random:index/randomPassword:RandomPassword", "random RandomPassword"],
  ])("kindLabel(%s) = %s", (type, label) => {
    expect(kindLabel(type)).toBe(label);
  });

  it("has a legend for every mark it uses", () => {
    for (const mark of ["`+`", "`~`", "`~?`", "`±`", "`-`"]) expect(diagramLegend()).toContain(mark);
  });
});
