/**
 * The infrastructure guide's numbers, written once for the whole policy pack. Every policy's
 * `configSchema` takes its defaults from here; nothing else in `policies/` repeats a number.
 *
 * Source: /work/shared/guide/infrastructure-guide.md (Vercel configuration, Supabase
 * configuration, DDoS protection, CDN configuration, database scaling) and DESIGN.md (decisions).
 */

/** Vercel `headers` for `/api/(.*)`: the three security headers every API response carries. */
export const SECURITY_HEADERS = {
  /** Path pattern the guide sets the headers on (Vercel `source`). */
  apiSource: "/api/(.*)",
  /** A concrete path under `/api/*` used to decide whether a route or edge rule covers the API. */
  probePath: "/api/prompts/today",
  /** `Strict-Transport-Security: max-age=31536000; includeSubDomains`. */
  hstsMaxAgeSeconds: 31536000,
  hstsIncludeSubDomains: true,
  /** `X-Content-Type-Options: nosniff`. */
  contentTypeOptions: "nosniff",
  /** `X-Frame-Options: DENY`. */
  frameOptions: "DENY",
} as const;

/** One rate-limit class: sustained requests per minute and the burst a client may send at once. */
export interface RateLimitClass {
  requestsPerMinute: number;
  burst: number;
}

/** DDoS protection → rate_limits. Keys are the class names used in rule refs (`rate-limit-<class>`). */
export const RATE_LIMITS: Readonly<Record<string, RateLimitClass>> = {
  auth: { requestsPerMinute: 10, burst: 20 },
  api: { requestsPerMinute: 100, burst: 200 },
  ai: { requestsPerMinute: 30, burst: 50 },
};

/** Prefix of every rate-limit rule ref: `rate-limit-<class>` or `rate-limit-<class>-<suffix>`. */
export const RATE_LIMIT_REF_PREFIX = "rate-limit-";

/** One edge cache rule: its ref, the longest edge TTL allowed and a path fragment its expression must name. */
export interface CacheRuleLimit {
  maxEdgeTtlSeconds: number;
  pathHint: string;
}

/** CDN configuration → cache_rules, keyed by the Cloudflare rule ref that implements each pattern. */
export const CACHE_RULES: Readonly<Record<string, CacheRuleLimit>> = {
  /** `/api/prompts/today`, ttl 300 (5 minutes). */
  "cache-prompts-today": { maxEdgeTtlSeconds: 300, pathHint: "/api/prompts/today" },
  /** `/static/*`, ttl 86400 (24 hours). */
  "cache-static": { maxEdgeTtlSeconds: 86400, pathHint: "/static/" },
  /** `/*.js`, ttl 31536000 (1 year). */
  "cache-js": { maxEdgeTtlSeconds: 31536000, pathHint: ".js" },
};

/**
 * Authenticated or per-user paths that must never be cached at the edge (DESIGN.md: the guide's
 * `/api/user/profile` ttl 60 is browser-private only).
 */
export const NO_EDGE_CACHE_PATHS: readonly string[] = ["/api/user/", "/auth/"];

/** Ref of the cache rule that bypasses the edge cache for {@link NO_EDGE_CACHE_PATHS}; it must come last. */
export const CACHE_BYPASS_REF = "cache-bypass-private";

/** Traffic flow "HTTPS TLS" and firewall "80 → HTTPS redirect". */
export const TLS = {
  sslModes: ["strict"],
  minTlsVersion: "1.2",
  alwaysUseHttps: "on",
} as const;

/** Cloudflare managed rulesets the WAF must execute (Web Application Firewall). */
export const MANAGED_RULESETS: Readonly<Record<string, string>> = {
  "Cloudflare Managed Ruleset": "efb7b8c949ac4650a09736fc376e9aee",
  "Cloudflare OWASP Core Ruleset": "4814384a9e5d4991b9815dcfc25d2f1f",
};

/** waf_rules: the four families, as the ref of the custom rule implementing each (`waf-<family>`). */
export const WAF_RULE_REFS: readonly string[] = ["waf-sqli", "waf-xss", "waf-path-traversal", "waf-file-upload"];

/**
 * Not guide numbers: the one exemption the edge may make (docs/edge.md "Webhooks"). Stripe posts
 * webhook deliveries server-to-server from its own IPs, signs each one (the app verifies it) and
 * retries refused ones for up to three days; they may leave the per-client rate-limit classes for a
 * separate limit no looser than `rateLimit`, and may skip the OWASP Core Ruleset only — for exactly
 * these paths and this method. Add a path per stack in the policies' `webhookPaths` config when the
 * app's `promptandpause:app.stripe.webhookPath` changes.
 */
export const WEBHOOK_EXEMPTION = {
  /** `promptandpause:app.stripe.webhookPath`'s default. */
  paths: ["/api/webhooks/stripe"] as readonly string[],
  method: "POST",
  /** Class name in rate-limit refs: `rate-limit-webhooks`. */
  rateLimitClass: "webhooks",
  /** The loosest limit a webhook rate-limit rule may have (per client IP, per Cloudflare data center). */
  rateLimit: { requestsPerMinute: 1000, burst: 2000 },
  /** Managed rulesets an exception may skip for webhook deliveries: OWASP only (its anomaly score trips on JSON free text). */
  skippableRulesets: ["4814384a9e5d4991b9815dcfc25d2f1f"] as readonly string[],
} as const;

/** Actions that actually stop a request (WAF custom rules and rate limits). `log` and `skip` do not. */
export const BLOCKING_ACTIONS: readonly string[] = ["block", "managed_challenge", "challenge", "js_challenge"];

/** functions → `app/api/**`: maxDuration 30 seconds. */
export const FUNCTION_MAX_DURATION_SECONDS = 30;

/** Next.js inlines variables with this prefix into the browser bundle. */
export const PUBLIC_ENV_PREFIX = "NEXT_PUBLIC_";

/** Variable names that hold secrets and therefore must be `sensitive: true` (regular expressions, case-insensitive). */
export const SECRET_NAME_PATTERNS: readonly string[] = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PRIVATE",
  "TOKEN",
  "SERVICE_ROLE",
  "API_KEY",
  "ACCESS_KEY",
  "_KEY$",
  "DATABASE_URL",
  "CONNECTION_STRING",
  "_DSN$",
  "WEBHOOK",
];

/**
 * Name fragments that must never carry the public prefix (the anon key and publishable keys may).
 * Also the app layer's config check (components/app/env-vars.ts), so both refuse the same names.
 */
export const PUBLIC_FORBIDDEN_NAME_PATTERNS: readonly string[] = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PRIVATE",
  "SERVICE_ROLE",
  "TOKEN",
  "API_KEY",
  "CREDENTIAL",
  "SIGNING",
  "WEBHOOK",
];

/** Supabase configuration + database scaling + recovery targets. */
export const DATABASE = {
  /** database.pool_size / database_scaling.connection_pool_size. */
  poolSize: 20,
  /** database.max_connections. */
  maxConnections: 100,
  /** security.jwt_expiry: access-token lifetime, seconds. */
  jwtExpirySeconds: 3600,
  /** security.refresh_token_expiry: longest session (Supabase `sessions_timebox`), seconds (7 days). */
  refreshTokenExpirySeconds: 604800,
  /** storage.file_size_limit "50MB", in bytes (50 × 1024 × 1024). */
  fileSizeLimitBytes: 52428800,
  /** recovery_point_objective, minutes. Daily backups cannot meet it; only point-in-time recovery does. */
  recoveryPointObjectiveMinutes: 15,
  siteUrl: "https://promptandpause.com",
} as const;

/**
 * Not guide numbers: the pool mode the platform is built for (Next.js serverless functions open
 * short-lived connections, which only transaction mode multiplexes onto a pool of 20). Checked by
 * the advisory `supabase-hardening` policy.
 */
export const RECOMMENDED_POOL_MODE = "transaction";

/** Type tokens the pack matches on. */
export const TYPES = {
  ruleset: "cloudflare:index/ruleset:Ruleset",
  zoneSetting: "cloudflare:index/zoneSetting:ZoneSetting",
  zone: "cloudflare:index/zone:Zone",
  vercelProject: "vercel:index/project:Project",
  vercelEnvVar: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  vercelRoute: "vercel:index/projectRoute:ProjectRoute",
  /**
   * The in-repo Supabase dynamic resources (components/database/supabase): `pulumi.dynamic.Resource`
   * registers `pulumi-nodejs:dynamic/<module>:<type>` from its module/type constructor arguments.
   */
  supabaseProject: "pulumi-nodejs:dynamic/supabase:Project",
  supabaseSettings: "pulumi-nodejs:dynamic/supabase:Settings",
} as const;

/** Cloudflare ruleset phases the pack reads. */
export const PHASES = {
  managedWaf: "http_request_firewall_managed",
  customWaf: "http_request_firewall_custom",
  rateLimit: "http_ratelimit",
  cache: "http_request_cache_settings",
  responseHeaders: "http_response_headers_transform",
} as const;

/** AWS resource types the network, firewall and IAM policies read (@pulumi/aws 7.x tokens). */
export const AWS_TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  natGateway: "aws:ec2/natGateway:NatGateway",
  flowLog: "aws:ec2/flowLog:FlowLog",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  networkAclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  networkAcl: "aws:ec2/networkAcl:NetworkAcl",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  role: "aws:iam/role:Role",
} as const;

/** The guide's "Firewall Rules" as the pack enforces them. */
export const FIREWALL = {
  /**
   * Administrative ports that no world range may reach: SSH (the guide's "22 admin only"), and
   * telnet, RDP and VNC, which nothing here runs and which attackers scan for.
   */
  adminPorts: [22, 23, 3389, 5900],
  /** Segment tag (`segment: <name>`) the network component puts on subnets and route tables. */
  segmentTag: "segment",
  /** Segment that must have no internet route (the guide's DATABASE). */
  isolatedSegments: ["database"],
} as const;
