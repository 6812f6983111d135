import { describe, expect, it } from "vitest";
import { layerOf, markdownReport, summaryTable } from "../../scripts/lib/plan-report";
import type { PlanDocument } from "../../scripts/lib/run-plan";

/** The human views of a plan document, from a small hand-made document. */
const S = "urn:pulumi:prod::promptandpause::";
const stack = `${S}pulumi:pulumi:Stack::promptandpause-prod`;
const edge = `${S}promptandpause:edge:Edge::edge`;
const app = `${S}promptandpause:app:App::app`;
const res = (urn: string, type: string, name: string, parent: string | null, dependencies: string[] = []) => ({ urn, type, name, parent, protect: false, dependencies, inputs: {} });

const doc: PlanDocument = {
  project: "promptandpause",
  stack: "prod",
  resources: [
    res(stack, "pulumi:pulumi:Stack", "promptandpause-prod", null),
    res(app, "promptandpause:app:App", "app", stack),
    res(`${S}promptandpause:app:App$vercel:index/project:Project::app-project`, "vercel:index/project:Project", "app-project", app),
    res(edge, "promptandpause:edge:Edge", "edge", stack),
    res(`${S}promptandpause:edge:Edge$cloudflare:index/ruleset:Ruleset::edge-waf`, "cloudflare:index/ruleset:Ruleset", "edge-waf", edge),
    res(`${S}promptandpause:edge:Edge$cloudflare:index/dnsRecord:DnsRecord::edge-www`, "cloudflare:index/dnsRecord:DnsRecord", "edge-www", edge, [`${S}promptandpause:app:App$vercel:index/project:Project::app-project`]),
  ],
  outputs: {},
  policies: { pack: "promptandpause-policies", evaluated: 12, violations: [{ policy: "edge-hsts", level: "mandatory", urn: `${S}promptandpause:edge:Edge$cloudflare:index/ruleset:Ruleset::edge-waf`, message: "HSTS | missing" }] },
  warnings: ["cloudflare:apiToken is not set"],
};

describe("markdownReport", () => {
  const md = markdownReport(doc);

  it("counts cloud resources per layer", () => {
    expect(md).toContain("| app | 1 |");
    expect(md).toContain("| edge | 2 |");
  });

  it("draws layers, components with their resource kinds, and an edge for each cross-component dependency", () => {
    expect(md).toMatch(/```mermaid\nflowchart LR\n/);
    expect(md).toContain('subgraph L0["layer: app"]');
    expect(md).toContain('subgraph C0["app · App"]');
    expect(md).toContain('K0["vercel Project"]');
    expect(md).toContain('subgraph C1["edge · Edge"]');
    expect(md).toContain('["cloudflare DnsRecord"]');
    expect(md).toContain("  C1 --> C0");
    expect(md).not.toContain("C0 --> C1");
    // A plain plan highlights nothing.
    expect(md).not.toContain("classDef");
  });

  it("flags mandatory violations and escapes table cells", () => {
    expect(md).toContain("❌ 1 mandatory policy violation(s)");
    expect(md).toContain("| mandatory | edge-hsts | `edge-waf` | HSTS \\| missing |");
    expect(md).toContain("- cloudflare:apiToken is not set");
  });
});

describe("summaryTable", () => {
  it("groups cloud resources by component and counts components without the stack", () => {
    const text = summaryTable(doc);
    expect(text).toContain("Offline plan of promptandpause/prod: 3 cloud resources in 2 components");
    expect(text).toMatch(/edge \(promptandpause:edge:Edge\)\s+cloudflare:index\/dnsRecord:DnsRecord\s+1/);
    expect(text).toContain("Policies (promptandpause-policies): 12 evaluations, 1 mandatory and 0 advisory violations");
  });
});

describe("layerOf", () => {
  it.each([
    ["promptandpause:edge:Edge", "edge"],
    ["promptandpause:database:SupabaseProject", "database"],
    ["cloudflare:index/zone:Zone", "platform"],
  ])("%s → %s", (type, layer) => {
    expect(layerOf(type)).toBe(layer);
  });
});
