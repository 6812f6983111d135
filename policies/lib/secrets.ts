/**
 * Recognises values that are secrets by their shape. This is the ONE secret-value detector of the
 * repository: the policy pack's `vercel-env-secrets` uses it on planned env vars, and the stack
 * configuration's `publicEnv` check (`stacks/schema/app.ts`) imports it from here, so the two can
 * never disagree. It lives in the policy pack because the pack must stay self-contained (nothing
 * under `policies/` imports from outside it); the root may import from the pack.
 *
 * Results name only the kind of secret, never the value, so messages can say what was found
 * without leaking it.
 */

/** One value shape of a well-known secret. */
export interface SecretValuePattern {
  /** What was found, read after "a"/"an" in messages (see {@link withArticle}). */
  kind: string;
  /** Matches anywhere in the value (values may be pasted with surrounding text). */
  re: RegExp;
}

/**
 * Value shapes of well-known secrets, checked in order (the first match names the kind). Each
 * is justified below; when adding one, add a row to tests/policies/secret-values.test.ts (a test
 * there fails until every kind has a row).
 */
export const SECRET_VALUE_PATTERNS: readonly SecretValuePattern[] = [
  // Stripe secret (`sk_live_…`/`sk_test_…`) and restricted (`rk_…`) API keys: full or scoped
  // access to the Stripe account. Publishable keys (`pk_…`) are public by design and not matched.
  { kind: "Stripe secret or restricted key", re: /\b[sr]k_(live|test)_[0-9A-Za-z]+/ },
  // Stripe webhook signing secrets (`whsec_…`): whoever holds one can forge webhook events.
  { kind: "Stripe webhook signing secret", re: /\bwhsec_[0-9A-Za-z]+/ },
  // Resend API keys: `re_<8-char id>_<secret>` today; a long `re_` token without the separator
  // is matched too (the older shape), so mail cannot be sent in the app's name.
  { kind: "Resend API key", re: /\bre_(?:[0-9A-Za-z]{8,}_[0-9A-Za-z]+|[0-9A-Za-z_]{16,})/ },
  // Supabase secret API keys (`sb_secret_…`, the successor of the service-role JWT): bypass RLS.
  { kind: "Supabase secret key", re: /\bsb_secret_[0-9A-Za-z_-]+/ },
  // Anthropic API keys (`sk-ant-…`). Before OpenAI's: `sk-ant-…` also fits the OpenAI shape.
  { kind: "Anthropic API key", re: /\bsk-ant-[0-9A-Za-z_-]{16,}/ },
  // OpenAI API keys: legacy `sk-…` and project keys `sk-proj-…`. Spend on the account's bill.
  { kind: "OpenAI API key", re: /\bsk-(proj-)?[0-9A-Za-z_-]{16,}/ },
  // Google API keys (`AIza` + 35 characters), here the Gemini key of GOOGLE_GENERATIVE_AI_API_KEY,
  // which bills AI usage. (Browser Maps/Firebase keys share the shape; this app has none.)
  { kind: "Google API key", re: /\bAIza[0-9A-Za-z_-]{30,}/ },
  // A URL whose user-info carries a password, any scheme: `postgres://user:pw@…` (database
  // connection strings), `rediss://default:pw@…` (the app's REDIS_URL), `https://u:pw@…`. The
  // password may not contain `/`, which RFC 3986 requires to be percent-encoded there; so
  // `https://host:443/users/@alice` (a port, then a path with `@`) is not a credential.
  { kind: "URL with a password", re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i },
  // PEM private keys (RSA, EC, PKCS#8, OpenSSH): the header alone proves it.
  { kind: "private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  // A pasted AWS credentials-file or env line (`aws_secret_access_key = …`).
  { kind: "AWS secret access key assignment", re: /aws_secret_access_key\s*[=:]/i },
];

/**
 * Kind reported for a Supabase service-role JWT. Detected by decoding the payload's `role`
 * claim, not by the JWT shape: the anon key is a JWT too and is public by design.
 */
export const SERVICE_ROLE_JWT_KIND = "Supabase service-role JWT";

/** Every kind {@link secretKind} can return. */
export const SECRET_KINDS: readonly string[] = [SERVICE_ROLE_JWT_KIND, ...SECRET_VALUE_PATTERNS.map((p) => p.kind)];

/** Decodes a base64url segment; undefined when it is not valid base64url. */
function base64UrlDecode(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  const b64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let bits = 0;
  let buffer = 0;
  let out = "";
  for (const ch of b64) {
    buffer = ((buffer << 6) | alphabet.indexOf(ch)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/** True for a JWT whose payload claims `role: "service_role"` (Supabase's RLS-bypassing key). */
function isServiceRoleJwt(value: string): boolean {
  const parts = value.trim().split(".");
  if (parts.length !== 3 || !parts[1]) return false;
  const payload = base64UrlDecode(parts[1]);
  if (!payload) return false;
  try {
    const claims = JSON.parse(payload) as { role?: unknown };
    return claims.role === "service_role";
  } catch {
    return false;
  }
}

/** The kind of secret the value looks like, or undefined. Never returns the value. */
export function secretKind(value: string): string | undefined {
  if (isServiceRoleJwt(value)) return SERVICE_ROLE_JWT_KIND;
  return SECRET_VALUE_PATTERNS.find((p) => p.re.test(value))?.kind;
}

/**
 * "a Stripe …" / "an OpenAI …": the kind with its indefinite article, for messages. By sound:
 * kinds starting with A, E, I or O take "an"; "U" here is "you" (URL), so it takes "a".
 */
export function withArticle(kind: string): string {
  return `${/^[AEIO]/i.test(kind) ? "an" : "a"} ${kind}`;
}

/** The first pattern (case-insensitive regular expression) the name matches, or undefined. */
export function matchingPattern(name: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => new RegExp(p, "i").test(name));
}
