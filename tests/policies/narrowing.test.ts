/**
 * Issue 14 item 9: a floor must hold against narrowing what a rule covers and downgrading what it
 * does, not only against a looser number. Each case starts from the compliant stack and changes
 * one rule so it still names the right paths (a text check passes it) but no longer protects them.
 */
import { describe, expect, it } from "vitest";
import { matchesProbe, samplePaths } from "../../policies/lib/expression";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import {
  API_EXPR,
  CLASS_EXPRESSIONS,
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
  vercelRoute,
} from "./fixtures";
import { violationsOf } from "./helpers";

const messages = async (policy: string, stack: PlannedResource[]) => (await violationsOf(policy, stack)).map((v) => v.message.split("\n")[1]);

describe("the Rules-language evaluator (policies/lib/expression.ts)", () => {
  it.each<[string, string, Parameters<typeof matchesProbe>[1], boolean | undefined]>([
    ["a prefix match", 'starts_with(http.request.uri.path, "/api/")', { path: "/api/x" }, true],
    ["another prefix", 'starts_with(http.request.uri.path, "/api/")', { path: "/blog" }, false],
    ["and false never matches", 'starts_with(http.request.uri.path, "/api/") and false', { path: "/api/x" }, false],
    ["a host filter depends on the host", 'starts_with(http.request.uri.path, "/api/") and http.host eq "a.example"', { path: "/api/x" }, undefined],
    ["or true always matches", '(http.host eq "a.example" or true)', { path: "/api/x" }, true],
    ["a method the probe leaves open", 'http.request.method eq "POST"', { path: "/api/x" }, undefined],
    ["not of a false exemption", 'starts_with(http.request.uri.path, "/api/") and not (http.request.uri.path eq "/api/webhooks/stripe" and http.request.method eq "POST")', { path: "/api/x" }, true],
    ["the exemption itself is open on the webhook path", 'starts_with(http.request.uri.path, "/api/") and not (http.request.uri.path eq "/api/webhooks/stripe" and http.request.method eq "POST")', { path: "/api/webhooks/stripe" }, undefined],
    ["in {…}", 'http.request.method in {"POST" "PUT"}', { method: "PUT" }, true],
    ["decoded, lower-cased query", 'lower(url_decode(http.request.uri.query)) contains "union select"', { query: "id=1%20UNION%20SELECT" }, true],
    // Header names keep the client's case (HTTP/1.1 sends Content-Length): a case-sensitive test of a name is unknown, lower() makes it definite.
    ["header names compared case-sensitively are unknown", 'not any(http.request.headers.names[*] eq "content-length")', { headers: { "content-length": ["1"] } }, undefined],
    ["header names through lower() and any()", 'not any(lower(http.request.headers.names[*])[*] eq "content-length")', { headers: { "content-length": ["1"] } }, false],
    ["an absent header compares false", 'http.request.headers["content-type"][0] eq "x"', { headers: {} }, false],
    ["matches", 'http.request.uri.path matches "^/api/[a-z]+$"', { path: "/api/abc" }, true],
    ["&& and ||", 'http.request.uri.path == "/a" || http.request.uri.path == "/b" && true', { path: "/b" }, true],
    ["an unknown function is unknown", 'frobnicate(http.request.uri.path) eq "x"', { path: "/a" }, undefined],
    ["a syntax error is unknown", 'starts_with(http.request.uri.path, "/api/"', { path: "/api/x" }, undefined],
  ])("%s", (_name, expression, probe, expected) => {
    expect(matchesProbe(expression, probe)).toBe(expected);
  });

  it("samples a prefix with names no route has, and an exact path as itself", () => {
    expect(samplePaths("/api/auth/*")).toEqual(["/api/auth/zz-probe", "/api/auth/zz-probe/deeper/path.json"]);
    expect(samplePaths("/api/health")).toEqual(["/api/health"]);
  });
});

describe("rate-limits: a class must count every request to its routes, per client, and block", () => {
  const rules = (auth: Record<string, unknown>) => [auth, rateLimitRule("rate-limit-api", 100), rateLimitRule("rate-limit-ai", 30)];
  const authWith = (patch: Record<string, unknown>, ratelimit: Record<string, unknown> = {}) => {
    const rule = rateLimitRule("rate-limit-auth", 10);
    return { ...rule, ...patch, ratelimit: { ...(rule.ratelimit as object), ...ratelimit } };
  };
  const NOT_COVERED = (route: string, probe: string) =>
    `Route class "auth" does not cover ${route}: no blocking rule of the class counts every request to ${probe}, whatever its method, host or source (guide: 10/min, burst 20). Give a "rate-limit-auth" rule an expression matching all of ${route} and nothing narrower.`;

  it.each<[string, Record<string, unknown>, string[]]>([
    ["ANDed with false", authWith({ expression: `${CLASS_EXPRESSIONS.auth} and false` }), [NOT_COVERED("/api/auth/*", "/api/auth/zz-probe"), NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    ["a host filter", authWith({ expression: `${CLASS_EXPRESSIONS.auth} and http.host eq "staging.example"` }), [NOT_COVERED("/api/auth/*", "/api/auth/zz-probe"), NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    ["/auth/* dropped", authWith({ expression: 'starts_with(http.request.uri.path, "/api/auth/")' }), [NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    ["one login route only", authWith({ expression: 'http.request.uri.path eq "/api/auth/login"' }), [NOT_COVERED("/api/auth/*", "/api/auth/zz-probe"), NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    ["POSTs only", authWith({ expression: `${CLASS_EXPRESSIONS.auth} and http.request.method eq "POST"` }), [NOT_COVERED("/api/auth/*", "/api/auth/zz-probe"), NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    ["a counting expression that never counts", authWith({}, { countingExpression: "false" }), [NOT_COVERED("/api/auth/*", "/api/auth/zz-probe"), NOT_COVERED("/auth/*", "/auth/zz-probe")]],
    [
      "counted per header value",
      authWith({}, { characteristics: ["cf.colo.id", "ip.src", 'http.request.headers["x-request-id"]'] }),
      [
        'rule ref "rate-limit-auth" of ruleset "edge-ratelimit" counts requests per ["cf.colo.id","ip.src","http.request.headers[\\"x-request-id\\"]"]; it must count per client (ip.src or cf.unique_visitor_id, with cf.colo.id) and nothing else, or a client that varies http.request.headers["x-request-id"] is never limited.',
        'Route class "auth" has no blocking rate-limit rule (guide: 10/min, burst 20). Add a rule with ref "rate-limit-auth" to the http_ratelimit ruleset.',
      ],
    ],
    [
      "only uncached requests counted",
      authWith({}, { requestsToOrigin: true }),
      [
        'rule ref "rate-limit-auth" of ruleset "edge-ratelimit" counts only requests that reach the origin (requestsToOrigin: true); every request to the class\'s routes must count.',
        'Route class "auth" has no blocking rate-limit rule (guide: 10/min, burst 20). Add a rule with ref "rate-limit-auth" to the http_ratelimit ruleset.',
      ],
    ],
    [
      "a managed challenge",
      authWith({ action: "managed_challenge" }),
      [
        'rule ref "rate-limit-auth" of ruleset "edge-ratelimit" has action "managed_challenge", which does not limit anything; use one of block.',
        'Route class "auth" has no blocking rate-limit rule (guide: 10/min, burst 20). Add a rule with ref "rate-limit-auth" to the http_ratelimit ruleset.',
      ],
    ],
  ])("%s is refused", async (_name, auth, expected) => {
    expect(await messages("rate-limits", replace(compliantStack(), rateLimitRuleset(rules(auth))))).toEqual(expected);
  });

  it("a strict rule on one route does not make a loose rule elsewhere compliant", async () => {
    const loose = rateLimitRule("rate-limit-auth", 100);
    const strictOnOne = rateLimitRule("rate-limit-auth-login", 10, 60, "block", 'http.request.uri.path eq "/api/auth/login"');
    expect(await messages("rate-limits", replace(compliantStack(), rateLimitRuleset([loose, strictOnOne, rateLimitRule("rate-limit-api", 100), rateLimitRule("rate-limit-ai", 30)])))).toEqual([
      'Route class "auth" allows 100 requests/min even by its strictest rule, rule ref "rate-limit-auth" of ruleset "edge-ratelimit" (100 requests per 60 s); the guide allows at most 10/min.',
      'Route class "auth" allows bursts of 100 requests even by its strictest rule, rule ref "rate-limit-auth" of ruleset "edge-ratelimit" (100 requests per 60 s); the guide allows a burst of at most 20.',
    ]);
  });
});

describe("waf-baseline: each family must block its attack, OWASP must stay on and blocking", () => {
  const custom = () => customWafRuleset().inputs.rules as Record<string, unknown>[];
  const withCustom = (ref: string, patch: Record<string, unknown>) => replace(compliantStack(), ruleset("edge-waf-custom", "http_request_firewall_custom", custom().map((r) => (r.ref === ref ? { ...r, ...patch } : r))));
  const managed = () => managedWafRuleset().inputs.rules as Record<string, unknown>[];
  const withOwaspOverrides = (overrides: Record<string, unknown>) =>
    replace(compliantStack(), ruleset("edge-waf-managed", "http_request_firewall_managed", [managed()[0] as Record<string, unknown>, { ...managed()[1], actionParameters: { id: "4814384a9e5d4991b9815dcfc25d2f1f", overrides } }]));
  const SCORE = "6179ae15870a4bb7b2d480d4843b323c";
  const OWASP = 'rule ref "waf-owasp" of ruleset "edge-waf-managed"';

  it.each<[string, () => PlannedResource[], string[]]>([
    [
      "SQLi rule narrowed to one host",
      () => withCustom("waf-sqli", { expression: `${(custom()[0] as { expression: string }).expression} and http.host eq "a.example"` }),
      [
        'rule ref "waf-sqli" of ruleset "edge-waf-custom" does not block a UNION SELECT in the query string (GET /api/prompts?id=1%20UNION%20SELECT%20password%20FROM%20users) whatever its host or source: no enabled blocking rule of the family matches it. The guide\'s sqli protection must cover every request.',
      ],
    ],
    [
      "XSS rule with its needles removed",
      () => withCustom("waf-xss", { expression: 'lower(url_decode(http.request.uri.query)) contains "javascript:"' }),
      [
        'rule ref "waf-xss" of ruleset "edge-waf-custom" does not block a <script> tag in the query string (GET /api/prompts?q=%3Cscript%3Ealert(1)%3C/script%3E) whatever its host or source: no enabled blocking rule of the family matches it. The guide\'s xss protection must cover every request.',
      ],
    ],
    [
      "path traversal ANDed with false",
      () => withCustom("waf-path-traversal", { expression: `(${(custom()[2] as { expression: string }).expression}) and false` }),
      [
        'rule ref "waf-path-traversal" of ruleset "edge-waf-custom" does not block ../ in the URI (GET /api/../../etc/passwd) whatever its host or source: no enabled blocking rule of the family matches it. The guide\'s path-traversal protection must cover every request.',
      ],
    ],
    [
      "file upload as a managed challenge",
      () => withCustom("waf-file-upload", { action: "managed_challenge" }),
      ['rule ref "waf-file-upload" of ruleset "edge-waf-custom" has action "managed_challenge"; it must be one of block.'],
    ],
    ["the OWASP score rule disabled", () => withOwaspOverrides({ rules: [{ id: SCORE, enabled: false }] }), [`${OWASP} disables rule ${SCORE} of the Cloudflare OWASP Core Ruleset (overrides.rules enabled false).`]],
    [
      "the OWASP score rule logging",
      () => withOwaspOverrides({ rules: [{ id: SCORE, action: "log", enabled: true }] }),
      [`${OWASP} changes rule ${SCORE} of the Cloudflare OWASP Core Ruleset to "log" (overrides.rules action); only block stops a request.`],
    ],
    [
      "an OWASP threshold no sensitivity offers",
      () => withOwaspOverrides({ rules: [{ id: SCORE, action: "block", scoreThreshold: 1000 }] }),
      [`${OWASP} sets the anomaly score threshold to 1000; Cloudflare's least sensitive level is 60 (low), and a higher one turns the ruleset off in all but name.`],
    ],
    [
      "an OWASP attack category disabled",
      () => withOwaspOverrides({ categories: [{ category: "attack-sqli", enabled: false }] }),
      [`${OWASP} disables the "attack-sqli" rules of the Cloudflare OWASP Core Ruleset; only paranoia-level-2, paranoia-level-3, paranoia-level-4 may be turned off.`],
    ],
  ])("%s is refused", async (_name, stack, expected) => {
    expect(await messages("waf-baseline", stack())).toEqual(expected);
  });

  it("the paranoia levels above 1 may be turned off, and a threshold of 25-60 is allowed", async () => {
    expect(await messages("waf-baseline", withOwaspOverrides({ categories: [2, 3, 4].map((l) => ({ category: `paranoia-level-${l}`, enabled: false })), rules: [{ id: SCORE, action: "block", scoreThreshold: 60 }] }))).toEqual([]);
  });
});

describe("security-headers: a header must reach every /api/* response", () => {
  const edgeOnly = (expression: string) => {
    const r = headersRuleset();
    const rule = (r.inputs.rules as Record<string, unknown>[])[0] as Record<string, unknown>;
    (r.inputs.rules as Record<string, unknown>[])[0] = { ...rule, expression };
    return replace(compliantStack().filter((x) => x.name !== "app-api-headers"), r);
  };
  const notEverywhere = (header: string, value: string) =>
    `${header} is not set for every /api/* response (only some are covered) by any layer. Set "${header}: ${value}" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`;
  const ALL = [notEverywhere("Strict-Transport-Security", "max-age=31536000; includeSubDomains"), notEverywhere("X-Content-Type-Options", "nosniff"), notEverywhere("X-Frame-Options", "DENY")];

  const notSet = (header: string, value: string) => notEverywhere(header, value).replace("every /api/* response (only some are covered)", "/api/*");
  it.each<[string, string, string[]]>([
    ["one route only", 'http.request.uri.path eq "/api/prompts/today"', ALL],
    ["a host filter", `${API_EXPR} and http.host eq "a.example"`, ALL],
    ["ANDed with false", `${API_EXPR} and false`, [notSet("Strict-Transport-Security", "max-age=31536000; includeSubDomains"), notSet("X-Content-Type-Options", "nosniff"), notSet("X-Frame-Options", "DENY")]],
  ])("an edge rule on %s does not set the headers", async (_name, expression, expected) => {
    expect(await messages("security-headers", edgeOnly(expression))).toEqual(expected);
  });

  it("a Vercel route with a has-condition (one host) does not set them", async () => {
    const route = vercelRoute();
    const props = route.inputs as { route: Record<string, unknown> };
    props.route = { ...props.route, has: [{ type: "host", value: "a.example" }] };
    expect(await messages("security-headers", replace(compliantStack().filter((x) => x.name !== "edge-headers"), route))).toEqual(ALL);
  });

  it("a weaker value on some /api/* routes is still a weakening", async () => {
    const r = headersRuleset();
    (r.inputs.rules as Record<string, unknown>[]).push({
      ref: "weak-frames",
      action: "rewrite",
      expression: 'http.request.uri.path eq "/api/embed"',
      actionParameters: { headers: { "X-Frame-Options": { operation: "set", value: "ALLOWALL" } } },
    });
    expect(await messages("security-headers", replace(compliantStack(), r))).toEqual([
      'Cloudflare rule ref "weak-frames" of ruleset "edge-headers" (on some /api/* responses) sets "ALLOWALL" (must be "DENY") for X-Frame-Options on /api/*; it must not be weaker than "DENY".',
    ]);
  });
});

describe("cache-rules: the private bypass must match every request under every private path", () => {
  const bypassWith = (patch: Record<string, unknown>) => cacheRuleset([...cacheRules().slice(0, 3), { ...(cacheRules()[3] as Record<string, unknown>), ...patch }]);
  const MISSING = (paths: string) => `rule ref "cache-bypass-private" of ruleset "edge-cache" does not cover ${paths}: its expression must match every request under every authenticated path, whatever its host, method or source.`;

  it.each<[string, Record<string, unknown>, string[]]>([
    ["ANDed with false (names both paths)", { expression: `(${(cacheRules()[3] as { expression: string }).expression}) and false` }, [MISSING('"/api/user/", "/auth/"')]],
    ["a host filter", { expression: `(${(cacheRules()[3] as { expression: string }).expression}) and http.host eq "a.example"` }, [MISSING('"/api/user/", "/auth/"')]],
    ["one per-user route only", { expression: 'http.request.uri.path eq "/api/user/profile" or starts_with(http.request.uri.path, "/auth/")' }, [MISSING('"/api/user/"')]],
    [
      "disabled",
      { enabled: false },
      [
        'No edge-cache bypass for authenticated paths: add a rule with ref "cache-bypass-private", action "set_cache_settings", actionParameters { cache: false } and an expression naming "/api/user", "/auth", after every caching rule.',
      ],
    ],
  ])("%s is refused", async (_name, patch, expected) => {
    expect(await messages("cache-rules", replace(compliantStack(), bypassWith(patch)))).toEqual(expected);
  });
});

describe("edge-tls-baseline: a Configuration Rule may not lower the SSL mode for some requests", () => {
  it("a set_config rule with ssl flexible on /api/* is refused", async () => {
    const rule = { ref: "api-flexible", action: "set_config", expression: API_EXPR, actionParameters: { ssl: "flexible" } };
    expect(await messages("edge-tls-baseline", [...compliantStack(), ruleset("edge-config", "http_config_settings", [rule])])).toEqual([
      `rule ref "api-flexible" of ruleset "edge-config" sets ssl to "flexible" where "${API_EXPR}" matches; it must be one of strict for every request.`,
    ]);
  });
  it("one that keeps strict passes", async () => {
    const rule = { ref: "api-strict", action: "set_config", expression: API_EXPR, actionParameters: { ssl: "strict" } };
    expect(await messages("edge-tls-baseline", [...compliantStack(), ruleset("edge-config", "http_config_settings", [rule])])).toEqual([]);
  });
});
