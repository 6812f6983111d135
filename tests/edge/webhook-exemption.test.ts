import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Edge, type EdgeArgs } from "../../components/edge/edge";
import { mapRateLimits } from "../../components/edge/rate-limit-mapping";
import { CLOUDFLARE_MANAGED_RULESET_ID, OWASP_RULESET_ID, WEBHOOK_OWASP_EXCEPTION_REF } from "../../components/edge/waf-rules";
import { assertWebhookExemption, sourceIpProblem, webhookExemptionExpression, webhookPathProblem } from "../../components/edge/webhook-exemption";
import { formatIssue } from "../../components/shared/errors";
import type { PlatformSettings } from "../../stacks/config";
import { GUIDE } from "../../stacks/guide";
import { checkEdgeConfig, edgeConfigSchema } from "../../stacks/schema/edge";
import { ofType, type PlannedResource, recordProgram } from "../helpers/pulumi";
import { ACCOUNT_ID, DKIM, edgeArgs, edgeSettings } from "./fixtures";
import { type EvalRequest, evalPathExpression } from "./path-expression-eval";

/**
 * Stripe's webhook posts at the edge: POSTs to exactly the app's webhook path leave the per-client
 * rate-limit classes for their own generous rule and skip the OWASP Core Ruleset; nothing else
 * changes. Checked by evaluating the planned rules for concrete requests.
 */

interface Rule {
  ref: string;
  action: string;
  expression: string;
  actionParameters?: { id?: string; rulesets?: string[]; ruleset?: string; phases?: string[] };
  ratelimit?: { period: number; requestsPerPeriod: number };
}

const WEBHOOK = "/api/webhooks/stripe";
const STRIPE_IP = "3.18.12.63";
const OTHER_IP = "198.51.100.7";

async function plan(overrides: Partial<EdgeArgs>): Promise<PlannedResource[]> {
  const run = await recordProgram(() => {
    const provider = new cloudflare.Provider("cloudflare", { apiToken: pulumi.secret("test-token") });
    new Edge(
      "edge",
      edgeArgs({ webhookPaths: [WEBHOOK], ...overrides }),
      { providers: [provider] },
    );
    return {};
  });
  return run.resources;
}

const rulesIn = (resources: PlannedResource[], phase: string) => {
  const found = ofType(resources, "cloudflare:index/ruleset:Ruleset").filter((r) => r.inputs.phase === phase);
  if (found.length !== 1) throw new Error(`expected one ${phase} ruleset, found ${found.length}`);
  return (found[0] as PlannedResource).inputs.rules as Rule[];
};

/** The rate-limit classes (from refs) whose rules count the request. */
function classesCounting(rules: Rule[], request: EvalRequest): string[] {
  const names = rules.filter((r) => evalPathExpression(r.expression, request)).map((r) => r.ref.replace(/^rate-limit-/, "").replace(/-(burst|sustained)$/, ""));
  return [...new Set(names)];
}

/**
 * Which managed rulesets run for the request: Cloudflare's exception semantics (a matching skip
 * rule skips the listed rulesets in the execute rules after it).
 */
function managedRulesetsRun(rules: Rule[], request: EvalRequest): string[] {
  const skipped = new Set<string>();
  const run: string[] = [];
  for (const rule of rules) {
    if (!evalPathExpression(rule.expression, request)) continue;
    if (rule.action === "skip") {
      if (rule.actionParameters?.ruleset === "current") return run;
      for (const id of rule.actionParameters?.rulesets ?? []) skipped.add(id);
    } else if (rule.action === "execute" && rule.actionParameters?.id && !skipped.has(rule.actionParameters.id)) {
      run.push(rule.actionParameters.id);
    }
  }
  return run;
}

const BOTH = [CLOUDFLARE_MANAGED_RULESET_ID, OWASP_RULESET_ID];

describe("the exemption is exact (webhook path, POST)", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = await plan({});
  });

  it.each<[string, EvalRequest, string[], string[]]>([
    ["POST /api/webhooks/stripe: own limit, OWASP skipped", { path: WEBHOOK, method: "POST", ip: OTHER_IP }, ["webhooks"], [CLOUDFLARE_MANAGED_RULESET_ID]],
    ["POST /api/webhooks/stripe/x: API class, both rulesets", { path: `${WEBHOOK}/x`, method: "POST", ip: OTHER_IP }, ["api"], BOTH],
    ["GET /api/webhooks/stripe: API class, both rulesets", { path: WEBHOOK, method: "GET", ip: OTHER_IP }, ["api"], BOTH],
    ["PUT /api/webhooks/stripe: API class, both rulesets", { path: WEBHOOK, method: "PUT", ip: OTHER_IP }, ["api"], BOTH],
    ["POST /api/webhooks/stripe2: API class, both rulesets", { path: `${WEBHOOK}2`, method: "POST", ip: OTHER_IP }, ["api"], BOTH],
    ["POST /api/other: API class, both rulesets", { path: "/api/other", method: "POST", ip: OTHER_IP }, ["api"], BOTH],
    ["POST /api/auth/login: auth class, both rulesets", { path: "/api/auth/login", method: "POST", ip: OTHER_IP }, ["auth"], BOTH],
    ["POST /api/ai/reflect: AI class, both rulesets", { path: "/api/ai/reflect", method: "POST", ip: OTHER_IP }, ["ai"], BOTH],
    ["GET /: no class, both rulesets", { path: "/", method: "GET", ip: OTHER_IP }, [], BOTH],
  ])("%s", (_title, request, classes, managed) => {
    expect(classesCounting(rulesIn(resources, "http_ratelimit"), request)).toEqual(classes);
    expect(managedRulesetsRun(rulesIn(resources, "http_request_firewall_managed"), request)).toEqual(managed);
  });

  it("the exception skips the OWASP ruleset by id only, before both execute rules, which still run on all traffic", () => {
    const [exception, ...executes] = rulesIn(resources, "http_request_firewall_managed");
    expect(exception).toEqual(
      expect.objectContaining({
        ref: WEBHOOK_OWASP_EXCEPTION_REF,
        action: "skip",
        expression: `http.request.uri.path eq "${WEBHOOK}" and http.request.method eq "POST"`,
        actionParameters: { rulesets: [OWASP_RULESET_ID] },
      }),
    );
    expect(executes.map((r) => [r.action, r.expression, r.actionParameters?.id])).toEqual([
      ["execute", "true", CLOUDFLARE_MANAGED_RULESET_ID],
      ["execute", "true", OWASP_RULESET_ID],
    ]);
  });

  it("the custom rules (the guide's four families) are untouched: no skip, all blocking", () => {
    const custom = rulesIn(resources, "http_request_firewall_custom");
    expect(custom.map((r) => r.action)).toEqual(custom.map(() => "block"));
  });

  it("the webhook limit is one rule within Business's five, 2000 per 120 s per IP (1000/min, burst 2000)", () => {
    const rules = rulesIn(resources, "http_ratelimit");
    expect(rules).toHaveLength(5);
    expect(rules.find((r) => r.ref === "rate-limit-webhooks")?.ratelimit).toMatchObject({ period: 120, requestsPerPeriod: 2000 });
  });

  it("a renewal burst of 1500 posts from one Stripe IP fits the webhook rule; the API class would refuse it after 200", () => {
    const rules = rulesIn(resources, "http_ratelimit");
    const counting = rules.filter((r) => evalPathExpression(r.expression, { path: WEBHOOK, method: "POST", ip: STRIPE_IP }));
    expect(Math.min(...counting.map((r) => r.ratelimit?.requestsPerPeriod ?? 0))).toBeGreaterThanOrEqual(1500);
    expect(rules.find((r) => r.ref === "rate-limit-api")?.ratelimit?.requestsPerPeriod).toBeLessThan(1500);
  });
});

describe("with Stripe's source IPs configured", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = await plan({ settings: edgeSettings({ webhooks: { sourceIps: [STRIPE_IP, "54.187.0.0/16"] } }) });
  });

  it.each<[string, string, string[], string[]]>([
    ["a Stripe IP", STRIPE_IP, ["webhooks"], [CLOUDFLARE_MANAGED_RULESET_ID]],
    ["an address in a Stripe CIDR", "54.187.174.169", ["webhooks"], [CLOUDFLARE_MANAGED_RULESET_ID]],
    ["any other address", OTHER_IP, ["api"], BOTH],
  ])("POST %s to the webhook path", (_title, ip, classes, managed) => {
    const request = { path: WEBHOOK, method: "POST", ip };
    expect(classesCounting(rulesIn(resources, "http_ratelimit"), request)).toEqual(classes);
    expect(managedRulesetsRun(rulesIn(resources, "http_request_firewall_managed"), request)).toEqual(managed);
  });
});

describe("without webhook paths nothing is exempt", () => {
  it("no exception, no webhook rule, the API class counts the webhook path", async () => {
    const resources = await plan({ webhookPaths: [] });
    expect(rulesIn(resources, "http_request_firewall_managed").map((r) => r.action)).toEqual(["execute", "execute"]);
    expect(classesCounting(rulesIn(resources, "http_ratelimit"), { path: WEBHOOK, method: "POST" })).toEqual(["api"]);
  });
});

describe("inputs that cannot be exempted exactly are refused", () => {
  it.each([
    ["/api/webhooks/*", /must be an exact path/],
    ["api/webhooks/stripe", /must start with "\/"/],
    ['/api/"x', /quotes/],
  ])("webhook path %s", (path, message) => {
    expect(webhookPathProblem(path)).toMatch(message);
  });
  it.each(["3.18.12.63", "3.18.0.0/16", "2600:1f18:2:7::/64", "::1"])("source IP %s is accepted", (ip) => {
    expect(sourceIpProblem(ip)).toBeUndefined();
  });
  it.each(["stripe.com", "300.1.1.1", "3.18.12.63/33", "1.2.3", "1.2.3.4 or true"])("source IP %s is refused", (ip) => {
    expect(sourceIpProblem(ip)).toMatch(/must be an IPv4 or IPv6 address or CIDR/);
  });
  it("the Edge component names the bad path and where to fix it", async () => {
    await expect(plan({ webhookPaths: ["/api/webhooks/*"] })).rejects.toThrow(/webhook path "\/api\/webhooks\/\*" must be an exact path .*Fix promptandpause:app\.stripe\.webhookPath/);
    expect(() => assertWebhookExemption({ paths: [WEBHOOK], sourceIps: ["nope"], requestsPerMinute: 1, burst: 1 }, "x")).toThrow(/source IP "nope" .*Fix promptandpause:edge\.webhooks\.sourceIps/);
  });
  it("several paths become one `in` set", () => {
    expect(webhookExemptionExpression({ paths: [WEBHOOK, "/api/webhooks/resend"], sourceIps: [] })).toBe(
      `http.request.uri.path in {"${WEBHOOK}" "/api/webhooks/resend"} and http.request.method eq "POST"`,
    );
  });
});

describe("config: the webhook limit counts against the plan's rule budget", () => {
  const all = {} as PlatformSettings;
  const messages = (overrides: Record<string, unknown>) => checkEdgeConfig(edgeSettings(overrides), all).map(formatIssue);

  it("defaults: 1000/min, burst 2000, any source; the guide's classes plus the webhook rule fit Business", () => {
    expect(edgeSettings().webhooks).toEqual({ requestsPerMinute: 1000, burst: 2000, sourceIps: [] });
    const mapping = mapRateLimits(GUIDE.rateLimits, "business", edgeSettings().webhooks);
    expect(mapping.ok && mapping.rules.length).toBe(5);
  });
  it("a sixth rule does not fit Business: the plan check names Enterprise", () => {
    const classes = { ...edgeSettings().rateLimits.classes, search: { requestsPerMinute: 60, burst: 120, paths: ["/api/search/*"] } };
    expect(messages({ rateLimits: { classes } })).toEqual([expect.stringMatching(/need 6 rate-limiting rules .*webhooks 1.*Set promptandpause:edge\.plan to "enterprise"/)]);
  });
  it("Pro cannot express the exemption (no http.request.method in rate-limit rules)", () => {
    const mapping = mapRateLimits({ api: { requestsPerMinute: 60, burst: 60 } }, "pro", { requestsPerMinute: 60, burst: 60 });
    expect(mapping.ok).toBe(false);
    expect(!mapping.ok && mapping.problems.join(" ")).toMatch(/needs http\.request\.method in rate-limit expressions, which the pro plan does not offer/);
  });
  it('the class name "webhooks" is reserved', () => {
    const classes = { ...edgeSettings().rateLimits.classes, webhooks: { requestsPerMinute: 10, burst: 20, paths: ["/api/hooks/*"] } };
    expect(messages({ rateLimits: { classes } })).toEqual(expect.arrayContaining([expect.stringMatching(/promptandpause:edge\.rateLimits\.classes\.webhooks: is reserved for the webhook limit/)]));
  });
  it("a source IP that is not an address fails the schema at its key", () => {
    const result = edgeConfigSchema.safeParse({ accountId: ACCOUNT_ID, email: { dkim: [DKIM] }, webhooks: { sourceIps: ["3.18.12.63", "stripe.com"] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([["webhooks", "sourceIps", 1]]);
  });
});
