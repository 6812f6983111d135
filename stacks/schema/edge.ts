import { z } from "zod";
import { MAX_PATH_PATTERN_LENGTH, parsePathPattern, pathPatternProblem, patternContains, patternsOverlap, URL_PATH, URL_PATH_PROBLEM } from "../../components/edge/expressions";
import { PLAN_LIMITS, PLAN_TIERS } from "../../components/edge/plans";
import { MIN_TLS_VERSIONS, TIERED_CACHE_MODES } from "../../components/edge/types";
import { mapRateLimits } from "../../components/edge/rate-limit-mapping";
import { SOURCE_IP_PROBLEM, sourceIpProblem, WEBHOOK_RATE_LIMIT_CLASS } from "../../components/edge/webhook-exemption";
import { CACHE_BYPASS_API_REF, cacheRules } from "../../components/edge/cache-policy";
import { rateLimitRules } from "../../components/edge/rate-limit-mapping";
import type { RuleSpec } from "../../components/edge/types";
import { customWafRules, managedWafRules } from "../../components/edge/waf-rules";
import { type WebhookExemption, webhookExemptionExpression } from "../../components/edge/webhook-exemption";
import { type ConfigIssue, NOT_SHOWN } from "../../components/shared/errors";
import type { PlatformSettings } from "../config";
import { GUIDE } from "../guide";
import { HEADER_VALUE, hostName, safeText } from "./common";

/**
 * `promptandpause:edge` — the guide's "CDN & edge", "DDoS Protection", "CDN Configuration" and
 * "Traffic Flow" on Cloudflare. Guide numbers are the defaults; `checkEdgeConfig` rejects a plan
 * that cannot express the configured values before any resource is registered.
 *
 * Who enforces what (docs/policies.md): this schema checks types, formats, what Cloudflare
 * accepts and whether the plan can express the settings. It does NOT enforce the guide's security
 * floors (TLS ≥ 1.2, HSTS, rate limits no looser than the guide, no edge cache on per-user paths):
 * the policy pack owns those, so a loosened stack file plans and is refused (exit 1) by the
 * policy that names the rule, at plan, preview and deploy alike.
 */

const K = "promptandpause:edge";

/** `max-age` of the guide's Strict-Transport-Security header (31536000). */
export const GUIDE_HSTS_MAX_AGE = Number(/max-age=(\d+)/.exec(GUIDE.app.apiSecurityHeaders["Strict-Transport-Security"])?.[1]);

/** A route pattern (`/exact`, `/prefix/*`, and `*.ext` where `allowSuffix`): URL path characters only (components/edge/expressions.ts). */
const pathPattern = (allowSuffix: boolean) =>
  safeText({ max: MAX_PATH_PATTERN_LENGTH, pattern: URL_PATH, problem: URL_PATH_PROBLEM, check: (value) => pathPatternProblem(value, allowSuffix) });

/** Route patterns of the guide's three rate-limit classes (the guide names the classes, not the routes). */
export const DEFAULT_RATE_LIMIT_PATHS = {
  auth: ["/api/auth/*", "/auth/*"],
  api: ["/api/*"],
  ai: ["/api/ai/*"],
} as const;


/** Any positive numbers; the policy `rate-limits` refuses classes looser than the guide. */
const rateLimitClassSchema = z.strictObject({
  /** Sustained requests per minute per client. */
  requestsPerMinute: z.number().int().min(1).max(100_000),
  /** Requests a client may send at once (token-bucket capacity). */
  burst: z.number().int().min(1).max(1_000_000),
  /** Route patterns of the class: `/exact` or `/prefix/*`. */
  paths: z.array(pathPattern(false)).min(1),
});

const guideClasses = Object.fromEntries(
  Object.entries(GUIDE.rateLimits).map(([name, limit]) => [name, { ...limit, paths: [...DEFAULT_RATE_LIMIT_PATHS[name as keyof typeof DEFAULT_RATE_LIMIT_PATHS]] }]),
);

/** The guide's cache rules that are edge-cached (`/api/user/profile` is per-user: see `cache.privateBrowserTtls`). */
const guideEdgeCacheRules = [
  { ref: "cache-prompts-today", paths: ["/api/prompts/today"], edgeTtlSeconds: ttlOf("/api/prompts/today") },
  { ref: "cache-static", paths: ["/static/*"], edgeTtlSeconds: ttlOf("/static/*") },
  { ref: "cache-js", paths: ["/*.js"], edgeTtlSeconds: ttlOf("/*.js") },
];

function ttlOf(pattern: string): number {
  const rule = GUIDE.cacheRules.find((r) => r.pattern === pattern);
  if (!rule) throw new Error(`stacks/guide.ts has no cache rule ${pattern}`);
  return rule.ttlSeconds;
}

/** Certificate authorities Cloudflare Universal SSL and Vercel use for this domain's certificates. */
export const DEFAULT_CAA_ISSUERS = ["letsencrypt.org", "pki.goog", "ssl.com", "sectigo.com"] as const;

export const edgeConfigSchema = z.strictObject({
  /** Cloudflare account that owns the zone. */
  accountId: safeText({ min: 32, max: 32, pattern: /^[0-9a-f]{32}$/, problem: "must be the 32-character Cloudflare account id" }),
  /**
   * Cloudflare plan of the zone. Decides how rate limits can be expressed: the guide's three
   * classes need Business (5 rules, periods up to 10 minutes). Cost: Business is a paid plan.
   * @default "business"
   */
  plan: z.enum(PLAN_TIERS).default("business"),
  /** Sign the zone with DNSSEC (every plan; add the DS record at the registrar). @default true */
  dnssec: z.boolean().default(true),
  /**
   * Lowest TLS version accepted from visitors (Cloudflare's `min_tls_version`: "1.0", "1.1",
   * "1.2", "1.3"). Security: TLS 1.0 and 1.1 are deprecated (RFC 8996); the policy
   * `edge-tls-baseline` refuses anything below "1.2" at plan, preview and deploy.
   * @default "1.2"
   */
  minTlsVersion: z.enum(MIN_TLS_VERSIONS).default("1.2"),
  hsts: z
    .strictObject({
      /**
       * Send Strict-Transport-Security (Cloudflare's `security_header.strict_transport_security.enabled`).
       * `false` turns it off at the edge and strips the origin's copy, so browsers get no HSTS.
       * Security: the policy `security-headers` refuses it (the guide requires HSTS on /api/*).
       * @default true
       */
      enabled: z.boolean().default(true),
      /**
       * HSTS max-age (seconds); 0 tells browsers to forget the site's HSTS entry. Security: the
       * policy `security-headers` refuses less than the guide's 31536000.
       * @default 31536000 (guide)
       */
      maxAgeSeconds: z.number().int().min(0).max(63_072_000).default(GUIDE_HSTS_MAX_AGE),
      /** HSTS includeSubDomains. Security: the policy `security-headers` requires it. @default true (guide) */
      includeSubdomains: z.boolean().default(true),
      /** HSTS preload. Hard to undo (browser preload lists); opt in deliberately. @default false */
      preload: z.boolean().default(false),
    })
    .prefault({}),
  rateLimits: z
    .strictObject({
      /**
       * Route classes keyed by the name used in rule refs (`rate-limit-<class>`).
       * @default auth 10/min burst 20 (/api/auth/*, /auth/*), api 100/min burst 200 (/api/*), ai 30/min burst 50 (/api/ai/*)
       */
      classes: z
        .record(safeText({ max: 32, pattern: /^[a-z][a-z0-9]*$/, problem: "class names are lowercase letters and digits" }), rateLimitClassSchema)
        .default(guideClasses),
      /** What a client over the limit gets. @default "block" (HTTP 429) */
      action: z.enum(["block", "managed_challenge"]).default("block"),
    })
    .prefault({}),
  waf: z
    .strictObject({
      /**
       * OWASP Core Ruleset score threshold: low = 60, medium = 40, high = 25 (more blocking, more
       * false positives). @default "medium"
       */
      owaspSensitivity: z.enum(["low", "medium", "high"]).default("medium"),
      /** OWASP paranoia level (1 = fewest false positives). @default 1 */
      owaspParanoiaLevel: z.number().int().min(1).max(4).default(1),
      /** Action when a request crosses the OWASP threshold. @default "block" */
      owaspAction: z.enum(["block", "managed_challenge", "log"]).default("block"),
      /**
       * Routes that hand out signed upload URLs (files go from the browser straight to Supabase
       * Storage): a POST/PUT/PATCH there must be `application/json` with a Content-Length.
       * @default ["/api/upload/*"]
       */
      uploadPaths: z.array(pathPattern(false)).min(1).default(["/api/upload/*"]),
      /**
       * Where no file body is accepted (multipart, octet-stream or an `uploadContentTypes` type; rule
       * `waf-file-upload`) and bodies above Vercel Functions' 4.5 MB are refused (`waf-file-upload-size`). Pages are left out on
       * purpose: Next.js Server Actions and plain HTML forms post `multipart/form-data` to the page's
       * own URL (`/journal`, `/settings`), and blocking those would break the app's forms.
       * @default ["/api/*"]
       */
      uploadScopePaths: z.array(pathPattern(false)).min(1).default(["/api/*"]),
      /**
       * Media types of the files users upload: the Storage bucket's `allowed_mime_types`
       * (supabase/migrations/20250601000500_storage_reflection_attachments.sql; a test keeps them
       * equal). The edge refuses these bodies under `uploadScopePaths`: files go to Storage directly.
       * @default the bucket's list (JPEG, PNG, WebP, HEIC images; MP3, MP4, WebM, Ogg audio; PDF)
       */
      uploadContentTypes: z
        // RFC 6838 §4.2: type and subtype names are at most 127 characters each.
        .array(safeText({ max: 255, pattern: /^[a-z]{1,127}\/[a-z0-9.+-]{1,127}$/, problem: "must be a lowercase media type like image/png" }))
        .min(1)
        .default(["image/jpeg", "image/png", "image/webp", "image/heic", "audio/mpeg", "audio/mp4", "audio/webm", "audio/ogg", "application/pdf"]),
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      /**
       * Sustained requests per minute per client (IP, per Cloudflare data center) on the app's
       * webhook routes (`AppOutputs.webhookPaths`, e.g. POST /api/webhooks/stripe). Webhook
       * deliveries are taken out of the per-client classes (Stripe posts renewals in bursts from a
       * few IPs) and limited by this separate rule, `rate-limit-webhooks`. A delivery over it gets
       * 429 and Stripe retries it with backoff for up to three days. Security: the policy
       * `rate-limits` refuses more than its `webhookLimit` (1000/min, burst 2000).
       * @default 1000
       */
      requestsPerMinute: z.number().int().min(1).max(100_000).default(1000),
      /** Webhook posts one client may send at once. @default 2000 (one rule: 2000 per 120 s) */
      burst: z.number().int().min(1).max(1_000_000).default(2000),
      /**
       * Limit the webhook exemption (OWASP skip, own rate limit) further to these source IPs/CIDRs:
       * Stripe's webhook IPs (https://stripe.com/files/ips/ips_webhooks.json; Stripe announces
       * changes 7 days ahead on its api-announce list). A post from another address is not exempt:
       * it runs OWASP and counts against the API class. Empty: any source, the app's signature
       * check being the authentication. @default []
       */
      sourceIps: z
        .array(
          safeText({ max: 49, pattern: /^[0-9A-Fa-f:./]+$/, problem: SOURCE_IP_PROBLEM, check: sourceIpProblem }),
        )
        .default([]),
    })
    .prefault({}),
  cache: z
    .strictObject({
      /**
       * Edge cache rules (guide "CDN Configuration"). A rule may not overlap `privatePaths` (the
       * bypass rule, last, would silently override it). Security: the policy `cache-rules` refuses
       * unknown refs, TTLs above the guide's and rules on authenticated paths (its own list:
       * /api/user/, /auth/), whatever `privatePaths` says.
       * @default /api/prompts/today 300 s, /static/* 86400 s, /*.js 31536000 s
       */
      rules: z
        .array(
          z.strictObject({
            /** Rule ref (the policy pack knows rules by ref). */
            ref: safeText({ max: 64, pattern: /^cache-[a-z0-9-]+$/, problem: 'must look like "cache-<name>"' }),
            paths: z.array(pathPattern(true)).min(1),
            /** Edge TTL (seconds). */
            edgeTtlSeconds: z.number().int().min(1).max(31_536_000),
          }),
        )
        .default(guideEdgeCacheRules),
      /** Everything under these prefixes that no cache rule names is never edge-cached. @default ["/api/*"] */
      bypassPaths: z.array(pathPattern(false)).default(["/api/*"]),
      /**
       * Authenticated / per-user paths: never cached at the edge (the last cache rule bypasses
       * them). Security: the policy `cache-rules` requires the bypass to cover /api/user/ and /auth/.
       * @default ["/api/user/*", "/auth/*"]
       */
      privatePaths: z.array(pathPattern(false)).min(1).default(["/api/user/*", "/auth/*"]),
      /**
       * Per-user responses the browser may keep (Cache-Control: private, max-age). The guide's
       * `/api/user/profile` ttl 60 lands here (DESIGN.md). @default [{ path: "/api/user/profile", maxAgeSeconds: 60 }]
       */
      privateBrowserTtls: z
        .array(z.strictObject({ path: pathPattern(false), maxAgeSeconds: z.number().int().min(0).max(86_400) }))
        .default([{ path: "/api/user/profile", maxAgeSeconds: ttlOf("/api/user/profile") }]),
    })
    .prefault({}),
  headers: z
    .strictObject({
      /** Referrer-Policy on every response. @default "strict-origin-when-cross-origin" */
      referrerPolicy: z
        .enum(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin"])
        .default("strict-origin-when-cross-origin"),
      /** Permissions-Policy on every response. @default "camera=(), microphone=(), geolocation=(), payment=(self)" */
      permissionsPolicy: safeText({
        max: 1024,
        pattern: HEADER_VALUE,
        problem: "may contain only what Cloudflare accepts in a header value: letters, digits, space and _ :;.,\\/\"'?!(){}[]@<>=-+*#$&`|~^% (no control characters or line breaks)",
      }).default("camera=(), microphone=(), geolocation=(), payment=(self)"),
    })
    .prefault({}),
  email: z.strictObject({
    /**
     * DKIM records Resend shows for the domain (Domains → <domain> → DNS records): host (relative
     * to the domain) and the public key value. Public data, not a secret.
     */
    dkim: z
      .array(
        z.strictObject({
          name: safeText({ max: 74, pattern: /^[a-z0-9-]{1,63}\._domainkey$/, problem: 'must be the DKIM host, like "resend._domainkey"' }),
          // RFC 6376 key record: "v=DKIM1;" only first (no other version), other tags, then the
          // public key (Resend shows only "p=…", Google Workspace "v=DKIM1; k=rsa; p=…"). Tag
          // values are VALCHAR (%x21-3A / %x3C-7E, §3.2) with spaces or tabs around them, never a
          // line break. 2,048 characters: a 4,096-bit RSA key record is about 750.
          value: safeText({
            max: 2048,
            pattern: /^(v=DKIM1;[ \t]*)?([a-uw-z][a-z0-9_]*[ \t]*=[ \t]*[\x21-\x3a\x3c-\x7e]*(?:[ \t]+[\x21-\x3a\x3c-\x7e]+)*[ \t]*;[ \t]*)*p=[A-Za-z0-9+/=]{40,}$/,
            problem: 'must be a DKIM key record, "p=MIGf…" or "v=DKIM1; k=rsa; p=MIGf…"',
          }),
        }),
      )
      .min(1),
    /** Resend sending region (the SPF/MX return path is feedback-smtp.<region>.amazonses.com). @default "us-east-1" */
    resendRegion: z.enum(["us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1"]).default("us-east-1"),
    /** Return-path subdomain Resend sends from. @default "send" */
    returnPathSubdomain: safeText({ max: 63, pattern: /^[a-z0-9-]+$/, problem: "must be one DNS label (lowercase letters, digits, dashes)" }).default("send"),
    /** DMARC policy for mail failing SPF/DKIM alignment. @default "quarantine" */
    dmarcPolicy: z.enum(["none", "quarantine", "reject"]).default("quarantine"),
    /**
     * MX records for the apex: the mailbox provider that receives `<anyone>@<domain>`, e.g. Google
     * Workspace `[{ host: "smtp.google.com", priority: 1 }]`. WARNING: empty means the zone has no
     * MX at the apex, so once the name servers move to Cloudflare, mail to the domain bounces —
     * including the contacts this stack publishes (CAA iodef → security@, DMARC rua →
     * dmarc-reports@, ops@) when they are at this domain. Resend only sends (its MX is on the
     * return-path subdomain). @default [] (no inbound mail)
     */
    inboundMx: z
      .array(
        z.strictObject({
          /** Mail server host name, lowercase, no trailing dot. */
          host: hostName,
          /** MX preference: lower is tried first. */
          priority: z.number().int().min(0).max(65_535),
        }),
      )
      .default([]),
    /**
     * Domains the apex SPF record includes (`v=spf1 include:<d> … ~all`): the mailbox provider that
     * sends as `<someone>@<domain>`, e.g. Google Workspace `["_spf.google.com"]`. SPF allows 10 DNS
     * lookups in all; each include costs at least one. Empty: no SPF record at the apex (Resend's
     * SPF is on its return-path subdomain; DMARC still refuses unauthenticated apex mail).
     * @default []
     */
    apexSpfIncludes: z.array(hostName).max(10).default([]),
    /**
     * Other domains whose DMARC aggregate reports this domain accepts (RFC 7489 §7.1 external
     * destination verification): each gets `<other>._report._dmarc.<domain> TXT "v=DMARC1"`.
     * Without it, receivers drop the reports of a domain whose `rua` points at this one (staging's
     * rua is dmarc-reports@promptandpause.com, so prod lists "promptandpause-staging.com").
     * @default []
     */
    dmarcReportsFor: z.array(hostName).default([]),
  }),
  /**
   * Cloudflare Tiered Cache: `"off"`, `"generic"` (Tiered Cache on, Generic Global topology: every
   * data center may be an upper tier) or `"smart"` (Tiered Cache on, Smart topology: one upper tier
   * chosen by measured latency to the origin). Tiered Cache needs both the zone's
   * `argo/tiered_caching` switch and the topology (`cache/tiered_cache_smart_topology_enable`);
   * the edge manages both, so the dashboard cannot leave one half on.
   *
   * Why off by default: the origin is Vercel, an anycast network (one address, served from the
   * nearest of its PoPs). Cloudflare: "Smart Tiered Cache does not work when an origin is behind an
   * anycast or a regional unicast network … we are unable to select the optimal upper tier and
   * latency may be negatively impacted" (Cache → Tiered Cache → Caveats); since 2025-08 Smart falls
   * back to Generic when it cannot locate the origin (changelog "Smart Tiered Cache Fallback to
   * Generic"). And an anycast origin is already near every Cloudflare data center, with its own
   * edge cache in front of the functions, so an upper-tier hop saves little and adds latency to
   * every miss. `"generic"` trades that hop for fewer requests to Vercel; `"smart"` is for a
   * unicast origin. Cost: Tiered Cache is free on every plan. @default "off"
   */
  tieredCache: z.enum(TIERED_CACHE_MODES).default("off"),
  /** Certificate authorities allowed to issue for the domain (CAA). @default letsencrypt.org, pki.goog, ssl.com, sectigo.com */
  // RFC 8659 §4.2: an issuer is a domain name (`..com` is not one).
  caaIssuers: z.array(hostName).min(1).default([...DEFAULT_CAA_ISSUERS]),
  healthCheck: z
    .strictObject({
      /** Path probed over HTTPS. @default the app's health endpoint (`/api/health`) */
      path: safeText({ max: 256, pattern: /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/, problem: "must be a URL path starting with / (RFC 3986 characters only)" }).optional(),
      /** Status codes that count as healthy. @default ["200"] */
      expectedCodes: z.array(safeText({ max: 3, pattern: /^[1-5]([0-9]{2}|xx)$/, problem: 'must be an HTTP status code like "200" or a class like "2xx"' })).min(1).default(["200"]),
      /** Seconds before a probe counts as failed. @default 5 */
      timeoutSeconds: z.number().int().min(1).max(10).default(5),
      /** Failed probes before the origin is unhealthy. @default 2 */
      consecutiveFails: z.number().int().min(1).max(10).default(2),
    })
    .prefault({}),
});

export type EdgeSettings = z.output<typeof edgeConfigSchema>;

/** Cross-key checks, including the plan-tier checks, so they fail before anything is registered. */
export function checkEdgeConfig(edge: EdgeSettings, all: PlatformSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const limits = PLAN_LIMITS[edge.plan];

  // The app always has a Stripe webhook route (promptandpause:app.stripe.webhookPath): its own rule counts too.
  const mapping = mapRateLimits(edge.rateLimits.classes, edge.plan, edge.webhooks);
  if (!mapping.ok) {
    issues.push({
      path: `${K}.plan`,
      problem: `cannot express the rate-limit classes: ${mapping.problems.join("; ")}`,
      got: edge.plan,
      fix: mapping.neededPlan
        ? `Set ${K}.plan to "${mapping.neededPlan}" (the cheapest plan that expresses every class), or change ${K}.rateLimits.classes.`
        : `No Cloudflare plan can express these classes; change ${K}.rateLimits.classes.`,
    });
  }
  if (Object.hasOwn(edge.rateLimits.classes, WEBHOOK_RATE_LIMIT_CLASS)) {
    issues.push({
      path: `${K}.rateLimits.classes.${WEBHOOK_RATE_LIMIT_CLASS}`,
      problem: `is reserved for the webhook limit (rule ref rate-limit-${WEBHOOK_RATE_LIMIT_CLASS})`,
      got: WEBHOOK_RATE_LIMIT_CLASS,
      fix: `Rename the class, and set the webhook limit with ${K}.webhooks.`,
    });
  }
  if (!limits.managedRulesets) {
    issues.push({ path: `${K}.plan`, problem: "cannot run the Cloudflare Managed and OWASP Core rulesets the guide's WAF needs (Pro and above)", got: edge.plan, fix: `Set ${K}.plan to "pro" or higher.` });
  }
  if (!limits.regexMatching) {
    issues.push({ path: `${K}.plan`, problem: "cannot compare request sizes with the app's body limit (needs the `matches` operator, Business and above)", got: edge.plan, fix: `Set ${K}.plan to "business" or higher.` });
  }
  if (!limits.healthChecks) {
    issues.push({ path: `${K}.plan`, problem: "has no standalone health checks (Pro and above)", got: edge.plan, fix: `Set ${K}.plan to "pro" or higher.` });
  }

  // Mail records: Cloudflare refuses identical records, and a domain needs no authorization for its own reports.
  const duplicates = (values: readonly string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  for (const host of new Set(duplicates(edge.email.inboundMx.map((mx) => mx.host)))) {
    issues.push({ path: `${K}.email.inboundMx`, problem: "lists the same host twice (Cloudflare refuses identical MX records)", got: host, fix: "List each mail server once." });
  }
  for (const domain of new Set(duplicates(edge.email.apexSpfIncludes))) {
    issues.push({ path: `${K}.email.apexSpfIncludes`, problem: "lists the same domain twice (each include costs SPF lookups)", got: domain, fix: "List each include once." });
  }
  edge.email.dmarcReportsFor.forEach((domain, i) => {
    if (domain === all.domain) {
      issues.push({ path: `${K}.email.dmarcReportsFor[${i}]`, problem: "is this stack's own domain; its own reports need no authorization record", got: domain, fix: "Remove it; list only other domains whose DMARC rua points at this domain." });
    }
  });

  // A path may belong to one rate-limit class only per pattern (identical patterns are ambiguous).
  const seen = new Map<string, string>();
  for (const [name, cls] of Object.entries(edge.rateLimits.classes)) {
    cls.paths.forEach((p, i) => {
      const owner = seen.get(p);
      if (owner) issues.push({ path: `${K}.rateLimits.classes.${name}.paths[${i}]`, problem: `is also a path of class "${owner}"`, got: p, fix: "Give each route pattern to one class." });
      seen.set(p, name);
    });
  }

  // Private (per-user) paths are never edge-cached: no cache rule may name them.
  edge.cache.rules.forEach((rule, i) => {
    rule.paths.forEach((p, j) => {
      // Suffix rules (`/*.js`) are file-type rules for the whole site; the private bypass rule,
      // last in the ruleset, keeps them off private paths. Path rules must not touch private paths.
      const clash = parsePathPattern(p).kind === "suffix" ? undefined : edge.cache.privatePaths.find((priv) => patternsOverlap(p, priv));
      if (clash) {
        issues.push({
          path: `${K}.cache.rules[${i}].paths[${j}]`,
          problem: `would cache at the edge paths under the private path "${clash}" (per-user data would be served to other users)`,
          got: p,
          fix: `Remove it, or give the browser a private TTL with ${K}.cache.privateBrowserTtls.`,
        });
      }
    });
  });
  const refs = edge.cache.rules.map((r) => r.ref);
  refs.forEach((ref, i) => {
    if (refs.indexOf(ref) !== i) issues.push({ path: `${K}.cache.rules[${i}].ref`, problem: "is used twice", got: ref, fix: "Give every cache rule its own ref." });
    if (ref === "cache-bypass-private" || ref === "cache-bypass-api") issues.push({ path: `${K}.cache.rules[${i}].ref`, problem: "is reserved for the bypass rules", got: ref, fix: "Choose another ref." });
  });
  edge.cache.privateBrowserTtls.forEach((entry, i) => {
    if (!edge.cache.privatePaths.some((priv) => priv === entry.path || patternContains(priv, entry.path))) {
      issues.push({
        path: `${K}.cache.privateBrowserTtls[${i}].path`,
        problem: "is not under a private path, so the edge could cache it",
        got: entry.path,
        fix: `Add it (or a prefix of it) to ${K}.cache.privatePaths.`,
      });
    }
  });
  issues.push(...expressionLengthIssues(edge, all));
  return issues;
}

/**
 * Cloudflare: "The maximum length of a rule expression is 4,096 characters" (Rules language →
 * Expressions, developers.cloudflare.com/ruleset-engine/rules-language/expressions/); a longer one
 * fails at `pulumi up`, half-way through the rulesets.
 */
export const MAX_EXPRESSION_LENGTH = 4096;

/**
 * Builds every rule the edge would create from these settings (the components' own builders) and
 * names the setting behind each expression over {@link MAX_EXPRESSION_LENGTH}.
 */
function expressionLengthIssues(edge: EdgeSettings, all: PlatformSettings): ConfigIssue[] {
  const webhookPaths = all.app ? [all.app.stripe.webhookPath] : [];
  const exemption: WebhookExemption | undefined = webhookPaths.length > 0 ? { paths: webhookPaths, ...edge.webhooks } : undefined;
  const exemptionText = exemption ? webhookExemptionExpression(exemption) : undefined;
  const sourceIpsKey = `${K}.webhooks.sourceIps`;
  /** The key whose list makes a rule long: the webhook source IPs when they are most of it. */
  const keyFor = (expression: string, own: string) => (exemptionText && expression.includes(exemptionText) && exemptionText.length * 2 > expression.length ? sourceIpsKey : own);
  // The builders return plain strings (RuleSpec types them as provider inputs).
  const plain = (specs: RuleSpec[]) => specs.map((r) => ({ ref: String(r.ref), expression: String(r.expression) }));
  const candidates: Array<{ rule: { ref: string; expression: string }; key: string }> = [];
  for (const rule of plain(managedWafRules(edge.waf, exemption))) candidates.push({ rule, key: keyFor(rule.expression, `${K}.waf`) });
  const uploadLimitBytes = (all.database?.storage.fileSizeLimitMb ?? GUIDE.database.fileSizeLimitMb) * 1024 * 1024;
  for (const rule of plain(customWafRules(edge.waf, uploadLimitBytes))) candidates.push({ rule, key: `${K}.waf.uploadPaths` });
  if (mapRateLimits(edge.rateLimits.classes, edge.plan, exemption).ok) {
    for (const rule of plain(rateLimitRules(edge.rateLimits.classes, edge.plan, edge.rateLimits.action, exemption))) {
      const cls = Object.keys(edge.rateLimits.classes).find((c) => rule.ref === `rate-limit-${c}` || rule.ref?.startsWith(`rate-limit-${c}-`));
      candidates.push({ rule, key: keyFor(rule.expression, cls ? `${K}.rateLimits.classes.${cls}.paths` : sourceIpsKey) });
    }
  }
  for (const rule of plain(cacheRules(edge.cache))) {
    const index = edge.cache.rules.findIndex((r) => r.ref === rule.ref);
    const key = index >= 0 ? `${K}.cache.rules[${index}].paths` : rule.ref === CACHE_BYPASS_API_REF ? `${K}.cache.bypassPaths` : `${K}.cache.privatePaths`;
    candidates.push({ rule, key });
  }
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const { rule, key } of candidates) {
    if (rule.expression.length <= MAX_EXPRESSION_LENGTH || seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path: key,
      problem: `makes the Cloudflare rule "${rule.ref}" ${rule.expression.length} characters long; Cloudflare accepts at most ${MAX_EXPRESSION_LENGTH}`,
      got: NOT_SHOWN,
      fix: "Shorten the list: use prefix patterns (/prefix/*) or CIDR blocks instead of many entries.",
    });
  }
  return issues;
}
