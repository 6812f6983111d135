/**
 * The owner's infrastructure guide (shared/guide/infrastructure-guide.md) as data. Every number
 * the guide states lives here once; the config schema uses these as defaults and the tests
 * assert the defaults equal them. Where DESIGN.md changes a guide value, the change is made
 * where the value is used, with the reason beside it — the guide's own number stays here.
 */
export const GUIDE = {
  /** "Vercel Configuration": functions `app/api/**` maxDuration. */
  app: {
    functionMaxDurationSeconds: 30,
    /** `/api/(.*)` response headers. */
    apiSecurityHeaders: {
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
    },
  },
  /** "Supabase Configuration". */
  database: {
    postgresMajorVersion: 15,
    poolSize: 20,
    maxConnections: 100,
    siteUrl: "https://promptandpause.com",
    redirectUrls: ["https://promptandpause.com/auth/callback", "http://localhost:3000/auth/callback"],
    jwtExpirySeconds: 3600,
    refreshTokenExpirySeconds: 604_800,
    /** Not configurable: Supabase has no per-bucket quota (storage is billed per project). */
    storageBucketSizeGb: 5,
    fileSizeLimitMb: 50,
  },
  /** "DDoS Protection": rate_limits (requests per minute, burst). */
  rateLimits: {
    auth: { requestsPerMinute: 10, burst: 20 },
    api: { requestsPerMinute: 100, burst: 200 },
    ai: { requestsPerMinute: 30, burst: 50 },
  },
  /** "DDoS Protection": waf_rules. */
  wafRules: ["sql_injection_protection", "xss_protection", "path_traversal_protection", "file_upload_validation"],
  /** "CDN Configuration": cache_rules (seconds) and compression. */
  cacheRules: [
    { pattern: "/api/prompts/today", ttlSeconds: 300 },
    { pattern: "/api/user/profile", ttlSeconds: 60 },
    { pattern: "/static/*", ttlSeconds: 86_400 },
    { pattern: "/*.js", ttlSeconds: 31_536_000 },
  ],
  compression: {
    types: ["text/html", "text/css", "application/json", "application/javascript"],
    level: 6,
  },
  /** "Firewall Rules". */
  firewall: {
    inbound: [
      { port: 443, source: "0.0.0.0/0", purpose: "HTTPS" },
      { port: 80, source: "0.0.0.0/0", purpose: "HTTP → HTTPS redirect" },
      { port: 22, source: "admin_ips", purpose: "SSH (admin only)" },
    ],
    outbound: [
      { port: 443, destination: "api_services", purpose: "HTTPS" },
      { port: 587, destination: "email_services", purpose: "SMTP" },
    ],
  },
  /** "Recovery Procedures". */
  recovery: { rtoHours: 4, rpoMinutes: 15, incrementalBackupMinutes: 15 },
  /** "Auto-scaling Configuration". */
  autoScaling: {
    minInstances: 1,
    maxInstances: 10,
    targetCpuPercent: 70,
    targetMemoryPercent: 80,
    scaleUpCooldownSeconds: 300,
    scaleDownCooldownSeconds: 600,
  },
  databaseScaling: { readReplicas: 2, connectionPoolSize: 20, maxConnections: 100, failoverTimeoutSeconds: 30 },
  /** "Maintenance Windows": monthly, first Sunday, 02:00–04:00 UTC, 7 days' notice. */
  maintenanceWindow: { day: "first-sunday", startUtc: "02:00", endUtc: "04:00", durationHours: 2, noticeDays: 7 },
} as const;
