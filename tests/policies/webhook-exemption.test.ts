/**
 * The webhook exemption in the policy pack: start from a compliant stack that exempts Stripe's
 * webhook POSTs exactly (as the edge layer plans it), then widen one thing and assert the exact
 * violation. Skip rules and class exclusions must cover only exact allowed paths with POST.
 */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { exactPathsOf, exemptionScopeProblem, methodsOf, splitTopLevel } from "../../policies/lib/exemption";
import { compliantStack, managedWafRuleset, rateLimitRule, replace, ruleset, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";


/** rate-limits: the class no longer counts every request to one of its routes. */
const notCovered = (cls: string, route: string, probe: string) =>
  violation(
    "rate-limits",
    `Route class "${cls}" does not cover ${route}: no blocking rule of the class counts every request to ${probe}, whatever its method, host or source (guide: 100/min, burst 200). Give a "rate-limit-${cls}" rule an expression matching all of ${route} and nothing narrower.`,
    "urn:pulumi:prod::promptandpause::cloudflare:index/ruleset:Ruleset::edge-ratelimit",
  );

const RULESET = "cloudflare:index/ruleset:Ruleset";
const OWASP = "4814384a9e5d4991b9815dcfc25d2f1f";
const CF_MANAGED = "efb7b8c949ac4650a09736fc376e9aee";
const EXEMPT = 'http.request.uri.path eq "/api/webhooks/stripe" and http.request.method eq "POST"';
const EXAMPLE = `e.g. "${EXEMPT}" (further conjuncts such as ip.src in {…} may narrow it).`;
const API_BASE = 'starts_with(http.request.uri.path, "/api/") and not (starts_with(http.request.uri.path, "/api/auth/") or starts_with(http.request.uri.path, "/api/ai/"))';

type Rule = Record<string, unknown>;

const owaspException = (expression = EXEMPT, actionParameters: Record<string, unknown> = { rulesets: [OWASP] }): Rule => ({
  ref: "waf-managed-skip-owasp-webhooks",
  action: "skip",
  expression,
  actionParameters,
});

function managedWith(exception: Rule): PlannedResource {
  return ruleset("edge-waf-managed", "http_request_firewall_managed", [exception, ...(managedWafRuleset().inputs.rules as Rule[])]);
}

const withExpression = (rule: Rule, expression: string): Rule => ({ ...rule, expression });

/** The rate-limit rules as the edge layer plans them: the API class without the webhook POSTs, plus their own limit. */
function rateLimitRules(api = `${API_BASE} and not (${EXEMPT})`, webhook: Rule = withExpression(rateLimitRule("rate-limit-webhooks", 2000, 120), EXEMPT)): Rule[] {
  return [
    withExpression(rateLimitRule("rate-limit-auth", 20, 120), '(starts_with(http.request.uri.path, "/api/auth/") or starts_with(http.request.uri.path, "/auth/"))'),
    withExpression(rateLimitRule("rate-limit-api", 200, 120), api),
    withExpression(rateLimitRule("rate-limit-ai", 30), 'starts_with(http.request.uri.path, "/api/ai/")'),
    webhook,
  ];
}

const customSkip = (expression: string, actionParameters: Record<string, unknown>): PlannedResource => {
  const custom = compliantStack().find((r) => r.name === "edge-waf-custom") as PlannedResource;
  return ruleset("edge-waf-custom", "http_request_firewall_custom", [{ ref: "skip-webhooks", action: "skip", expression, actionParameters }, ...(custom.inputs.rules as Rule[])]);
};

function exemptStack(): PlannedResource[] {
  return replace(replace(compliantStack(), managedWith(owaspException())), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules()));
}

const managedUrn = urnOf(RULESET, "edge-waf-managed");
const customUrn = urnOf(RULESET, "edge-waf-custom");
const rateUrn = urnOf(RULESET, "edge-ratelimit");
const exceptionLabel = 'rule ref "waf-managed-skip-owasp-webhooks" of ruleset "edge-waf-managed"';

it("the stack with the exact exemption passes every policy (happy path)", async () => {
  expect(await violationsOf("waf-baseline", exemptStack())).toEqual([]);
  expect(await violationsOf("rate-limits", exemptStack())).toEqual([]);
});

describe("waf-baseline: exceptions", () => {
  const tooBroad = (expression: string, problem: string, label = exceptionLabel, urn = managedUrn) =>
    violation("waf-baseline", `${label} skips WAF rules where "${expression}" matches, which is too broad: ${problem}. A WAF exception must cover exactly the webhook deliveries, ${EXAMPLE}`, urn);
  const NO_PATH = 'it does not limit the path to exact webhook paths (needs a conjunct http.request.uri.path eq "<path>" with <path> one of "/api/webhooks/stripe")';
  const NO_METHOD = 'it does not limit the method to POST (needs a conjunct http.request.method eq "POST")';

  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    ["narrowed further by Stripe's IPs", () => replace(exemptStack(), managedWith(owaspException(`${EXEMPT} and ip.src in {3.18.12.63 54.187.0.0/16}`))), []],
    ["parenthesised, with `in` and `==`", () => replace(exemptStack(), managedWith(owaspException('(http.request.uri.path in {"/api/webhooks/stripe"} and http.request.method == "POST")'))), []],
    ["expression true", () => replace(exemptStack(), managedWith(owaspException("true"))), [tooBroad("true", `${NO_PATH}; ${NO_METHOD}`)]],
    [
      "all of /api/*",
      () => replace(exemptStack(), managedWith(owaspException('starts_with(http.request.uri.path, "/api/")'))),
      [tooBroad('starts_with(http.request.uri.path, "/api/")', `${NO_PATH}; ${NO_METHOD}`)],
    ],
    [
      "a prefix of the webhook path, POST",
      () => replace(exemptStack(), managedWith(owaspException('starts_with(http.request.uri.path, "/api/webhooks/") and http.request.method eq "POST"'))),
      [tooBroad('starts_with(http.request.uri.path, "/api/webhooks/") and http.request.method eq "POST"', NO_PATH)],
    ],
    [
      "the exact path, any method",
      () => replace(exemptStack(), managedWith(owaspException('http.request.uri.path eq "/api/webhooks/stripe"'))),
      [tooBroad('http.request.uri.path eq "/api/webhooks/stripe"', NO_METHOD)],
    ],
    [
      "exact path or POST (an `or` is not a limit)",
      () => replace(exemptStack(), managedWith(owaspException('http.request.uri.path eq "/api/webhooks/stripe" or http.request.method eq "POST"'))),
      [tooBroad('http.request.uri.path eq "/api/webhooks/stripe" or http.request.method eq "POST"', `${NO_PATH}; ${NO_METHOD}`)],
    ],
    [
      "an exact path that is not a webhook route",
      () => replace(exemptStack(), managedWith(owaspException('http.request.uri.path in {"/api/webhooks/stripe" "/api/admin/import"} and http.request.method eq "POST"'))),
      [tooBroad('http.request.uri.path in {"/api/webhooks/stripe" "/api/admin/import"} and http.request.method eq "POST"', 'it covers "/api/admin/import", not only the allowed webhook paths ("/api/webhooks/stripe")')],
    ],
    [
      "skipping every remaining managed rule",
      () => replace(exemptStack(), managedWith(owaspException(EXEMPT, { ruleset: "current" }))),
      [violation("waf-baseline", `${exceptionLabel} skips every remaining managed rule (ruleset "current"), the Cloudflare Managed Ruleset included; skip only rulesets: ["${OWASP}"].`, managedUrn)],
    ],
    [
      "skipping the Cloudflare Managed Ruleset too",
      () => replace(exemptStack(), managedWith(owaspException(EXEMPT, { rulesets: [CF_MANAGED, OWASP] }))),
      [violation("waf-baseline", `${exceptionLabel} skips the Cloudflare Managed Ruleset (${CF_MANAGED}), which must run on all traffic.`, managedUrn)],
    ],
    [
      "a custom rule skipping the guide's custom rules",
      () => replace(exemptStack(), customSkip(EXEMPT, { ruleset: "current" })),
      [violation("waf-baseline", `rule ref "skip-webhooks" of ruleset "edge-waf-custom" skips the remaining custom rules (ruleset "current"), which block the guide's four families; remove it.`, customUrn)],
    ],
    [
      "a custom rule skipping the managed phase for all of /api/*",
      () => replace(exemptStack(), customSkip('starts_with(http.request.uri.path, "/api/")', { phases: ["http_request_firewall_managed"] })),
      [
        violation("waf-baseline", `rule ref "skip-webhooks" of ruleset "edge-waf-custom" skips the whole http_request_firewall_managed phase (both managed rulesets); use an exception in that phase with rulesets: [<OWASP id>] instead.`, customUrn),
        tooBroad('starts_with(http.request.uri.path, "/api/")', `${NO_PATH}; ${NO_METHOD}`, 'rule ref "skip-webhooks" of ruleset "edge-waf-custom"', customUrn),
      ],
    ],
    ["a disabled broad exception does not count", () => replace(exemptStack(), managedWith({ ...owaspException("true"), enabled: false })), []],
  ])("%s", async (_title, stack, expected) => {
    expect(await violationsOf("waf-baseline", stack())).toEqual(expected);
  });

  it("another webhook path is allowed once the policy's webhookPaths lists it", async () => {
    const moved = 'http.request.uri.path eq "/api/billing/events" and http.request.method eq "POST"';
    const stack = replace(exemptStack(), managedWith(owaspException(moved)));
    expect(await violationsOf("waf-baseline", stack)).toHaveLength(1);
    expect(await violationsOf("waf-baseline", stack, { "waf-baseline": { webhookPaths: ["/api/billing/events"] } })).toEqual([]);
  });
});

describe("rate-limits: webhook deliveries leave the classes only exactly", () => {
  const api = 'rule ref "rate-limit-api" of ruleset "edge-ratelimit"';
  const hook = 'rule ref "rate-limit-webhooks" of ruleset "edge-ratelimit"';
  const tooBroad = (label: string, what: string, expression: string, problem: string, urn = rateUrn) =>
    violation("rate-limits", `${label} ${what} "${expression}", which is too broad: ${problem}. Only webhook deliveries may be exempt, ${EXAMPLE}`, urn);
  const NO_PATH = 'it does not limit the path to exact webhook paths (needs a conjunct http.request.uri.path eq "<path>" with <path> one of "/api/webhooks/stripe")';
  const NO_METHOD = 'it does not limit the method to POST (needs a conjunct http.request.method eq "POST")';
  const PREFIX_POST = 'starts_with(http.request.uri.path, "/api/webhooks/") and http.request.method eq "POST"';

  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    [
      "the API class drops every webhook POST under a prefix",
      () => replace(exemptStack(), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules(`${API_BASE} and not (${PREFIX_POST})`))),
      [tooBroad(api, 'takes out of class "api" the requests where', PREFIX_POST, NO_PATH)],
    ],
    [
      "the API class drops every POST",
      () => replace(exemptStack(), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules(`${API_BASE} and not http.request.method eq "POST"`))),
      [tooBroad(api, 'takes out of class "api" the requests where', 'http.request.method eq "POST"', NO_PATH), notCovered("api", "/api/*", "/api/zz-probe")],
    ],
    [
      "the API class drops all of /api/* (no other class counts it)",
      () => replace(exemptStack(), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules('starts_with(http.request.uri.path, "/api/") and not starts_with(http.request.uri.path, "/api/")'))),
      [
        violation(
          "rate-limits",
          `${api} takes "starts_with(http.request.uri.path, "/api/")" out of class "api" but no other class's rule counts it, so those requests are not rate limited. Remove the exclusion, or add a class for that path.`,
          rateUrn,
        ),
        notCovered("api", "/api/*", "/api/zz-probe"),
      ],
    ],
    [
      "the webhook limit applied to all of /api/*",
      () => replace(exemptStack(), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules(undefined, withExpression(rateLimitRule("rate-limit-webhooks", 2000, 120), 'starts_with(http.request.uri.path, "/api/")')))),
      [tooBroad(hook, "applies the webhook limit where", 'starts_with(http.request.uri.path, "/api/")', `${NO_PATH}; ${NO_METHOD}`)],
    ],
    [
      "the webhook limit looser than 1000/min, burst 2000",
      () => replace(exemptStack(), ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules(undefined, withExpression(rateLimitRule("rate-limit-webhooks", 6000, 120), EXEMPT)))),
      [
        violation("rate-limits", `Route class "webhooks" allows 3000 requests/min even by its strictest rule, ${hook} (6000 requests per 120 s); the webhook limit (this policy's "webhookLimit") allows at most 1000/min.`, rateUrn),
        violation("rate-limits", `Route class "webhooks" allows bursts of 6000 requests even by its strictest rule, ${hook} (6000 requests per 120 s); the webhook limit (this policy's "webhookLimit") allows a burst of at most 2000.`, rateUrn),
      ],
    ],
    [
      "a custom rule skipping rate limiting for everything",
      () => replace(exemptStack(), customSkip("true", { phases: ["http_ratelimit"] })),
      [tooBroad('rule ref "skip-webhooks" of ruleset "edge-waf-custom"', "skips every rate-limit rule where", "true", `${NO_PATH}; ${NO_METHOD}`, customUrn)],
    ],
    ["a custom rule skipping rate limiting for exactly the webhook POSTs (unlimited, but narrow)", () => replace(exemptStack(), customSkip(EXEMPT, { phases: ["http_ratelimit"] })), []],
  ])("%s", async (_title, stack, expected) => {
    expect(await violationsOf("rate-limits", stack())).toEqual(expected);
  });

  it("a moved webhook route is refused by both policies until their webhookPaths list it", async () => {
    const moved = 'http.request.uri.path eq "/api/billing/events" and http.request.method eq "POST"';
    const stack = replace(
      replace(exemptStack(), managedWith(owaspException(moved))),
      ruleset("edge-ratelimit", "http_ratelimit", rateLimitRules(`${API_BASE} and not (${moved})`, withExpression(rateLimitRule("rate-limit-webhooks", 2000, 120), moved))),
    );
    const problem = 'it covers "/api/billing/events", not only the allowed webhook paths ("/api/webhooks/stripe")';
    expect((await violationsOf("rate-limits", stack)).map((v) => v.message.includes(problem))).toEqual([true, true]);
    expect((await violationsOf("waf-baseline", stack)).map((v) => v.message.includes(problem))).toEqual([true]);
    const config = { "rate-limits": { webhookPaths: ["/api/billing/events"] }, "waf-baseline": { webhookPaths: ["/api/billing/events"] } };
    expect(await violationsOf("rate-limits", stack, config)).toEqual([]);
    expect(await violationsOf("waf-baseline", stack, config)).toEqual([]);
  });
});

describe("reading an expression's scope", () => {
  it.each<[string, string[] | undefined]>([
    ['http.request.uri.path eq "/a"', ["/a"]],
    ['(http.request.uri.path eq "/a" or http.request.uri.path eq "/b")', ["/a", "/b"]],
    ['http.request.uri.path in {"/a" "/b"}', ["/a", "/b"]],
    ['starts_with(http.request.uri.path, "/a")', undefined],
    ['http.request.uri.path eq "/a" or true', undefined],
    ['not http.request.uri.path eq "/a"', undefined],
    ['lower(http.request.uri.path) eq "/a"', undefined],
  ])("%s limits the path to %j", (expression, paths) => {
    expect(exactPathsOf(expression)).toEqual(paths);
  });
  it("methods, conjuncts and strings with operators inside", () => {
    expect(methodsOf('http.request.method in {"POST" "GET"}')).toEqual(["POST", "GET"]);
    expect(splitTopLevel('(a and b) and c eq "x and y" && d', "and")).toEqual(["(a and b)", 'c eq "x and y"', "d"]);
    expect(exemptionScopeProblem('http.request.uri.path eq "/api/webhooks/stripe" and http.request.method in {"POST" "GET"}', { paths: ["/api/webhooks/stripe"], method: "POST" })).toMatch(/does not limit the method to POST/);
  });
});
