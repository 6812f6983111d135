/**
 * Recognises values that are secrets by their shape. Returns only the kind of secret, never the
 * value, so a violation message can name what was found without leaking it.
 */

const VALUE_PATTERNS: { kind: string; re: RegExp }[] = [
  { kind: "Stripe secret or restricted key", re: /\b[sr]k_(live|test)_[0-9A-Za-z]{10,}/ },
  { kind: "Stripe webhook signing secret", re: /\bwhsec_[0-9A-Za-z]{10,}/ },
  { kind: "Anthropic API key", re: /\bsk-ant-[0-9A-Za-z_-]{16,}/ },
  { kind: "OpenAI-style API key", re: /\bsk-(proj-)?[0-9A-Za-z_-]{20,}/ },
  { kind: "Resend API key", re: /\bre_[0-9A-Za-z_]{16,}/ },
  { kind: "Supabase secret key", re: /\bsb_secret_[0-9A-Za-z_-]{10,}/ },
  { kind: "private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: "database URL with a password", re: /\bpostgres(ql)?:\/\/[^:/\s]+:[^@\s]+@/ },
  { kind: "AWS secret access key assignment", re: /aws_secret_access_key\s*[=:]/i },
];

/** Decodes a base64url segment; undefined when it is not valid base64url. */
function base64UrlDecode(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  const b64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let bits = 0;
  let buffer = 0;
  let out = "";
  for (const ch of b64) {
    buffer = (buffer << 6) | alphabet.indexOf(ch);
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

/** The kind of secret the value looks like, or undefined. */
export function secretKind(value: string): string | undefined {
  if (isServiceRoleJwt(value)) return "Supabase service-role JWT";
  return VALUE_PATTERNS.find((p) => p.re.test(value))?.kind;
}

/** The first pattern (case-insensitive regular expression) the name matches, or undefined. */
export function matchingPattern(name: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => new RegExp(p, "i").test(name));
}
