import { z } from "zod";
import type { ConfigIssue } from "../../components/shared/errors";
import type { PlatformSettings } from "../config";
import { GUIDE } from "../guide";
import { cidr, email, safeText, url } from "./common";

/**
 * `promptandpause:database` — the guide's "Supabase Configuration". Pool size, max connections,
 * compute size and read replicas come from the scale preset (`promptandpause:scale`).
 */

const g = GUIDE.database;

/** Supabase regions accepted by the Management API (`V1CreateProjectBody.region`). */
export const SUPABASE_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-east-1", "ap-southeast-1", "ap-northeast-1",
  "ap-northeast-2", "ap-southeast-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-central-1",
  "eu-central-2", "ca-central-1", "ap-south-1", "sa-east-1",
] as const;

export const databaseConfigSchema = z.strictObject({
  /** Supabase organization slug that owns the project. */
  organizationSlug: safeText({ min: 2, max: 64, pattern: /^[a-z0-9-]+$/, problem: "must be the organization's slug (lowercase letters, digits, dashes)" }),
  /** Supabase region; keep it next to the Vercel functions' region. */
  region: z.enum(SUPABASE_REGIONS),
  /**
   * Postgres major version the guide asks for. New Supabase projects cannot choose it any more;
   * the platform reports the actual version and warns when it differs.
   * @default 15
   */
  postgresMajorVersion: z.literal([15, 17]).default(g.postgresMajorVersion),
  /** Supavisor pool mode. @default "transaction" (serverless functions open short connections) */
  poolMode: z.enum(["transaction", "session"]).default("transaction"),
  auth: z
    .strictObject({
      /** Auth site URL. @default https://<domain> */
      siteUrl: url(["http", "https"], "must be an http(s):// URL").optional(),
      /** Extra redirect URLs besides https://<domain>/auth/callback. @default [] */
      extraRedirectUrls: z.array(url(["http", "https"], "must be an http(s):// URL")).default([]),
      /**
       * Allow `http://localhost:3000/auth/callback` (the guide's local-development redirect).
       * Security: only outside prod. @default false
       */
      allowLocalhostRedirect: z.boolean().default(false),
      /** Access-token (JWT) lifetime. @default 3600 */
      jwtExpirySeconds: z.number().int().min(300).max(604_800).default(g.jwtExpirySeconds),
      /** Session lifetime; the guide's refresh_token_expiry. @default 604800 */
      refreshTokenExpirySeconds: z.number().int().min(3600).max(31_536_000).default(g.refreshTokenExpirySeconds),
      /** Refresh-token reuse window when rotation detects a replay. @default 10 */
      refreshTokenReuseIntervalSeconds: z.number().int().min(0).max(60).default(10),
      /** Auth e-mails sent per hour (Supabase rate limit). @default 30 */
      emailsPerHour: z.number().int().min(1).max(10_000).default(30),
      /** Token refreshes / verifications per 5 minutes per IP. @default 150 */
      tokenRefreshesPer5Minutes: z.number().int().min(1).max(10_000).default(150),
      /** Sender address for auth e-mails (sent through Resend SMTP, port 587). @default no-reply@<domain> */
      senderEmail: email.optional(),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Per-file upload limit. @default 50 (guide) */
      fileSizeLimitMb: z.number().int().min(1).max(500_000).default(g.fileSizeLimitMb),
    })
    .prefault({}),
  /** Reject non-SSL database connections. Security: keep on. @default true */
  sslEnforcement: z.boolean().default(true),
  /**
   * Who may connect to Postgres directly or through the pooler. The app reaches Supabase over
   * HTTPS (PostgREST) and the pooler from Vercel's dynamic egress, so the default stays open,
   * with SSL enforced. @default ["0.0.0.0/0", "::/0"]
   */
  allowedCidrs: z.array(cidr).min(1).default(["0.0.0.0/0", "::/0"]),
  /** Point-in-time recovery add-on: WAL archiving, meets the guide's 15-minute RPO. @default false */
  pointInTimeRecovery: z.boolean().default(false),
  /** Daily backup time, UTC `HH:MM:SS`. @default "02:00:00" (start of the guide's maintenance window) */
  backupTimeUtc: safeText({ max: 8, pattern: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, problem: "must be a UTC time HH:MM:SS" })
    .default(`${GUIDE.maintenanceWindow.startUtc}:00`),
});

export type DatabaseSettings = z.output<typeof databaseConfigSchema>;

/** Cross-key checks that need the rest of the configuration. */
export function checkDatabaseConfig(db: DatabaseSettings, all: PlatformSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const siteUrl = db.auth.siteUrl ?? `https://${all.domain}`;
  db.auth.extraRedirectUrls.forEach((url, i) => {
    const host = new URL(url).hostname;
    if (host !== all.domain && !host.endsWith(`.${all.domain}`) && host !== "localhost") {
      issues.push({ path: `promptandpause:database.auth.extraRedirectUrls[${i}]`, problem: `must be on ${all.domain} (an open redirect list lets attackers receive login tokens)`, got: url, fix: "Use a URL on the stack's domain." });
    } else if (url.startsWith("http://localhost")) {
      issues.push({ path: `promptandpause:database.auth.extraRedirectUrls[${i}]`, problem: "localhost redirects are controlled by allowLocalhostRedirect", got: url, fix: "Remove it and set promptandpause:database.auth.allowLocalhostRedirect: true (never in prod)." });
    }
  });
  if (!siteUrl.startsWith("https://")) {
    issues.push({ path: "promptandpause:database.auth.siteUrl", problem: "must be https", got: siteUrl, fix: `Use https://${all.domain}.` });
  }
  return issues;
}

/** The auth redirect allow-list: the app's callback, extras, and localhost only when allowed. */
export function authRedirectUrls(db: DatabaseSettings, domain: string): string[] {
  const urls = [`https://${domain}/auth/callback`, ...db.auth.extraRedirectUrls];
  if (db.auth.allowLocalhostRedirect) urls.push("http://localhost:3000/auth/callback");
  return [...new Set(urls)];
}
