import { describe, expect, it } from "vitest";
import { planStack } from "../helpers/pulumi";

// biome-ignore lint/suspicious/noExplicitAny: plan JSON is untyped; the assertions check its shape
type Json = any;

/**
 * Both real stacks, through the offline plan and the policy pack: the edge layer plans clean and
 * the JSON plan carries each phase's ruleset with the guide's values.
 */
describe.each(["staging", "prod"] as const)("the %s stack's edge layer", (stack) => {
  it("plans with no policy violations and one ruleset per phase carrying the guide's values", async () => {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(`${stack} did not plan:\n${outcome.problems.join("\n")}`);
    const doc = outcome.document;
    expect(doc.policies.violations).toEqual([]);
    const rulesets = doc.resources.filter((r) => r.type === "cloudflare:index/ruleset:Ruleset");
    const byPhase = Object.fromEntries(rulesets.map((r) => [r.inputs.phase as string, r.inputs.rules as Json[]]));
    expect(rulesets).toHaveLength(Object.keys(byPhase).length);
    expect(byPhase.http_ratelimit?.map((r) => [r.ref, r.ratelimit.requestsPerPeriod, r.ratelimit.period])).toEqual([
      ["rate-limit-auth", 20, 120],
      ["rate-limit-api", 200, 120],
      ["rate-limit-ai-burst", 50, 60],
      ["rate-limit-ai-sustained", 60, 120],
      ["rate-limit-webhooks", 2000, 120],
    ]);
    // The app's Stripe webhook route (promptandpause:app.stripe.webhookPath) reaches the edge through AppOutputs.webhookPaths.
    const exempt = 'http.request.uri.path eq "/api/webhooks/stripe" and http.request.method eq "POST"';
    expect(byPhase.http_ratelimit?.find((r) => r.ref === "rate-limit-webhooks")?.expression).toBe(exempt);
    expect(byPhase.http_ratelimit?.find((r) => r.ref === "rate-limit-api")?.expression.endsWith(` and not (${exempt})`)).toBe(true);
    expect(byPhase.http_request_firewall_managed?.[0]).toMatchObject({ action: "skip", expression: exempt, actionParameters: { rulesets: ["4814384a9e5d4991b9815dcfc25d2f1f"] } });
    expect(byPhase.http_request_cache_settings?.filter((r) => r.actionParameters.cache).map((r) => [r.ref, r.actionParameters.edgeTtl.default])).toEqual([
      ["cache-prompts-today", 300],
      ["cache-static", 86_400],
      ["cache-js", 31_536_000],
    ]);
    expect(byPhase.http_request_firewall_custom?.map((r) => r.ref)).toEqual(expect.arrayContaining(["waf-sqli", "waf-xss", "waf-path-traversal", "waf-file-upload"]));
    expect(byPhase.http_request_firewall_managed?.filter((r) => r.action === "execute").map((r) => r.actionParameters.id)).toEqual(["efb7b8c949ac4650a09736fc376e9aee", "4814384a9e5d4991b9815dcfc25d2f1f"]);
    expect(byPhase.http_response_headers_transform?.[0]?.actionParameters.headers["X-Frame-Options"]).toEqual({ operation: "set", value: "DENY" });
    // The Business subscription exists before anything that needs the plan is created.
    const subscription = doc.resources.find((r) => r.type === "cloudflare:index/zoneSubscription:ZoneSubscription");
    expect(subscription?.inputs).toMatchObject({ ratePlan: { id: "business" } });
    for (const r of doc.resources.filter((x) => ["cloudflare:index/ruleset:Ruleset", "cloudflare:index/healthcheck:Healthcheck", "cloudflare:index/dnsRecord:DnsRecord"].includes(x.type))) {
      expect(r.dependencies, r.name).toContain(subscription?.urn);
    }
    // Staging's DMARC reports go to prod's address: prod's zone authorizes them (RFC 7489 7.1).
    const reportAuth = doc.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && String(r.inputs.name).includes("._report._dmarc."));
    expect(reportAuth.map((r) => [r.inputs.name, r.inputs.content])).toEqual(stack === "prod" ? [["promptandpause-staging.com._report._dmarc.promptandpause.com", '"v=DMARC1"']] : []);
    const zone = doc.resources.find((r) => r.type === "cloudflare:index/zone:Zone");
    expect(zone?.protect).toBe(stack === "prod");
    expect(doc.outputs.edge).toMatchObject({ zoneName: expect.any(String), rulesetIds: expect.any(Object) });
  });
});
