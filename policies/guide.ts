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
  /** More paths under `/api/*` a covering rule or route must match too (a rule on one route only does not cover the API). */
  extraProbePaths: ["/api/", "/api/zz-probe", "/api/zz-probe/deeper/path.json"] as readonly string[],
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
  /**
   * Routes the class must cover (`/exact` or `/prefix/*`): every request to them, whatever its
   * method, host or source, counts against a rule of the class. The guide names the classes,
   * DESIGN.md the routes; a stack that narrows a class (drops `/api/auth/*`, adds a host filter) is
   * refused.
   */
  paths?: readonly string[];
}

/** DDoS protection → rate_limits. Keys are the class names used in rule refs (`rate-limit-<class>`). */
export const RATE_LIMITS: Readonly<Record<string, RateLimitClass>> = {
  auth: { requestsPerMinute: 10, burst: 20, paths: ["/api/auth/*", "/auth/*"] },
  api: { requestsPerMinute: 100, burst: 200, paths: ["/api/*"] },
  ai: { requestsPerMinute: 30, burst: 50, paths: ["/api/ai/*"] },
};

/**
 * Counting keys a class rule may use. `cf.colo.id` is mandatory in Cloudflare; `ip.src` (or
 * `cf.unique_visitor_id`, IP with NAT support) is the client. Any other characteristic (a header,
 * a cookie, a query argument) gives each of its values its own counter, so a client that varies
 * it is never limited (Cloudflare "Rate limiting parameters" → "With the same characteristics").
 */
export const RATE_LIMIT_CHARACTERISTICS: readonly string[] = ["cf.colo.id", "ip.src", "cf.unique_visitor_id"];

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
 * One attack per family that the family's rules must block, as a request (policies/lib/
 * expression.ts evaluates the rules on it; fields not given are unknown, so a rule narrowed by
 * host, source or country does not count). A family is implemented by the rules whose ref is the
 * family's or starts with it plus "-" (`waf-file-upload-type`).
 */
export const WAF_PROBES: Readonly<Record<string, { what: string; path: string; method?: string; query?: string; rawUri?: string; headers?: Record<string, string[]> }>> = {
  "waf-sqli": { what: "a UNION SELECT in the query string", path: "/api/prompts", query: "id=1%20UNION%20SELECT%20password%20FROM%20users" },
  "waf-xss": { what: "a <script> tag in the query string", path: "/api/prompts", query: "q=%3Cscript%3Ealert(1)%3C/script%3E" },
  "waf-path-traversal": { what: "../ in the URI", path: "/api/prompts", rawUri: "/api/../../etc/passwd" },
  "waf-file-upload": {
    what: "a multipart upload POSTed to an API route that is not an upload route",
    path: "/api/zz-probe",
    method: "POST",
    headers: { "content-type": ["multipart/form-data; boundary=probe"], "content-length": ["1024"] },
  },
};

/**
 * OWASP Core Ruleset floor. The anomaly score rule must block; Cloudflare offers thresholds 60
 * (low), 40 (medium), 25 (high) — a higher one is not a sensitivity, it turns the ruleset off
 * in all but name. Only the paranoia-level tags above 1 may be disabled (paranoia level 1 is the
 * ruleset's baseline).
 */
export const OWASP_FLOOR = {
  scoreRuleId: "6179ae15870a4bb7b2d480d4843b323c",
  maxScoreThreshold: 60,
  disableableCategories: ["paranoia-level-2", "paranoia-level-3", "paranoia-level-4"] as readonly string[],
} as const;

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

/**
 * Actions that stop a request (WAF custom rules and rate limits): `block` only. `log` and `skip`
 * let it through; so does a challenge for every client that passes it — a person, a browser
 * automation or a solving service — and a passed challenge is remembered for the zone's Challenge
 * Passage time (30 minutes by default), during which the same client's further matching requests
 * (SQL injection attempts, login guesses) are not challenged again. An API client gets a challenge
 * page instead of a 403/429 it can handle.
 */
export const BLOCKING_ACTIONS: readonly string[] = ["block"];

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
  /** Configuration Rules: per-request overrides of zone settings (SSL mode among them). */
  config: "http_config_settings",
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
  role: "aws:iam/role:Role",
  iamPolicy: "aws:iam/policy:Policy",
  vpnConnection: "aws:ec2/vpnConnection:VpnConnection",
  defaultNetworkAcl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  instance: "aws:ec2/instance:Instance",
  spotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  spotFleetRequest: "aws:ec2/spotFleetRequest:SpotFleetRequest",
  instanceMetadataDefaults: "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
  imageBuilderInfrastructure: "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
  sagemakerNotebookInstance: "aws:sagemaker/notebookInstance:NotebookInstance",
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

/**
 * The cache layer and the application tier (guide "Scaling Strategy", "Auto-scaling
 * Configuration"; DESIGN.md "AWS side"). Worker bounds per scale preset: the scaling table's
 * application instances are the floor, the ceiling is max(max_instances 10, 2 × floor)
 * (stacks/presets.ts workerBounds; tests/policies/cache-layer.test.ts checks both agree).
 */
export const WORKER_SCALING = {
  presets: {
    current: { minCapacity: 1, maxCapacity: 10 },
    "10x": { minCapacity: 5, maxCapacity: 10 },
    "100x": { minCapacity: 20, maxCapacity: 40 },
  } as Readonly<Record<string, { minCapacity: number; maxCapacity: number }>>,
  /** target_cpu 70 %, target_memory 80 %. */
  targetCpuPercent: 70,
  targetMemoryPercent: 80,
  /** scale_up_cooldown 300 s, scale_down_cooldown 600 s. */
  scaleOutCooldownSeconds: 300,
  scaleInCooldownSeconds: 600,
  /** Tag on the scaling target naming the preset its bounds come from. */
  presetTag: "scale-preset",
} as const;

/** The cache port (Redis/Valkey); the database segment's group opens it to the application segment only. */
export const CACHE_PORT = 6379;
