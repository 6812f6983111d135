/**
 * Cloudflare Rules-language expressions built from data (path patterns, header values), so no
 * component writes an expression by hand. Only fields and functions every plan accepts are used,
 * except `matches` (Business and above), which callers gate on the plan.
 */

/** A path pattern from configuration: `/exact`, `/prefix/*` or `*.ext` / `/*.ext` (suffix). */
export type PathPattern = { kind: "exact"; value: string } | { kind: "prefix"; value: string } | { kind: "suffix"; value: string };

/** The field every path match uses (rate-limit rules on Free/Pro may only use the path). */
export const PATH_FIELD = "http.request.uri.path";

/**
 * Characters of a URL path (RFC 3986 §3.3: `pchar` = unreserved / pct-encoded / sub-delims / ":" /
 * "@", and "/"), ASCII only. Cloudflare compares `http.request.uri.path` with the path as sent,
 * percent-encoded, so a pattern with a raw non-ASCII, control or bidi character never matches
 * and only hides what it names; `"` and `\` cannot occur (they would also end the string literal).
 */
export const URL_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]+$/;

export const URL_PATH_PROBLEM = "may contain only URL path characters (RFC 3986: letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ % /); percent-encode anything else";

/** Longest path pattern accepted (a route is far shorter; Cloudflare's whole expression is at most 4,096 characters). */
export const MAX_PATH_PATTERN_LENGTH = 256;

/** Problem with a pattern, or undefined when it is valid. `allowSuffix` permits `*.ext`. */
export function pathPatternProblem(pattern: string, allowSuffix = false): string | undefined {
  if (pattern.length > MAX_PATH_PATTERN_LENGTH) return `must be at most ${MAX_PATH_PATTERN_LENGTH} characters`;
  if (/[\s"\\]/.test(pattern)) return "must not contain spaces, quotes or backslashes";
  if (!URL_PATH.test(pattern)) return URL_PATH_PROBLEM;
  if (/^\/?\*\.[A-Za-z0-9]+$/.test(pattern)) return allowSuffix ? undefined : "suffix patterns (*.ext) are only allowed for cache rules";
  if (!pattern.startsWith("/")) return 'must start with "/" (e.g. "/api/auth/*" or "/api/health")';
  const star = pattern.indexOf("*");
  if (star !== -1 && !(star === pattern.length - 1 && pattern.endsWith("/*"))) return 'may only end with "/*" (prefix match); no other wildcards';
  return undefined;
}

/** Parses a valid pattern (see {@link pathPatternProblem}). */
export function parsePathPattern(pattern: string): PathPattern {
  const problem = pathPatternProblem(pattern, true);
  if (problem) throw new Error(`path pattern ${JSON.stringify(pattern)} ${problem}`);
  const suffix = /^\/?\*(\.[A-Za-z0-9]+)$/.exec(pattern);
  if (suffix?.[1]) return { kind: "suffix", value: suffix[1] };
  if (pattern.endsWith("/*")) return { kind: "prefix", value: pattern.slice(0, -1) };
  return { kind: "exact", value: pattern };
}

/** A string literal in the Rules language. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The expression matching one pattern. */
export function pathExpression(pattern: string): string {
  const p = parsePathPattern(pattern);
  if (p.kind === "exact") return `${PATH_FIELD} eq ${quote(p.value)}`;
  if (p.kind === "prefix") return `starts_with(${PATH_FIELD}, ${quote(p.value)})`;
  return `ends_with(${PATH_FIELD}, ${quote(p.value)})`;
}

/** The expression matching any of the patterns (parenthesised when more than one). */
export function anyPathExpression(patterns: readonly string[]): string {
  if (patterns.length === 0) throw new Error("anyPathExpression needs at least one pattern");
  const parts = patterns.map(pathExpression);
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" or ")})`;
}

/** Whether a concrete path matches a pattern (the same semantics as the generated expression). */
export function pathMatches(pattern: string, path: string): boolean {
  const p = parsePathPattern(pattern);
  if (p.kind === "exact") return path === p.value;
  if (p.kind === "prefix") return path.startsWith(p.value);
  return path.endsWith(p.value);
}

/**
 * Whether every path matched by `inner` is also matched by `outer` (and the two differ): used to
 * exclude more specific route classes from broader ones, and to find cache rules that would touch
 * private paths.
 */
export function patternContains(outer: string, inner: string): boolean {
  if (outer === inner) return false;
  const o = parsePathPattern(outer);
  const i = parsePathPattern(inner);
  if (o.kind === "prefix") return (i.kind === "prefix" || i.kind === "exact") && i.value.startsWith(o.value);
  if (o.kind === "suffix") return i.kind === "exact" && i.value.endsWith(o.value);
  return false;
}

/** Whether some path can match both patterns. */
export function patternsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parsePathPattern(a);
  const pb = parsePathPattern(b);
  if (pa.kind === "exact") return pathMatches(b, pa.value);
  if (pb.kind === "exact") return pathMatches(a, pb.value);
  if (pa.kind === "prefix" && pb.kind === "prefix") return pa.value.startsWith(pb.value) || pb.value.startsWith(pa.value);
  // A prefix and a suffix always share paths (`/prefix/x.ext`); two different suffixes may too (`.js`, `.min.js`).
  if (pa.kind === "suffix" && pb.kind === "suffix") return pa.value.endsWith(pb.value) || pb.value.endsWith(pa.value);
  return true;
}

/**
 * A regular expression matching decimal integers strictly greater than `n` (no leading zeros),
 * for comparing a header such as Content-Length with a number: the Rules language has no
 * string-to-number conversion for headers.
 */
export function greaterThanRegex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`greaterThanRegex needs a non-negative integer (got ${n})`);
  const digits = String(n);
  const len = digits.length;
  const alternatives: string[] = [`[1-9][0-9]{${len},}`];
  for (let i = 0; i < len; i++) {
    const d = Number(digits[i]);
    const low = d + 1;
    if (low > 9) continue;
    if (i === 0 && len > 1 && low === 0) continue;
    const head = digits.slice(0, i);
    const range = low === 9 ? "9" : `[${low}-9]`;
    const rest = len - i - 1;
    alternatives.push(`${head}${range}${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  return `^(${alternatives.join("|")})$`;
}
