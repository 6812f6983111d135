/**
 * The ElastiCache AUTH token rules, written once: the generator's settings and the check that a
 * token (or the generator's alphabet) obeys them.
 *
 * Source: ElastiCache API reference, CreateReplicationGroup `AuthToken` ("Must be only printable
 * ASCII characters. Must be at least 16 characters and no more than 128 characters in length. The
 * only permitted printable special characters are !, &, #, $, ^, <, >, and -"), and the ElastiCache
 * user guide "Authenticating with the Valkey and Redis OSS AUTH command" (same list). The looser
 * reading "printable ASCII except space, '"', '/', '@'" is an older wording: it would let
 * `RandomPassword` pick `%`, `*` or `:`, which the current API refuses.
 */

/** Every special character ElastiCache accepts in an AUTH token. */
export const ELASTICACHE_AUTH_SPECIALS = "!&#$^<>-";

/**
 * The specials the generator uses: the subset of {@link ELASTICACHE_AUTH_SPECIALS} that RFC 3986
 * allows unescaped in a URL's userinfo (`!`, `$`, `&`, `-`), so `rediss://:<token>@host` works in
 * every Redis client without percent-decoding (`#` would start a fragment; `^ < >` are not URL
 * characters at all).
 */
export const AUTH_TOKEN_SPECIALS = "!$&-";

/** Token length: long enough for ~380 bits of entropy, well inside ElastiCache's 16–128. */
export const AUTH_TOKEN_LENGTH = 64;

export const AUTH_TOKEN_LIMITS = { minLength: 16, maxLength: 128 } as const;

const ALLOWED = new RegExp(`^[A-Za-z0-9${ELASTICACHE_AUTH_SPECIALS.replace(/[\^\-\]\\]/g, "\\$&")}]*$`);

/** Why ElastiCache would refuse `token` as an AUTH token, or undefined when it accepts it. Never echoes the token. */
export function authTokenProblem(token: string): string | undefined {
  if (token.length < AUTH_TOKEN_LIMITS.minLength || token.length > AUTH_TOKEN_LIMITS.maxLength) {
    return `must be ${AUTH_TOKEN_LIMITS.minLength}-${AUTH_TOKEN_LIMITS.maxLength} characters (got ${token.length})`;
  }
  if (!ALLOWED.test(token)) return `may contain only letters, digits and ${ELASTICACHE_AUTH_SPECIALS.split("").join(" ")}`;
  return undefined;
}
