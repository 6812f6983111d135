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
  redisUrl: { key: "promptandpause:redisUrl", description: "Redis connection URL (rediss://…) including its password" },
} as const satisfies Record<string, SecretSpec>;

export type RequiredSecretName = keyof typeof REQUIRED_SECRETS;

/** The API key secret of one AI provider; required when `promptandpause:app.aiProviders` lists it. */
export function aiKeySecret(provider: AiProvider): SecretSpec {
  return { key: `promptandpause:${provider}ApiKey`, description: `${provider} API key used by the app's AI features` };
}

/** All secret keys the schema knows (so they are not reported as unknown keys). */
export function knownSecretKeys(): string[] {
  return [...Object.values(REQUIRED_SECRETS).map((s) => s.key), ...AI_PROVIDERS.map((p) => aiKeySecret(p).key)];
}

/** The command that fixes a missing or plaintext secret. */
export function setSecretHint(key: string): string {
  return `Set it with: pulumi config set --secret ${key} <value>`;
}

/** Secrets handed to the platform: only ever secret Outputs. */
export interface PlatformSecrets {
  required: Record<RequiredSecretName, pulumi.Output<string>>;
  aiApiKeys: Partial<Record<AiProvider, pulumi.Output<string>>>;
}
