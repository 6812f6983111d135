/** Edge policies: start from the compliant stack, change one field, assert the exact violation. */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { evaluatePolicyPack } from "../../scripts/lib/policy-evaluator";
import {
  API_EXPR,
  cacheRule,
  cacheRules,
  cacheRuleset,
  compliantStack,
  customWafRuleset,
  headersRuleset,
  managedWafRuleset,
  rateLimitRule,
  rateLimitRuleset,
  replace,
  ruleset,
  setting,
  urnOf,
  vercelRoute,
} from "./fixtures";
import { violation, violationsOf } from "./helpers";

const RULESET = "cloudflare:index/ruleset:Ruleset";
const SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
const ROUTE = "vercel:index/projectRoute:ProjectRoute";

function withoutName(stack: PlannedResource[], ...names: string[]): PlannedResource[] {
  return stack.filter((r) => !names.includes(r.name));
}

function headersWith(headers: Record<string, unknown>, expression = API_EXPR): PlannedResource {
  const r = headersRuleset();
  const rules = r.inputs.rules as Record<string, unknown>[];
  rules[0] = { ...rules[0], expression, actionParameters: { headers } };
  return r;
}

it("the compliant stack passes every policy", async () => {
  const report = await evaluatePolicyPack(compliantStack(), { project: "promptandpause", stack: "prod" });
  expect(report.violations).toEqual([]);
  expect(report.evaluated).toBeGreaterThan(0);
});

describe("security-headers", () => {
  const HSTS = "max-age=31536000; includeSubDomains";
  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    ["edge alone is enough", () => withoutName(compliantStack(), "app-api-headers"), []],
    ["origin alone is enough", () => withoutName(compliantStack(), "edge-headers"), []],
    [
      "zone security_header setting covers HSTS and nosniff (snake_case value)",
      () => [
        ...withoutName(compliantStack(), "edge-headers"),
        setting("edge-security-header", "security_header", { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, nosniff: true } }),
      ],
      [],
    ],
    [
      "no layer sets any header",
      () => withoutName(compliantStack(), "edge-headers", "app-api-headers"),
      [
        violation("security-headers", `Strict-Transport-Security is not set for /api/* by any layer. Set "Strict-Transport-Security: ${HSTS}" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
        violation("security-headers", `X-Content-Type-Options is not set for /api/* by any layer. Set "X-Content-Type-Options: nosniff" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
        violation("security-headers", `X-Frame-Options is not set for /api/* by any layer. Set "X-Frame-Options: DENY" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
      ],
    ],
    [
      "edge rule on another path does not count",
      () => withoutName(replace(compliantStack(), headersWith({ "X-Frame-Options": { operation: "set", value: "DENY" } }, 'starts_with(http.request.uri.path, "/blog/")')), "app-api-headers"),
      [
        violation("security-headers", `Strict-Transport-Security is not set for /api/* by any layer. Set "Strict-Transport-Security: ${HSTS}" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
        violation("security-headers", `X-Content-Type-Options is not set for /api/* by any layer. Set "X-Content-Type-Options: nosniff" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
        violation("security-headers", `X-Frame-Options is not set for /api/* by any layer. Set "X-Frame-Options: DENY" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`),
      ],
    ],
    [
      "origin sets a short HSTS max-age (weaker than the edge)",
      () => replace(compliantStack(), vercelRoute({ "Strict-Transport-Security": "max-age=300; includeSubDomains", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY" })),
      [
        violation(
          "security-headers",
          `Vercel route "app-api-headers" (/api/(.*)) sets "max-age=300; includeSubDomains" (max-age must be at least 31536000) for Strict-Transport-Security on /api/*; it must not be weaker than "${HSTS}".`,
          urnOf(ROUTE, "app-api-headers"),
        ),
      ],
    ],
    [
      "edge HSTS without includeSubDomains",
      () => replace(compliantStack(), headersWith({ "Strict-Transport-Security": { operation: "set", value: "max-age=31536000" } })),
      [
        violation(
          "security-headers",
          `Cloudflare rule ref "security-headers-api" of ruleset "edge-headers" sets "max-age=31536000" (includeSubDomains is missing) for Strict-Transport-Security on /api/*; it must not be weaker than "${HSTS}".`,
          urnOf(RULESET, "edge-headers"),
        ),
      ],
    ],
    [
      "edge X-Frame-Options SAMEORIGIN",
      () => replace(compliantStack(), headersWith({ "x-frame-options": { operation: "set", value: "SAMEORIGIN" } })),
      [
        violation(
          "security-headers",
          `Cloudflare rule ref "security-headers-api" of ruleset "edge-headers" sets "SAMEORIGIN" (must be "DENY") for X-Frame-Options on /api/*; it must not be weaker than "DENY".`,
          urnOf(RULESET, "edge-headers"),
        ),
      ],
    ],
    [
      "edge strips nosniff set by the origin",
      () => replace(compliantStack(), headersWith({ "X-Content-Type-Options": { operation: "remove" } }, "true")),
      [
        violation(
          "security-headers",
          `Cloudflare rule ref "security-headers-api" of ruleset "edge-headers" removes it for X-Content-Type-Options on /api/*; it must not be weaker than "nosniff".`,
          urnOf(RULESET, "edge-headers"),
        ),
      ],
    ],
    [
      "zone setting with a short max-age is weaker",
      () => [...compliantStack(), setting("edge-security-header", "security_header", { strictTransportSecurity: { enabled: true, maxAge: 86400, includeSubdomains: true, nosniff: true } })],
      [
        violation(
          "security-headers",
          `Cloudflare zone setting "edge-security-header" (security_header) sets "max-age=86400; includeSubDomains" (max-age must be at least 31536000) for Strict-Transport-Security on /api/*; it must not be weaker than "${HSTS}".`,
          urnOf(SETTING, "edge-security-header"),
        ),
      ],
    ],
  ])("%s", async (_title, stack, expected) => {
    expect(await violationsOf("security-headers", stack())).toEqual(expected);
  });

  it("accepts SAMEORIGIN when configured to", async () => {
    const stack = replace(compliantStack(), headersWith({ "X-Frame-Options": { operation: "set", value: "SAMEORIGIN" } }));
    expect(await violationsOf("security-headers", stack, { "security-headers": { frameOptions: "SAMEORIGIN" } })).toEqual([]);
  });
});

describe("rate-limits", () => {
  const urn = urnOf(RULESET, "edge-ratelimit");
  const base = () => [rateLimitRule("rate-limit-auth", 10), rateLimitRule("rate-limit-api", 100), rateLimitRule("rate-limit-ai", 30)];
  it.each<[string, Record<string, unknown>[], ReturnType<typeof violation>[]]>([
    ["a stricter window passes (1 request per 10 s = 6/min)", [rateLimitRule("rate-limit-auth", 1, 10), ...base().slice(1)], []],
    [
      "a burst rule plus a rate rule combine (20 per 60 s burst rule, 10 per 60 s rate rule)",
      [rateLimitRule("rate-limit-auth-burst", 20), ...base()],
      [],
    ],
    [
      "auth limit looser per minute (2 per 10 s = 12/min)",
      [rateLimitRule("rate-limit-auth", 2, 10), ...base().slice(1)],
      [violation("rate-limits", `Route class "auth" allows 12 requests/min even by its strictest rule, rule ref "rate-limit-auth" of ruleset "edge-ratelimit" (2 requests per 10 s); the guide allows at most 10/min.`, urn)],
    ],
    [
      "API burst looser (300 per 300 s = 60/min but bursts of 300)",
      [base()[0] as Record<string, unknown>, rateLimitRule("rate-limit-api", 300, 300), base()[2] as Record<string, unknown>],
      [violation("rate-limits", `Route class "api" allows bursts of 300 requests even by its strictest rule, rule ref "rate-limit-api" of ruleset "edge-ratelimit" (300 requests per 300 s); the guide allows a burst of at most 200.`, urn)],
    ],
    [
      "AI class missing",
      base().slice(0, 2),
      [violation("rate-limits", `Route class "ai" has no blocking rate-limit rule (guide: 30/min, burst 50). Add a rule with ref "rate-limit-ai" to the http_ratelimit ruleset.`)],
    ],
    [
      "a log-only rule does not limit",
      [base()[0] as Record<string, unknown>, base()[1] as Record<string, unknown>, rateLimitRule("rate-limit-ai", 30, 60, "log")],
      [
        violation("rate-limits", `rule ref "rate-limit-ai" of ruleset "edge-ratelimit" has action "log", which does not limit anything; use one of block.`, urn),
        violation("rate-limits", `Route class "ai" has no blocking rate-limit rule (guide: 30/min, burst 50). Add a rule with ref "rate-limit-ai" to the http_ratelimit ruleset.`),
      ],
    ],
    [
      "unknown route class",
      [...base(), rateLimitRule("rate-limit-search", 50)],
      [violation("rate-limits", `rule ref "rate-limit-search" of ruleset "edge-ratelimit" belongs to no known route class. Give it the ref "rate-limit-<class>[-<suffix>]" with <class> one of ai, api, auth, or add the class to this policy's "classes" config with its guide limits.`, urn)],
    ],
    [
      "disabled rule does not count",
      [{ ...rateLimitRule("rate-limit-auth", 10), enabled: false }, ...base().slice(1)],
      [violation("rate-limits", `Route class "auth" has no blocking rate-limit rule (guide: 10/min, burst 20). Add a rule with ref "rate-limit-auth" to the http_ratelimit ruleset.`)],
    ],
  ])("%s", async (_title, rules, expected) => {
    expect(await violationsOf("rate-limits", replace(compliantStack(), rateLimitRuleset(rules)))).toEqual(expected);
  });

  it("a class added through config is checked", async () => {
    const stack = replace(compliantStack(), rateLimitRuleset([...base(), rateLimitRule("rate-limit-search", 50)]));
    const config = { "rate-limits": { classes: { auth: { requestsPerMinute: 10, burst: 20 }, api: { requestsPerMinute: 100, burst: 200 }, ai: { requestsPerMinute: 30, burst: 50 }, search: { requestsPerMinute: 40, burst: 40 } } } };
    expect(await violationsOf("rate-limits", stack, config)).toEqual([
      violation("rate-limits", `Route class "search" allows 50 requests/min even by its strictest rule, rule ref "rate-limit-search" of ruleset "edge-ratelimit" (50 requests per 60 s); the guide allows at most 40/min.`, urn),
      violation("rate-limits", `Route class "search" allows bursts of 50 requests even by its strictest rule, rule ref "rate-limit-search" of ruleset "edge-ratelimit" (50 requests per 60 s); the guide allows a burst of at most 40.`, urn),
    ]);
  });
});

describe("cache-rules", () => {
  const urn = urnOf(RULESET, "edge-cache");
  const rules = cacheRules;
  it.each<[string, () => Record<string, unknown>[], ReturnType<typeof violation>[]]>([
    [
      "prompts-today cached longer than 300 s",
      () => [cacheRule("cache-prompts-today", 'http.request.uri.path eq "/api/prompts/today"', 600), ...rules().slice(1)],
      [violation("cache-rules", `rule ref "cache-prompts-today" of ruleset "edge-cache" caches for 600 s at the edge; the guide allows at most 300 s.`, urn)],
    ],
    [
      "static TTL left to the origin",
      () => [rules()[0], { ...cacheRule("cache-static", 'starts_with(http.request.uri.path, "/static/")', 0), actionParameters: { cache: true, edgeTtl: { mode: "respect_origin" } } }, ...rules().slice(2)] as Record<string, unknown>[],
      [violation("cache-rules", `rule ref "cache-static" of ruleset "edge-cache" must bound the edge TTL: set actionParameters.edgeTtl to { mode: "override_origin", default: <= 86400 } (got mode "respect_origin").`, urn)],
    ],
    [
      "JS caching missing",
      () => rules().filter((r) => r.ref !== "cache-js"),
      [violation("cache-rules", `The caching rule with ref "cache-js" is missing. Add it to the http_request_cache_settings ruleset for ".js" with an edge TTL of at most 31536000 s.`)],
    ],
    [
      "a caching rule naming /api/user",
      () => [cacheRule("cache-prompts-today", 'http.request.uri.path in {"/api/prompts/today" "/api/user/profile"}', 60), ...rules().slice(1)],
      [violation("cache-rules", `rule ref "cache-prompts-today" of ruleset "edge-cache" caches at the edge and its expression names "/api/user", an authenticated/per-user path that must never be cached at the edge.`, urn)],
    ],
    [
      "an unknown caching rule",
      () => [cacheRule("cache-everything", "true", 60), ...rules()],
      [violation("cache-rules", `rule ref "cache-everything" of ruleset "edge-cache" caches at the edge but is not a known caching rule (known refs: cache-js, cache-prompts-today, cache-static). Give it one of those refs or add it to this policy's "rules" config with its guide TTL.`, urn)],
    ],
    [
      "bypass missing",
      () => rules().slice(0, 3),
      [violation("cache-rules", `No edge-cache bypass for authenticated paths: add a rule with ref "cache-bypass-private", action "set_cache_settings", actionParameters { cache: false } and an expression naming "/api/user", "/auth", after every caching rule.`)],
    ],
    [
      "bypass before a caching rule",
      () => [rules()[3], ...rules().slice(0, 3)] as Record<string, unknown>[],
      [violation("cache-rules", `rule ref "cache-bypass-private" of ruleset "edge-cache" must come after every caching rule; a later caching rule overrides it.`, urn)],
    ],
    [
      "bypass misses /auth",
      () => [...rules().slice(0, 3), { ...rules()[3], expression: 'starts_with(http.request.uri.path, "/api/user/")' }],
      [violation("cache-rules", `rule ref "cache-bypass-private" of ruleset "edge-cache" does not cover "/auth/": its expression must match every request under every authenticated path, whatever its host, method or source.`, urn)],
    ],
    [
      "a rule whose expression does not match its path",
      () => [rules()[0], cacheRule("cache-static", 'starts_with(http.request.uri.path, "/assets/")', 86400), ...rules().slice(2)] as Record<string, unknown>[],
      [violation("cache-rules", `rule ref "cache-static" of ruleset "edge-cache" must match the path it is named for: its expression does not contain "/static/".`, urn)],
    ],
  ])("%s", async (_title, next, expected) => {
    expect(await violationsOf("cache-rules", replace(compliantStack(), cacheRuleset(next())))).toEqual(expected);
  });
});

describe("edge-tls-baseline", () => {
  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    ["ssl full", () => replace(compliantStack(), setting("edge-ssl", "ssl", "full")), [violation("edge-tls-baseline", `Zone setting "edge-ssl" sets ssl to "full"; it must be one of strict (Full (strict) validates the origin certificate).`, urnOf(SETTING, "edge-ssl"))]],
    ["TLS 1.1", () => replace(compliantStack(), setting("edge-min-tls", "min_tls_version", "1.1")), [violation("edge-tls-baseline", `Zone setting "edge-min-tls" sets min_tls_version to "1.1"; it must be at least "1.2".`, urnOf(SETTING, "edge-min-tls"))]],
    ["TLS 1.3 is fine", () => replace(compliantStack(), setting("edge-min-tls", "min_tls_version", "1.3")), []],
    ["always-https off", () => replace(compliantStack(), setting("edge-always-https", "always_use_https", "off")), [violation("edge-tls-baseline", `Zone setting "edge-always-https" sets always_use_https to "off"; it must be "on" so plain HTTP is redirected to HTTPS.`, urnOf(SETTING, "edge-always-https"))]],
    ["min TLS not managed", () => withoutName(compliantStack(), "edge-min-tls"), [violation("edge-tls-baseline", `The zone setting "min_tls_version" is not managed by this stack. Add a cloudflare.ZoneSetting with settingId "min_tls_version" and value "1.2".`)]],
  ])("%s", async (_title, stack, expected) => {
    expect(await violationsOf("edge-tls-baseline", stack())).toEqual(expected);
  });

  it("is not applicable to a stack without a Cloudflare zone", async () => {
    expect(await violationsOf("edge-tls-baseline", withoutName(compliantStack(), "edge-zone", "edge-ssl", "edge-min-tls", "edge-always-https"))).toEqual([]);
  });
});

describe("waf-baseline", () => {
  const managedUrn = urnOf(RULESET, "edge-waf-managed");
  const customUrn = urnOf(RULESET, "edge-waf-custom");
  const managedRules = () => managedWafRuleset().inputs.rules as Record<string, unknown>[];
  const customRules = () => customWafRuleset().inputs.rules as Record<string, unknown>[];
  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    [
      "OWASP not executed",
      () => replace(compliantStack(), ruleset("edge-waf-managed", "http_request_firewall_managed", managedRules().slice(0, 1))),
      [violation("waf-baseline", `The Cloudflare OWASP Core Ruleset (4814384a9e5d4991b9815dcfc25d2f1f) is not executed. Add a rule { action: "execute", expression: "true", actionParameters: { id: "4814384a9e5d4991b9815dcfc25d2f1f" } } to the http_request_firewall_managed ruleset.`)],
    ],
    [
      "managed ruleset downgraded to log",
      () => replace(compliantStack(), ruleset("edge-waf-managed", "http_request_firewall_managed", [{ ...managedRules()[0], actionParameters: { id: "efb7b8c949ac4650a09736fc376e9aee", overrides: { action: "log" } } }, managedRules()[1] as Record<string, unknown>])),
      [violation("waf-baseline", `rule ref "waf-cloudflare-managed" of ruleset "edge-waf-managed" changes what every rule of the Cloudflare Managed Ruleset does to "log" (overrides.action); only block stops a request.`, managedUrn)],
    ],
    [
      "managed ruleset scoped to one path",
      () => replace(compliantStack(), ruleset("edge-waf-managed", "http_request_firewall_managed", [{ ...managedRules()[0], expression: API_EXPR }, managedRules()[1] as Record<string, unknown>])),
      [violation("waf-baseline", `rule ref "waf-cloudflare-managed" of ruleset "edge-waf-managed" runs the Cloudflare Managed Ruleset only where "${API_EXPR}" matches; it must run on all traffic (expression "true").`, managedUrn)],
    ],
    [
      "path traversal family missing",
      () => replace(compliantStack(), ruleset("edge-waf-custom", "http_request_firewall_custom", customRules().filter((r) => r.ref !== "waf-path-traversal"))),
      [violation("waf-baseline", `The WAF custom rule with ref "waf-path-traversal" is missing or disabled. Add it to the http_request_firewall_custom ruleset with a blocking action.`)],
    ],
    [
      "XSS rule only logs",
      () => replace(compliantStack(), ruleset("edge-waf-custom", "http_request_firewall_custom", customRules().map((r) => (r.ref === "waf-xss" ? { ...r, action: "log" } : r)))),
      [violation("waf-baseline", `rule ref "waf-xss" of ruleset "edge-waf-custom" has action "log"; it must be one of block.`, customUrn)],
    ],
  ])("%s", async (_title, stack, expected) => {
    expect(await violationsOf("waf-baseline", stack())).toEqual(expected);
  });
});
