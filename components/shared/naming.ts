/**
 * Physical (cloud-side) names. Every service has its own length and character rules; this is
 * the one place that knows them, so no component concatenates names by hand and no name is
 * rejected by a provider halfway through an `up`.
 */

export interface NamingRule {
  /** Longest name the service accepts. */
  maxLength: number;
  /** Characters the service accepts (applied after lower-casing when `lowercase`). */
  allowed: RegExp;
  /** Force lower case (Vercel project names, DNS-like names). */
  lowercase: boolean;
  /** Where the rule comes from, for reviewers. */
  source: string;
}

/** Services whose names we generate, with their documented limits. */
export const NAMING_RULES = {
  /** Vercel: up to 100 chars, lowercase letters, digits, `.`, `_`, `-`; no `---`. */
  "vercel-project": { maxLength: 100, allowed: /[a-z0-9._-]/, lowercase: true, source: "Vercel project name rules" },
  /** Supabase Management API: `V1CreateProjectBody.name` maxLength 256. */
  "supabase-project": { maxLength: 256, allowed: /[a-zA-Z0-9 ._-]/, lowercase: false, source: "management-api-v1 V1CreateProjectBody.name" },
  /** Cloudflare health checks: alphanumerics, hyphens and underscores only. */
  "cloudflare-healthcheck": { maxLength: 100, allowed: /[a-z0-9_-]/, lowercase: true, source: "Cloudflare Healthchecks API name" },
  /** Cloudflare rulesets: free text, kept short and readable in the dashboard. */
  "cloudflare-ruleset": { maxLength: 100, allowed: /[a-zA-Z0-9 ._:()-]/, lowercase: false, source: "Cloudflare Rulesets API name" },
  /** Vercel log drains and other Vercel integrations share the project rule. */
  "vercel-log-drain": { maxLength: 100, allowed: /[a-z0-9._-]/, lowercase: true, source: "Vercel log drain name" },
} as const satisfies Record<string, NamingRule>;

export type NamedService = keyof typeof NAMING_RULES;

/**
 * Builds a physical name from parts (`["promptandpause", "prod", "web"]` → `promptandpause-prod-web`),
 * dropping characters the service refuses and shortening over-long names with a stable hash
 * suffix so two long names never collide.
 */
export function physicalName(service: NamedService, parts: readonly string[]): string {
  const rule: NamingRule = NAMING_RULES[service];
  const joined = parts.filter((p) => p.length > 0).join("-");
  const cased = rule.lowercase ? joined.toLowerCase() : joined;
  let cleaned = [...cased].map((ch) => (rule.allowed.test(ch) ? ch : "-")).join("");
  cleaned = cleaned.replace(/-{2,}/g, "-").replace(/^[-._ ]+|[-._ ]+$/g, "");
  if (cleaned.length === 0) throw new Error(`physicalName(${service}): no usable characters in ${JSON.stringify(parts)}`);
  if (cleaned.length <= rule.maxLength) return cleaned;
  const suffix = shortHash(cleaned);
  const head = cleaned.slice(0, rule.maxLength - suffix.length - 1).replace(/[-._ ]+$/, "");
  return `${head}-${suffix}`;
}

/** 8 hex chars of FNV-1a: stable across runs and machines, enough to keep shortened names apart. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
