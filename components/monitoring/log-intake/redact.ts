/**
 * Redaction of secrets and tokens in log lines, before they are stored. The shapes of the
 * platform's own secrets come from the repository's one secret detector
 * (policies/lib/secrets.ts, used by the config check and the policy pack); this adds the shapes
 * that only appear in logs (bearer tokens, JWTs, AWS access key ids, tokens in query strings,
 * whole PEM blocks) and redacts by key name in structured metadata.
 */
import { SECRET_VALUE_PATTERNS } from "../../../policies/lib/secrets";

interface Redaction {
  kind: string;
  re: RegExp;
  /** Replacement; `$1` keeps a captured prefix (the header name, the query key). */
  replace: string;
}

/** Log-only shapes, checked before the shared ones (a JWT inside `Bearer …` is one redaction). */
const LOG_REDACTIONS: readonly Redaction[] = [
  // A whole PEM private key, not just its header.
  { kind: "private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, replace: "[REDACTED:private key]" },
  // `Authorization: Bearer <token>` / `Basic <b64>` (RFC 6750 b64token charset, RFC 7617).
  { kind: "bearer token", re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi, replace: "$1 [REDACTED]" },
  // JSON Web Tokens (Supabase access/refresh JWTs, the anon and service-role keys).
  { kind: "JWT", re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: "[REDACTED:JWT]" },
  // AWS access key ids (long-term AKIA…, temporary ASIA…): 20 upper-case alphanumerics.
  { kind: "AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: "[REDACTED:AWS access key id]" },
  // The value after `aws_secret_access_key =` (the shared detector matches only the key name).
  { kind: "AWS secret access key", re: /(aws_secret_access_key\s*[=:]\s*)["']?[A-Za-z0-9/+=]+["']?/gi, replace: "$1[REDACTED]" },
  // Tokens in query strings: `?access_token=…`, `&apikey=…`, `&code=…` (OAuth codes), `&password=…`.
  {
    kind: "query token",
    re: /([?&](?:access_token|refresh_token|id_token|token|apikey|api_key|key|code|password|secret|signature)=)[^&\s"'#]+/gi,
    replace: "$1[REDACTED]",
  },
];

/** The shared detector's shapes, made global so every occurrence is replaced. */
const SHARED_REDACTIONS: readonly Redaction[] = SECRET_VALUE_PATTERNS.map((p) => ({
  kind: p.kind,
  re: new RegExp(p.re.source, p.re.flags.includes("g") ? p.re.flags : `${p.re.flags}g`),
  replace: `[REDACTED:${p.kind}]`,
}));

const REDACTIONS: readonly Redaction[] = [...LOG_REDACTIONS, ...SHARED_REDACTIONS];

/** Metadata keys whose values are secret whatever they look like (matched case-insensitively). */
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|x-api-key|x-vercel-signature|stripe-signature|private_key)$/i;

/** Every secret- or token-shaped part of `text` replaced by `[REDACTED…]`. */
export function redactText(text: string): string {
  let out = text;
  for (const r of REDACTIONS) out = out.replace(r.re, r.replace);
  return out;
}

/** Kinds of secret found in `text` (for counting; never the values). */
export function redactionKinds(text: string): string[] {
  return REDACTIONS.filter((r) => new RegExp(r.re.source, r.re.flags.replace("g", "")).test(text)).map((r) => r.kind);
}

/** A deep copy of `value` with secret keys blanked and every string redacted. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[REDACTED]" : redactValue(v, depth + 1);
  return out;
}

/** {@link redactValue} for a metadata object. */
export function redactMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  return redactValue(metadata) as Record<string, unknown>;
}
