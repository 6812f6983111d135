import * as pulumi from "@pulumi/pulumi";

/**
 * Every secret the platform reads, declared once. The config loader checks that each required
 * one is set AND stored as a secret (`pulumi config set --secret`), and hands them to the
 * platform as secret Outputs only. Nothing else in the code base reads secret config.
 */

/** AI providers the app can call (guide: "AI APIs (multiple)"); each needs its own API key. */
export const AI_PROVIDERS = ["openai", "anthropic", "google"] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

export interface SecretSpec {
  /** Full config key, e.g. `promptandpause:stripeSecretKey`. */
  key: string;
  /** What it is and where to get it (shown in errors and the README). */
  description: string;
}

/** Secrets every stack needs. */
export const REQUIRED_SECRETS = {
  cloudflareApiToken: { key: "cloudflare:apiToken", description: "Cloudflare API token (Zone, DNS, WAF, Rulesets edit on the zone)" },
  vercelApiToken: { key: "vercel:apiToken", description: "Vercel access token for the team that owns the project" },
  supabaseAccessToken: { key: "promptandpause:supabaseAccessToken", description: "Supabase personal access token (Management API)" },
  stripeSecretKey: { key: "promptandpause:stripeSecretKey", description: "Stripe secret key (sk_test_… in staging, sk_live_… in prod)" },
  resendApiKey: { key: "promptandpause:resendApiKey", description: "Resend API key (sending access), also the SMTP password for Supabase Auth" },
} as const satisfies Record<string, SecretSpec>;

/**
 * The app's Redis when it is NOT the ElastiCache cluster: a serverless Redis reached over TLS.
 * Required unless `promptandpause:app.secureCompute` is set (then Vercel reaches ElastiCache and
 * REDIS_URL comes from the cache's output); refused when both are set. Must be `rediss://`.
 */
export const REDIS_URL_SECRET = {
  key: "promptandpause:redisUrl",
  description: "Redis connection URL (rediss://…) including its password; only without promptandpause:app.secureCompute",
} as const satisfies SecretSpec;

/**
 * What the offline plan hands the program for a secret it cannot decrypt or that is not set yet.
 * Secrets with a checked format get a placeholder of that format, so the checks run as they would
 * on the real value; the placeholder text is the same in all of them.
 */
export const SECRET_PLACEHOLDER = "offline-plan-placeholder-secret";

export function secretPlaceholder(key: string): string {
  return key === REDIS_URL_SECRET.key ? `rediss://:${SECRET_PLACEHOLDER}@redis.invalid:6379` : SECRET_PLACEHOLDER;
}

/** Why a Redis URL would be refused, or undefined. Never echoes the URL (it carries a password). */
export function redisUrlProblem(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "redis") return "must be a rediss:// URL: redis:// sends the password and every cached value in clear text";
  if (scheme !== "rediss") return "must be a rediss:// URL (TLS), e.g. rediss://default:<password>@<host>:6379";
  let host = "";
  try {
    host = new URL(value).hostname;
  } catch {
    return "is not a valid URL";
  }
  if (!host) return "has no host";
  return undefined;
}

export type RequiredSecretName = keyof typeof REQUIRED_SECRETS;

/** The API key secret of one AI provider; required when `promptandpause:app.aiProviders` lists it. */
export function aiKeySecret(provider: AiProvider): SecretSpec {
  return { key: `promptandpause:${provider}ApiKey`, description: `${provider} API key used by the app's AI features` };
}

/** All secret keys the schema knows (so they are not reported as unknown keys). */
export function knownSecretKeys(): string[] {
  return [...Object.values(REQUIRED_SECRETS).map((s) => s.key), REDIS_URL_SECRET.key, ...AI_PROVIDERS.map((p) => aiKeySecret(p).key)];
}

/** The command that fixes a missing or plaintext secret. */
export function setSecretHint(key: string): string {
  return `Set it with: pulumi config set --secret ${key} <value>`;
}

/** Secrets handed to the platform: only ever secret Outputs. */
export interface PlatformSecrets {
  required: Record<RequiredSecretName, pulumi.Output<string>>;
  /** `promptandpause:redisUrl`: set exactly when `app.secureCompute` is not. */
  redisUrl?: pulumi.Output<string>;
  aiApiKeys: Partial<Record<AiProvider, pulumi.Output<string>>>;
}
