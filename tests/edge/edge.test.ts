import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Edge, type EdgeArgs } from "../../components/edge/edge";
import { ZoneSecurity } from "../../components/edge/zone-security";
import { OWASP_RULESET_ID, OWASP_SCORE_RULE_ID, CLOUDFLARE_MANAGED_RULESET_ID } from "../../components/edge/waf-rules";
import { GUIDE } from "../../stacks/guide";
import { type PlannedResource, ofType, one, recordProgram, unwrap } from "../helpers/pulumi";
import { DKIM, edgeArgs, edgeSettings } from "./fixtures";
import { evalPathExpression } from "./path-expression-eval";

const T = {
  zone: "cloudflare:index/zone:Zone",
  setting: "cloudflare:index/zoneSetting:ZoneSetting",
  record: "cloudflare:index/dnsRecord:DnsRecord",
  ruleset: "cloudflare:index/ruleset:Ruleset",
  dnssec: "cloudflare:index/zoneDnssec:ZoneDnssec",
  tiered: "cloudflare:index/tieredCache:TieredCache",
  tieredCaching: "cloudflare:index/argoTieredCaching:ArgoTieredCaching",
  health: "cloudflare:index/healthcheck:Healthcheck",
  plan: "cloudflare:index/zoneSubscription:ZoneSubscription",
};

interface Rule {
  ref: string;
  action: string;
  expression: string;
  enabled?: boolean;
  actionParameters?: Record<string, unknown> & { cache?: boolean; edgeTtl?: { mode: string; default: number }; headers?: Record<string, { operation: string; value: string }> };
  ratelimit?: { period: number; requestsPerPeriod: number; characteristics: string[]; mitigationTimeout: number };
}


let resources: PlannedResource[];
let edge: Edge;

beforeAll(async () => {
  const run = await recordProgram(() => {
    const provider = new cloudflare.Provider("cloudflare", { apiToken: pulumi.secret("test-token") });
    edge = new Edge("edge", edgeArgs({ protect: true }), { providers: [provider] });
    return {};
  });
  resources = run.resources;
});

const phase = (p: string) => {
  const found = ofType(resources, T.ruleset).filter((r) => r.inputs.phase === p);
  if (found.length !== 1) throw new Error(`expected one ${p} ruleset, found ${found.length}`);
  return found[0] as PlannedResource;
};
const rulesOf = (p: string) => phase(p).inputs.rules as Rule[];
const settingValue = (id: string) => ofType(resources, T.setting).find((r) => r.inputs.settingId === id)?.inputs.value;

describe("zone and TLS", () => {
  it("the zone is the configured domain, protected and retained, in the account, with the plan subscribed", () => {
    const zone = one(resources, T.zone);
    expect(zone.inputs).toMatchObject({ name: "staging-promptandpause.com", account: { id: edgeSettings().accountId }, type: "full" });
    expect(zone.protect).toBe(true);
    expect(zone.retainOnDelete).toBe(true);
    expect(one(resources, T.plan).inputs).toMatchObject({ ratePlan: { id: "business" } });
  });

  it("uses the API's snake_case setting ids and values: strict SSL, TLS ≥ 1.2, TLS 1.3, HTTPS redirect, rewrites", () => {
    expect(Object.fromEntries(ofType(resources, T.setting).filter((r) => typeof r.inputs.value === "string").map((r) => [r.inputs.settingId, r.inputs.value]))).toEqual({
      ssl: "strict",
      min_tls_version: "1.2",
      tls_1_3: "on",
      always_use_https: "on",
      automatic_https_rewrites: "on",
    });
  });

  it("manages no retired setting: the brotli endpoint reached end of life on 2024-06-14 (Brotli is on for every zone)", () => {
    expect(ofType(resources, T.setting).map((r) => r.inputs.settingId)).not.toContain("brotli");
  });

  it("HSTS through security_header with snake_case nested keys (camelCase keys diff forever)", () => {
    expect(settingValue("security_header")).toEqual({
      strict_transport_security: { enabled: true, max_age: 31_536_000, include_subdomains: true, preload: false, nosniff: true },
    });
  });

  it("DNSSEC active", () => {
    expect(one(resources, T.dnssec).inputs).toMatchObject({ status: "active" });
  });

  it("Tiered Cache off by default (anycast origin), both switches managed so the dashboard cannot leave one on", () => {
    expect(one(resources, T.tieredCaching).inputs).toMatchObject({ value: "off" });
    expect(one(resources, T.tiered).inputs).toMatchObject({ value: "off" });
  });

  it("every Cloudflare resource is a child of an edge component and uses the explicit provider", () => {
    for (const r of resources.filter((x) => x.type.startsWith("cloudflare:index/"))) {
      expect(r.parent, r.name).toMatch(/promptandpause:edge:/);
      expect(r.provider, r.name).toMatch(/pulumi:providers:cloudflare::cloudflare::/);
    }
  });

  it("outputs the zone id, name servers and one ruleset id per phase", async () => {
    expect(await unwrap(edge.outputs.nameServers)).toEqual(["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]);
    expect(await unwrap(edge.outputs.zoneId)).toMatch(/^[0-9a-f]{32}$/);
    const ids = await Promise.all(Object.values(edge.outputs.rulesetIds).map(unwrap));
    expect(new Set(ids).size).toBe(7);
  });
});

describe("DNS", () => {
  const records = () => ofType(resources, T.record).map((r) => r.inputs);
  it("apex and www point at Vercel through the proxy", () => {
    expect(records()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "A", name: "staging-promptandpause.com", content: "76.76.21.21", proxied: true }),
        expect.objectContaining({ type: "CNAME", name: "www.staging-promptandpause.com", content: "cname.vercel-dns.com", proxied: true }),
      ]),
    );
  });
  it("Resend can send: return-path MX and SPF, DKIM, DMARC reporting to the configured address", () => {
    expect(records()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "MX", name: "send.staging-promptandpause.com", content: "feedback-smtp.us-east-1.amazonses.com", priority: 10 }),
        expect.objectContaining({ type: "TXT", name: "send.staging-promptandpause.com", content: '"v=spf1 include:amazonses.com ~all"' }),
        expect.objectContaining({ type: "TXT", name: "resend._domainkey.staging-promptandpause.com", content: expect.stringMatching(/^"p=MIGf/) }),
        expect.objectContaining({ type: "TXT", name: "_dmarc.staging-promptandpause.com", content: '"v=DMARC1; p=quarantine; rua=mailto:dmarc@promptandpause.com; adkim=r; aspf=r"' }),
      ]),
    );
  });
  it("CAA allows only the configured CAs and reports to security", () => {
    const caa = records().filter((r) => r.type === "CAA").map((r) => r.data as { tag: string; value: string });
    expect(caa).toEqual([
      ...["letsencrypt.org", "pki.goog", "ssl.com", "sectigo.com"].map((value) => ({ flags: 0, tag: "issue", value })),
      { flags: 0, tag: "iodef", value: "mailto:security@promptandpause.com" },
    ]);
  });
  it("www redirects permanently to the apex, keeping path and query", () => {
    expect(rulesOf("http_request_dynamic_redirect")).toEqual([
      expect.objectContaining({
        expression: 'http.host eq "www.staging-promptandpause.com"',
        action: "redirect",
        actionParameters: { fromValue: { statusCode: 301, preserveQueryString: true, targetUrl: { expression: 'concat("https://staging-promptandpause.com", http.request.uri.path)' } } },
      }),
    ]);
  });
});

describe("one ruleset per phase", () => {
  it("each phase has exactly one entrypoint ruleset, of kind zone", () => {
    const phases = ofType(resources, T.ruleset).map((r) => r.inputs.phase as string);
    expect(phases.sort()).toEqual(
      [
        "http_ratelimit",
        "http_request_cache_settings",
        "http_request_dynamic_redirect",
        "http_request_firewall_custom",
        "http_request_firewall_managed",
        "http_response_compression",
        "http_response_headers_transform",
      ].sort(),
    );
    for (const r of ofType(resources, T.ruleset)) expect(r.inputs.kind).toBe("zone");
  });
});

describe("WAF", () => {
  it("executes the Cloudflare Managed Ruleset and the OWASP Core Ruleset on all traffic, OWASP at the configured sensitivity", () => {
    const [managed, owasp] = rulesOf("http_request_firewall_managed");
    expect(managed).toMatchObject({ action: "execute", expression: "true", actionParameters: { id: CLOUDFLARE_MANAGED_RULESET_ID } });
    expect(owasp).toMatchObject({
      action: "execute",
      expression: "true",
      actionParameters: {
        id: OWASP_RULESET_ID,
        overrides: {
          categories: [2, 3, 4].map((l) => ({ category: `paranoia-level-${l}`, enabled: false })),
          rules: [{ id: OWASP_SCORE_RULE_ID, action: "block", scoreThreshold: 40, enabled: true }],
        },
      },
    });
  });
  it("blocks the guide's four families with custom rules", () => {
    const rules = rulesOf("http_request_firewall_custom");
    expect(rules.map((r) => [r.ref, r.action])).toEqual([
      ["waf-sqli", "block"],
      ["waf-xss", "block"],
      ["waf-path-traversal", "block"],
      ["waf-file-upload", "block"],
      ["waf-file-upload-type", "block"],
      ["waf-file-upload-size", "block"],
    ]);
    const byRef = Object.fromEntries(rules.map((r) => [r.ref, r.expression]));
    expect(byRef["waf-sqli"]).toContain('lower(url_decode(http.request.uri.query)) contains "union select"');
    expect(byRef["waf-path-traversal"]).toContain('lower(raw.http.request.uri) contains "../"');
    expect(byRef["waf-file-upload"]).toContain('starts_with(lower(http.request.headers["content-type"][0]), "image/png")');
    expect(byRef["waf-file-upload-type"]).toContain('not starts_with(lower(http.request.headers["content-type"][0]), "application/json")');
    // Vercel's 4.5 MB = 4500000 bytes: the regex matches lengths above it.
    const size = /matches "([^"]+)"/.exec(byRef["waf-file-upload-size"] ?? "")?.[1] ?? "";
    expect(new RegExp(size).test("4500000")).toBe(false);
    expect(new RegExp(size).test("4500001")).toBe(true);
  });
});

describe("rate limits", () => {
  it("maps the guide's classes to window rules per IP with the guide's burst and rate", () => {
    const rules = rulesOf("http_ratelimit");
    expect(rules.map((r) => [r.ref, r.ratelimit?.requestsPerPeriod, r.ratelimit?.period])).toEqual([
      ["rate-limit-auth", 20, 120],
      ["rate-limit-api", 200, 120],
      ["rate-limit-ai-burst", 50, 60],
      ["rate-limit-ai-sustained", 60, 120],
    ]);
    for (const r of rules) {
      expect(r.action).toBe("block");
      expect(r.ratelimit).toMatchObject({ characteristics: ["ip.src", "cf.colo.id"], mitigationTimeout: 10 });
    }
  });
  it.each([
    ["/api/auth/login", ["rate-limit-auth"]],
    ["/auth/callback", ["rate-limit-auth"]],
    ["/api/ai/reflect", ["rate-limit-ai-burst", "rate-limit-ai-sustained"]],
    ["/api/prompts/today", ["rate-limit-api"]],
    ["/about", []],
  ])("a request to %s counts against %j only", (path, refs) => {
    expect(rulesOf("http_ratelimit").filter((r) => evalPathExpression(r.expression, path)).map((r) => r.ref)).toEqual(refs);
  });
});

describe("cache rules", () => {
  /** What the cache phase decides for a path: rules apply in order, later ones override. */
  function decide(path: string): { cache?: boolean; edgeTtl?: number } {
    const out: { cache?: boolean; edgeTtl?: number } = {};
    for (const r of rulesOf("http_request_cache_settings")) {
      if (r.action !== "set_cache_settings" || !evalPathExpression(r.expression, path)) continue;
      out.cache = r.actionParameters?.cache;
      out.edgeTtl = r.actionParameters?.edgeTtl?.default;
    }
    return out;
  }
  it.each([
    ["/api/prompts/today", true, 300],
    ["/static/logo.svg", true, 86_400],
    ["/_next/static/chunks/app-3f2a.js", true, 31_536_000],
    ["/api/reflections", false, undefined],
    ["/api/health", false, undefined],
  ])("%s → edge cache %s, ttl %s", (path, cache, ttl) => {
    expect(decide(path)).toEqual({ cache, edgeTtl: ttl });
  });
  it.each(["/api/user/profile", "/api/user/profile.js", "/api/user/settings", "/auth/callback", "/auth/session.js"])("private path %s is never edge-cached", (path) => {
    expect(decide(path).cache).toBe(false);
  });
  it("the private bypass is the last rule, so no caching rule can override it", () => {
    const rules = rulesOf("http_request_cache_settings");
    expect(rules.at(-1)).toMatchObject({ ref: "cache-bypass-private", actionParameters: { cache: false } });
  });
});

describe("security headers", () => {
  it("sets the guide's three headers plus Referrer-Policy and Permissions-Policy on every response", () => {
    const [rule] = rulesOf("http_response_headers_transform");
    expect(rule).toMatchObject({ ref: "security-headers", action: "rewrite", expression: "true" });
    expect(rule?.actionParameters?.headers).toEqual({
      "Strict-Transport-Security": { operation: "set", value: GUIDE.app.apiSecurityHeaders["Strict-Transport-Security"] },
      "X-Content-Type-Options": { operation: "set", value: "nosniff" },
      "X-Frame-Options": { operation: "set", value: "DENY" },
      "Referrer-Policy": { operation: "set", value: "strict-origin-when-cross-origin" },
      "Permissions-Policy": { operation: "set", value: "camera=(), microphone=(), geolocation=(), payment=(self)" },
    });
  });
  it("/api/user/profile gets the guide's 60 s as a private browser cache only", () => {
    const rule = rulesOf("http_response_headers_transform").find((r) => r.ref === "cache-control-private-api-user-profile");
    expect(rule?.expression).toBe('http.request.uri.path eq "/api/user/profile"');
    expect(rule?.actionParameters?.headers).toEqual({ "Cache-Control": { operation: "set", value: "private, max-age=60" } });
  });
});

describe("compression and health check", () => {
  it("compresses the guide's types with Brotli, gzip fallback", () => {
    expect(rulesOf("http_response_compression")).toEqual([
      expect.objectContaining({
        action: "compress_response",
        expression: 'http.response.content_type.media_type in {"text/html" "text/css" "application/json" "application/javascript"}',
        actionParameters: { algorithms: [{ name: "brotli" }, { name: "gzip" }] },
      }),
    ]);
  });
  it("probes the app's health endpoint over HTTPS at the Vercel origin with the site's Host", () => {
    expect(one(resources, T.health).inputs).toMatchObject({
      name: "promptandpause-staging-app",
      type: "HTTPS",
      address: "cname.vercel-dns.com",
      httpConfig: { path: "/api/health", port: 443, method: "GET", expectedCodes: ["200"], header: { Host: ["staging-promptandpause.com"] } },
    });
  });
});

/** Plans the Edge with some args changed (a separate program run). */
async function planEdge(overrides: Partial<EdgeArgs>): Promise<PlannedResource[]> {
  const run = await recordProgram(() => {
    const provider = new cloudflare.Provider("cloudflare", { apiToken: pulumi.secret("test-token") });
    new Edge("edge", edgeArgs(overrides), { providers: [provider] });
    return {};
  });
  return run.resources;
}

describe("the paid plan is in place before anything that needs it", () => {
  it("every ruleset, the health check and every (tagged) DNS record depend on the ZoneSubscription, through the zone id they get", () => {
    const subscription = one(resources, T.plan).urn;
    const gated = [...ofType(resources, T.ruleset), ...ofType(resources, T.health), ...ofType(resources, T.record), ...ofType(resources, T.tieredCaching)];
    expect(gated.length).toBeGreaterThanOrEqual(7 + 1 + 9 + 1);
    for (const r of gated) {
      expect(r.dependencies, r.name).toContain(subscription);
      expect(r.propertyDependencies.zoneId, r.name).toContain(subscription);
    }
    // The records carry tags, a paid-plan feature: the reason they wait too.
    expect(ofType(resources, T.record).every((r) => Array.isArray(r.inputs.tags) && (r.inputs.tags as string[]).length > 0)).toBe(true);
  });

  it("TLS settings and DNSSEC (every plan) do not wait for it", () => {
    const subscription = one(resources, T.plan).urn;
    for (const r of [...ofType(resources, T.setting), one(resources, T.dnssec)]) expect(r.dependencies, r.name).not.toContain(subscription);
  });

  it("on Enterprise (contracted, no subscription) everything is planned and built on the zone directly", async () => {
    const planned = await planEdge({ settings: edgeSettings({ plan: "enterprise" }) });
    expect(ofType(planned, T.plan)).toEqual([]);
    const zone = one(planned, T.zone).urn;
    const built = [...ofType(planned, T.ruleset), ...ofType(planned, T.health), ...ofType(planned, T.record)];
    expect(built.length).toBeGreaterThan(10);
    for (const r of built) expect(r.propertyDependencies.zoneId, r.name).toEqual([zone]);
  });

  it.each([
    ["free", false],
    ["pro", true],
    ["business", true],
    ["enterprise", false],
  ] as const)("ZoneSecurity on %s: subscription %s, and the zone id resolves to the zone's id", async (plan, subscribed) => {
    let zoneSecurity: ZoneSecurity | undefined;
    const run = await recordProgram(() => {
      const provider = new cloudflare.Provider("cloudflare", { apiToken: pulumi.secret("test-token") });
      zoneSecurity = new ZoneSecurity("zs", { accountId: edgeSettings().accountId, domain: "example.com", plan }, { providers: [provider] });
      return {};
    });
    if (!zoneSecurity) throw new Error("ZoneSecurity was not constructed");
    expect(ofType(run.resources, T.plan).map((r) => r.inputs.ratePlan)).toEqual(subscribed ? [{ id: plan }] : []);
    expect(await unwrap(zoneSecurity.zoneId)).toBe(await unwrap(zoneSecurity.zone.id));
  });
});

describe("Tiered Cache modes", () => {
  it.each([
    ["off", "off", "off"],
    ["generic", "on", "off"],
    ["smart", "on", "on"],
  ] as const)("%s → argo/tiered_caching %s, Smart topology %s", async (mode, tieredCaching, smart) => {
    const planned = await planEdge({ settings: edgeSettings({ tieredCache: mode }) });
    const switchOn = one(planned, T.tieredCaching);
    expect(switchOn.inputs).toMatchObject({ value: tieredCaching });
    const topology = one(planned, T.tiered);
    expect(topology.inputs).toMatchObject({ value: smart });
    // Smart needs Tiered Cache on: the topology is set after the switch.
    expect(topology.dependencies).toContain(switchOn.urn);
  });
});

describe("file uploads (custom WAF rules evaluated for concrete requests)", () => {
  const MB = 1024 * 1024;
  /** Refs of the custom rules that block the request (empty: it passes). */
  function blockedBy(request: { method: string; path: string; headers: Record<string, string> }): string[] {
    return rulesOf("http_request_firewall_custom")
      .filter((r) => r.action === "block" && evalPathExpression(r.expression, request))
      .map((r) => r.ref);
  }
  const multipart = { "content-type": "multipart/form-data; boundary=----x", "content-length": "1200" };
  const json = (length: number) => ({ "content-type": "application/json", "content-length": String(length) });
  it.each([
    ["POST", "/journal", multipart, []],
    ["POST", "/settings/profile", { "content-type": "image/png", "content-length": "2048" }, []],
    ["POST", "/", { "content-type": "application/x-www-form-urlencoded", "content-length": "30" }, []],
    ["POST", "/api/other", multipart, ["waf-file-upload"]],
    ["PUT", "/api/reflections/1", { "content-type": "image/jpeg", "content-length": "2048" }, ["waf-file-upload"]],
    ["POST", "/api/other", { "content-type": "application/octet-stream", "content-length": "2048" }, ["waf-file-upload"]],
    ["POST", "/api/other", json(50), []],
    ["POST", "/api/other", json(5 * MB), ["waf-file-upload-size"]],
    ["POST", "/api/upload/avatar", json(200), []],
    ["POST", "/api/upload/avatar", json(4_500_001), ["waf-file-upload-size"]],
    ["POST", "/api/upload/avatar", { "content-type": "image/png", "content-length": String(MB) }, ["waf-file-upload", "waf-file-upload-type"]],
    ["POST", "/api/upload/avatar", multipart, ["waf-file-upload", "waf-file-upload-type"]],
    ["POST", "/api/upload/avatar", { "content-type": "text/plain", "content-length": "100" }, ["waf-file-upload-type"]],
    ["POST", "/api/upload/avatar", { "content-type": "application/json" }, ["waf-file-upload-size"]],
    ["GET", "/api/upload/avatar", {}, []],
  ] as const)("%s %s %j → blocked by %j", (method, path, headers, refs) => {
    expect(blockedBy({ method, path, headers })).toEqual(refs);
  });

  // HTTP/1.1 clients send header names capitalised; Cloudflare's http.request.headers.names keeps
  // that case, only the http.request.headers map is lower-cased. Each header rule must read the map.
  it.each([
    ["HTTP/1.1 (Content-Type, Content-Length)", { "Content-Type": "application/json", "Content-Length": "200" }],
    ["HTTP/2 (content-type, content-length)", { "content-type": "application/json", "content-length": "200" }],
    ["mixed case (CONTENT-LENGTH)", { "content-type": "application/json", "CONTENT-LENGTH": "200" }],
  ] as const)("a signed-upload-URL request from %s passes whatever the header case", (_label, headers) => {
    expect(blockedBy({ method: "POST", path: "/api/upload/avatar", headers })).toEqual([]);
  });

  it("no custom rule reads header names through http.request.headers.names (it keeps the client's case)", () => {
    for (const phase of ["http_request_firewall_custom", "http_request_firewall_managed", "http_ratelimit", "http_request_cache_settings"]) {
      for (const r of rulesOf(phase)) expect(r.expression, `${phase} ${r.ref}`).not.toContain("http.request.headers.names");
    }
  });
});

describe("mail for the apex", () => {
  const records = (planned: PlannedResource[]) => ofType(planned, T.record).map((r) => r.inputs);
  it("without configuration: no apex MX, no apex SPF, no report authorization (the JSDoc warns that mail bounces)", () => {
    const apex = records(resources).filter((r) => r.name === "staging-promptandpause.com");
    expect(apex.map((r) => r.type).sort()).toEqual(["A", "CAA", "CAA", "CAA", "CAA", "CAA"]);
    expect(records(resources).filter((r) => String(r.name).includes("._report._dmarc."))).toEqual([]);
  });

  it("inbound MX, the apex SPF with the mailbox provider's include, and DMARC report authorization for the other domains", async () => {
    const settings = edgeSettings({
      email: {
        dkim: [DKIM],
        inboundMx: [{ host: "smtp.google.com", priority: 1 }],
        apexSpfIncludes: ["_spf.google.com"],
        dmarcReportsFor: ["promptandpause-staging.com"],
      },
    });
    const planned = records(await planEdge({ domain: "promptandpause.com", settings }));
    expect(planned).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "MX", name: "promptandpause.com", content: "smtp.google.com", priority: 1, proxied: false }),
        expect.objectContaining({ type: "TXT", name: "promptandpause.com", content: '"v=spf1 include:_spf.google.com ~all"', proxied: false }),
        expect.objectContaining({ type: "TXT", name: "promptandpause-staging.com._report._dmarc.promptandpause.com", content: '"v=DMARC1"', proxied: false }),
      ]),
    );
    // One SPF record per name: the apex and Resend's return path each have exactly one.
    const spf = planned.filter((r) => r.type === "TXT" && String(r.content).startsWith('"v=spf1'));
    expect(spf.map((r) => r.name).sort()).toEqual(["promptandpause.com", "send.promptandpause.com"]);
  });
});
