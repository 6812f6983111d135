import { describe, expect, it } from "vitest";
import { headerRules } from "../../components/edge/header-rules";
import { zoneSettingSpecs } from "../../components/edge/zone-security";
import { formatIssue } from "../../components/shared/errors";
import type { PlatformSettings } from "../../stacks/config";
import { GUIDE } from "../../stacks/guide";
import { checkEdgeConfig, edgeConfigSchema } from "../../stacks/schema/edge";
import { ACCOUNT_ID, DKIM, edgeSettings } from "./fixtures";

const all = {} as PlatformSettings;
const messages = (overrides: Record<string, unknown>) => checkEdgeConfig(edgeSettings(overrides), all).map(formatIssue);

describe("promptandpause:edge defaults are the guide's", () => {
  const s = edgeSettings();
  it("rate-limit classes carry the guide's numbers", () => {
    for (const [name, limit] of Object.entries(GUIDE.rateLimits)) expect(s.rateLimits.classes[name]).toMatchObject(limit);
  });
  it("cache rules: the guide's TTLs at the edge, /api/user/profile browser-private for 60 s", () => {
    expect(s.cache.rules.map((r) => [r.paths[0], r.edgeTtlSeconds])).toEqual([
      ["/api/prompts/today", 300],
      ["/static/*", 86_400],
      ["/*.js", 31_536_000],
    ]);
    expect(s.cache.privateBrowserTtls).toEqual([{ path: "/api/user/profile", maxAgeSeconds: 60 }]);
    expect(s.cache.privatePaths).toContain("/api/user/*");
  });
  it("HSTS max-age 31536000 with includeSubDomains, TLS 1.2 minimum, plan business", () => {
    expect(s.hsts).toEqual({ enabled: true, maxAgeSeconds: 31_536_000, includeSubdomains: true, preload: false });
    expect(s.minTlsVersion).toBe("1.2");
    expect(s.plan).toBe("business");
  });
  it("the defaults pass every cross-key check", () => {
    expect(checkEdgeConfig(s, all)).toEqual([]);
  });
});

describe("checkEdgeConfig: plan tier", () => {
  it.each([
    ["free", /promptandpause:edge\.plan: cannot express the rate-limit classes: .* \(got "free"\)\. Set promptandpause:edge\.plan to "business"/],
    ["free", /promptandpause:edge\.plan: cannot run the Cloudflare Managed and OWASP Core rulesets .*\(got "free"\)\. Set promptandpause:edge\.plan to "pro" or higher/],
    ["pro", /promptandpause:edge\.plan: cannot express the rate-limit classes: class "auth" \(10\/min, burst 20\): needs a counting period of at least 120 s.* \(got "pro"\)\. Set promptandpause:edge\.plan to "business" \(the cheapest plan/],
    ["pro", /promptandpause:edge\.plan: cannot compare request sizes with the app's body limit .*\(got "pro"\)\. Set promptandpause:edge\.plan to "business" or higher/],
  ])("plan %s → %s", (plan, message) => {
    expect(messages({ plan })).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it("classes only Enterprise can express name Enterprise", () => {
    const classes = { slow: { requestsPerMinute: 10, burst: 200, paths: ["/api/slow/*"] } };
    expect(messages({ rateLimits: { classes } })).toEqual([expect.stringMatching(/Set promptandpause:edge\.plan to "enterprise"/)]);
    expect(messages({ plan: "enterprise", rateLimits: { classes } })).toEqual([]);
  });

  it("classes no plan can express say so", () => {
    const classes = { tiny: { requestsPerMinute: 100, burst: 5, paths: ["/api/tiny/*"] } };
    expect(messages({ plan: "enterprise", rateLimits: { classes } })).toEqual([expect.stringMatching(/No Cloudflare plan can express these classes/)]);
  });
});

describe("checkEdgeConfig: private paths are never edge-cached", () => {
  it.each([
    [{ ref: "cache-profile", paths: ["/api/user/profile"], edgeTtlSeconds: 60 }, /cache\.rules\[3\]\.paths\[0\]: would cache at the edge paths under the private path "\/api\/user\/\*"/],
    [{ ref: "cache-api", paths: ["/api/*"], edgeTtlSeconds: 60 }, /cache\.rules\[3\]\.paths\[0\]: would cache .* "\/api\/user\/\*" .*\(got "\/api\/\*"\)/],
    [{ ref: "cache-auth-js", paths: ["/auth/*"], edgeTtlSeconds: 60 }, /under the private path "\/auth\/\*"/],
  ])("a cache rule %j is refused", (rule, message) => {
    const base = edgeSettings().cache;
    expect(messages({ cache: { rules: [...base.rules, rule] } })).toEqual([expect.stringMatching(message)]);
  });

  it("a private browser TTL outside the private paths is refused", () => {
    expect(messages({ cache: { privateBrowserTtls: [{ path: "/api/me", maxAgeSeconds: 60 }] } })).toEqual([
      expect.stringMatching(/cache\.privateBrowserTtls\[0\]\.path: is not under a private path, so the edge could cache it \(got "\/api\/me"\)/),
    ]);
  });

  it("the same route pattern in two rate-limit classes is refused", () => {
    const classes = { auth: { requestsPerMinute: 10, burst: 20, paths: ["/api/x/*"] }, api: { requestsPerMinute: 100, burst: 200, paths: ["/api/x/*"] } };
    expect(messages({ rateLimits: { classes } })).toEqual([expect.stringMatching(/rateLimits\.classes\.api\.paths\[0\]: is also a path of class "auth"/)]);
  });
});

describe("edgeConfigSchema rejects bad values", () => {
  it.each([
    [{ email: { dkim: [] } }, ["email", "dkim"]],
    [{ email: { dkim: [{ name: "resend", value: DKIM.value }] } }, ["email", "dkim", 0, "name"]],
    [{ minTlsVersion: "1.4" }, ["minTlsVersion"]],
    [{ minTlsVersion: 1.2 }, ["minTlsVersion"]],
    [{ hsts: { maxAgeSeconds: -1 } }, ["hsts", "maxAgeSeconds"]],
    [{ hsts: { maxAgeSeconds: 3600.5 } }, ["hsts", "maxAgeSeconds"]],
    [{ hsts: { enabled: "no" } }, ["hsts", "enabled"]],
    [{ rateLimits: { classes: { auth: { requestsPerMinute: 0, burst: 20, paths: ["/auth/*"] } } } }, ["rateLimits", "classes", "auth", "requestsPerMinute"]],
    [{ cache: { rules: [{ ref: "cache-x", paths: ["/x"], edgeTtlSeconds: 0 }] } }, ["cache", "rules", 0, "edgeTtlSeconds"]],
    [{ waf: { uploadPaths: ["/api/*/upload"] } }, ["waf", "uploadPaths", 0]],
    [{ rateLimits: { classes: { auth: { requestsPerMinute: 10, burst: 20, paths: ["*.js"] } } } }, ["rateLimits", "classes", "auth", "paths", 0]],
    [{ waf: { uploadScopePaths: ["api/*"] } }, ["waf", "uploadScopePaths", 0]],
    [{ waf: { uploadScopePaths: [] } }, ["waf", "uploadScopePaths"]],
    [{ tieredCache: "on" }, ["tieredCache"]],
    [{ email: { dkim: [DKIM], inboundMx: [{ host: "SMTP.GOOGLE.COM", priority: 1 }] } }, ["email", "inboundMx", 0, "host"]],
    [{ email: { dkim: [DKIM], inboundMx: [{ host: "smtp.google.com.", priority: 1 }] } }, ["email", "inboundMx", 0, "host"]],
    [{ email: { dkim: [DKIM], inboundMx: [{ host: "smtp.google.com", priority: 70_000 }] } }, ["email", "inboundMx", 0, "priority"]],
    [{ email: { dkim: [DKIM], inboundMx: [{ host: "smtp.google.com" }] } }, ["email", "inboundMx", 0, "priority"]],
    [{ email: { dkim: [DKIM], apexSpfIncludes: ["include:_spf.google.com"] } }, ["email", "apexSpfIncludes", 0]],
    [{ email: { dkim: [DKIM], apexSpfIncludes: Array.from({ length: 11 }, (_, i) => `spf${i}.example.com`) } }, ["email", "apexSpfIncludes"]],
    [{ email: { dkim: [DKIM], dmarcReportsFor: ["mailto:x@y.com"] } }, ["email", "dmarcReportsFor", 0]],
  ])("%j fails at %j", (overrides, path) => {
    const result = edgeConfigSchema.safeParse({ accountId: ACCOUNT_ID, email: { dkim: [DKIM] }, ...overrides });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });
});

describe("promptandpause:edge new keys: defaults and cross-key checks", () => {
  it("defaults: Tiered Cache off (anycast origin), uploads guarded under /api/*, no inbound mail records", () => {
    const s = edgeSettings();
    expect(s.tieredCache).toBe("off");
    expect(s.waf.uploadScopePaths).toEqual(["/api/*"]);
    expect(s.email).toMatchObject({ inboundMx: [], apexSpfIncludes: [], dmarcReportsFor: [] });
  });
  const withDomain = { domain: "promptandpause.com" } as PlatformSettings;
  it.each([
    [
      { inboundMx: [{ host: "smtp.google.com", priority: 1 }, { host: "smtp.google.com", priority: 5 }] },
      'promptandpause:edge.email.inboundMx: lists the same host twice (Cloudflare refuses identical MX records) (got "smtp.google.com"). List each mail server once.',
    ],
    [{ apexSpfIncludes: ["_spf.google.com", "_spf.google.com"] }, 'promptandpause:edge.email.apexSpfIncludes: lists the same domain twice (each include costs SPF lookups) (got "_spf.google.com"). List each include once.'],
    [
      { dmarcReportsFor: ["promptandpause-staging.com", "promptandpause.com"] },
      'promptandpause:edge.email.dmarcReportsFor[1]: is this stack\'s own domain; its own reports need no authorization record (got "promptandpause.com"). Remove it; list only other domains whose DMARC rua points at this domain.',
    ],
  ])("%j → %s", (email, message) => {
    expect(checkEdgeConfig(edgeSettings({ email: { dkim: [DKIM], ...email } }), withDomain).map(formatIssue)).toEqual([message]);
  });
  it("prod's real values pass: Google Workspace MX and SPF include, staging's reports authorized", () => {
    const email = { dkim: [DKIM], inboundMx: [{ host: "smtp.google.com", priority: 1 }], apexSpfIncludes: ["_spf.google.com"], dmarcReportsFor: ["promptandpause-staging.com"] };
    expect(checkEdgeConfig(edgeSettings({ email }), withDomain)).toEqual([]);
  });
});

/** A zone setting's value and the response-header rule's headers, from the same settings the component gets. */
const settingOf = (s: ReturnType<typeof edgeSettings>, id: string) => zoneSettingSpecs(s).find((x) => x.id === id)?.value;
const headersOf = (s: ReturnType<typeof edgeSettings>) => (headerRules({ hsts: s.hsts, ...s.headers, privateBrowserTtls: [] })[0]?.actionParameters as { headers?: unknown } | undefined)?.headers;

/**
 * The guide's security floors belong to the policy pack (docs/policies.md "Who enforces what"):
 * the schema accepts every value Cloudflare accepts, the settings reach the resources unchanged,
 * and the policies (`edge-tls-baseline`, `security-headers`, `rate-limits`, `cache-rules`) refuse
 * them at plan, preview and deploy — tests/policies/plan-violations.test.ts runs those end to end.
 */
describe("looser than the guide is valid configuration (the policies refuse it, not the schema)", () => {
  it.each(["1.0", "1.1", "1.2", "1.3"] as const)("minTlsVersion %s is accepted and becomes the zone's min_tls_version", (version) => {
    const s = edgeSettings({ minTlsVersion: version });
    expect(checkEdgeConfig(s, all)).toEqual([]);
    expect(settingOf(s, "min_tls_version")).toBe(version);
  });

  it.each([
    [{ maxAgeSeconds: 3600 }, "max-age=3600; includeSubDomains"],
    [{ maxAgeSeconds: 0 }, "max-age=0; includeSubDomains"],
    [{ includeSubdomains: false }, "max-age=31536000"],
  ])("HSTS %j is accepted and sent as %j by the zone setting and the header rule", (hsts, header) => {
    const s = edgeSettings({ hsts });
    expect(settingOf(s, "security_header")).toEqual({
      strict_transport_security: { enabled: true, max_age: s.hsts.maxAgeSeconds, include_subdomains: s.hsts.includeSubdomains, preload: false, nosniff: true },
    });
    expect(headersOf(s)).toMatchObject({ "Strict-Transport-Security": { operation: "set", value: header } });
  });

  it("HSTS off: the zone's security_header is disabled and the header rule strips the origin's copy", () => {
    const s = edgeSettings({ hsts: { enabled: false } });
    expect(settingOf(s, "security_header")).toEqual({
      strict_transport_security: { enabled: false, max_age: 31_536_000, include_subdomains: true, preload: false, nosniff: true },
    });
    expect(headersOf(s)).toEqual(
      expect.objectContaining({ "Strict-Transport-Security": { operation: "remove" }, "X-Content-Type-Options": { operation: "set", value: "nosniff" } }),
    );
  });

  it("an auth class of 100/min burst 200 is accepted (Business can express it)", () => {
    const classes = { ...edgeSettings().rateLimits.classes, auth: { requestsPerMinute: 100, burst: 200, paths: ["/api/auth/*", "/auth/*"] } };
    expect(messages({ rateLimits: { classes } })).toEqual([]);
  });

  it("/api/user/profile can be edge-cached once it is no longer a private path", () => {
    const base = edgeSettings().cache;
    const cache = { rules: [...base.rules, { ref: "cache-user-profile", paths: ["/api/user/profile"], edgeTtlSeconds: 60 }], privatePaths: ["/auth/*"], privateBrowserTtls: [] };
    expect(messages({ cache })).toEqual([]);
  });
});

describe("email.dkim accepts the key records mail providers publish (RFC 6376)", () => {
  const key = DKIM.value.slice(2);
  const parse = (value: string) => edgeConfigSchema.shape.email.safeParse({ dkim: [{ name: "google._domainkey", value }] });
  it.each([
    ["Resend's bare key", `p=${key}`],
    ["Google Workspace's tagged record", `v=DKIM1; k=rsa; p=${key}`],
    ["tags without spaces", `v=DKIM1;k=rsa;p=${key}`],
  ])("%s is accepted", (_label, value) => {
    expect(parse(value).success).toBe(true);
  });
  it.each([
    ["no key", "v=DKIM1; k=rsa;"],
    ["a truncated key", "p=MIGf"],
    ["a version other than DKIM1", `v=DKIM2; p=${key}`],
  ])("%s is refused with the expected format in the message", (_label, value) => {
    const result = parse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be a DKIM key record, "p=MIGf…" or "v=DKIM1; k=rsa; p=MIGf…"');
  });
});
