import { z } from "zod";
import { hasHostBits, parseCidr, parseIpv4, parseIpv6 } from "../../policies/lib/cidr";

/**
 * Zod building blocks shared by the layer schemas.
 *
 * Every string a stack file sets reaches a provider (a header value, a DNS record, a Cloudflare
 * expression, a Git ref, a URL), so every string setting is a {@link safeText}: a length bound and
 * the characters that provider accepts, written once per kind of value with its source. A test
 * (tests/config/schema-strings.test.ts) walks the whole schema and fails on any other string.
 */

export interface TextRule {
  /** Most characters. */
  max: number;
  /** Fewest characters. @default 1 */
  min?: number;
  /** The characters, and shape, allowed: an anchored regular expression. */
  pattern: RegExp;
  /** The problem when `pattern` does not match, e.g. `must be a lowercase DNS domain like promptandpause.com`. */
  problem: string;
  /** A further check on a value of the right shape (a URL parse, Git's ref rules): its problem, or undefined. */
  check?: (value: string) => string | undefined;
}

const SAFE_TEXT = new WeakSet<object>();

/** A string setting with a length bound and a charset: one issue per value, the first problem found. */
export function safeText(rule: TextRule): z.ZodString {
  const min = rule.min ?? 1;
  const schema = z.string().superRefine((value, ctx) => {
    let problem: string | undefined;
    if (value.length < min) problem = min === 1 ? "must not be empty" : `must be at least ${min} characters`;
    else if (value.length > rule.max) problem = `must be at most ${rule.max} characters`;
    else if (!rule.pattern.test(value)) problem = rule.problem;
    else problem = rule.check?.(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
  SAFE_TEXT.add(schema);
  return schema;
}

/** Whether a schema was built by {@link safeText} (the schema-strings test). */
export function isSafeText(schema: object): boolean {
  return SAFE_TEXT.has(schema);
}

/**
 * Characters a Cloudflare response-header transform accepts in a header value: letters, digits,
 * space and `_ :;.,\/"'?!(){}[]@<>=-+*#$&`|~^%` ("Format of HTTP response header names and
 * values", developers.cloudflare.com/rules/transform/response-header-modification/reference/
 * header-format). A subset of RFC 9110 §5.5's field-value: no CR, LF, NUL or other controls.
 */
export const HEADER_VALUE = /^[A-Za-z0-9_ :;.,\\/"'?!(){}[\]@<>=+*#$&`|~^%-]+$/;

/**
 * Characters of a URL path (RFC 3986 §3.3: `pchar` = unreserved / pct-encoded / sub-delims / ":" /
 * "@", and "/"): ASCII only. Cloudflare compares `http.request.uri.path` with the path as sent,
 * percent-encoded, so a pattern with a raw non-ASCII, control or bidi character never matches.
 */
export const URL_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]+$/;

/** A DNS host name as the providers store it (RFC 1035 §2.3.4 lengths): lowercase labels, no trailing dot. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const hostName = safeText({ max: 253, pattern: HOST_NAME, problem: 'must be a lowercase host name without a trailing dot, like "smtp.google.com"' });

/** RFC 5321 §4.5.3.1.3: a path (and so an address) is at most 254 characters usable. */
const emailSchema = z.email();
export const email = safeText({
  max: 254,
  pattern: /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]+$/,
  problem: "must be an email address like ops@promptandpause.com",
  check: (v) => (emailSchema.safeParse(v).success ? undefined : "must be an email address like ops@promptandpause.com"),
});

/**
 * URL characters (RFC 3986 §2: unreserved, reserved and "%"), ASCII only. WHATWG URL parsing drops
 * tabs and newlines and so "accepts" a URL the provider then receives with them: test the text.
 */
const URL_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/** An absolute URL with one of the schemes; at most 2,048 characters (what browsers and the providers' forms take). */
export function url(schemes: readonly ("http" | "https")[], problem: string, hostCheck?: (hostname: string) => string | undefined) {
  return safeText({
    max: 2048,
    pattern: URL_TEXT,
    problem,
    check: (v) => {
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        return problem;
      }
      if (!schemes.includes(parsed.protocol.slice(0, -1) as "http" | "https") || parsed.hostname === "") return problem;
      const hostProblem = hostCheck?.(parsed.hostname);
      return hostProblem ? `host ${parsed.hostname} ${hostProblem}` : undefined;
    },
  });
}

export const httpsUrl = url(["https"], "must be an https:// URL");

/** An https:// URL an outside service (Vercel's log drain, a webhook sender) can reach: a public host, never a private, loopback or CGNAT address. */
export const publicHttpsUrl = url(["https"], "must be an https:// URL", (host) => nonPublicHostProblem(host));

/**
 * Addresses no outside service can reach or may be sent to (RFC 6890 special-purpose registries,
 * IANA IPv4/IPv6 Special-Purpose Address Registries): "this network", private (RFC 1918), shared
 * CGNAT space (RFC 6598), loopback, link-local, IETF protocol assignments, documentation and
 * benchmarking ranges, multicast and reserved; IPv6 unspecified, loopback, IPv4-mapped and
 * -translated, discard, unique-local (RFC 4193), link-local and multicast.
 */
const NON_PUBLIC_RANGES = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
  "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
  "::/127", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
].map((c) => parseCidr(c) as NonNullable<ReturnType<typeof parseCidr>>);

/** Host names that never resolve to a public service (RFC 6761 special-use names, RFC 8375 home.arpa, the ICANN-reserved .internal). */
const NON_PUBLIC_NAMES = /(^|\.)(localhost|local|localdomain|internal|home\.arpa|invalid|test|example|onion)$/;

/** Why a URL host is not a public internet host, or undefined when it is. `host` is WHATWG URL's `hostname` (IPv6 in brackets). */
export function nonPublicHostProblem(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  const v6 = h.startsWith("[") ? parseIpv6(h.slice(1, -1)) : undefined;
  const address = v6 !== undefined ? { version: 6 as const, value: v6 } : parseIpv4(h) !== undefined ? { version: 4 as const, value: parseIpv4(h) as bigint } : undefined;
  if (address) {
    const range = NON_PUBLIC_RANGES.find((r) => r.version === address.version && address.value >= r.start && address.value <= r.end);
    return range ? `is in ${range.text}, an address range that is not on the public internet` : undefined;
  }
  if (NON_PUBLIC_NAMES.test(h) || !h.includes(".")) return "is not a public internet host name";
  return undefined;
}

/** IPv4 or IPv6 CIDR block, network address only (`10.0.0.1/16` would be widened or refused). */
export const cidr = safeText({
  max: 49,
  pattern: /^[0-9A-Fa-f:./]+$/,
  problem: "must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32",
  check: (v) => {
    const block = parseCidr(v);
    if (!block) return "must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32";
    return hasHostBits(v) ? `has host bits set; the block is ${block.text}` : undefined;
  },
});

/**
 * Why a Git branch name is refused, or undefined: `git check-ref-format --branch` rules (no
 * control characters, space, `~ ^ : ? * [ \`, no `..`, `@{`, `//`, no component starting with `.`
 * or ending with `.lock`, not starting with `-` or `/`, not ending with `/` or `.`, not `@`).
 */
export function gitBranchProblem(name: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Git refuses control characters
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return "contains a character Git refuses in branch names (space, control, ~ ^ : ? * [ \\)";
  if (name.includes("..") || name.includes("@{") || name.includes("//")) return 'contains "..", "@{" or "//", which Git refuses in branch names';
  if (name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".") || name === "@") return 'must not start with "-" or "/", or end with "/" or "."';
  if (name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) return 'has a component starting with "." or ending with ".lock", which Git refuses';
  return undefined;
}

/** Who is told about what (guide: "Network contacts", "Emergency contacts"). */
export const contactsSchema = z.strictObject({
  /** Operations on-call: health-check and alert notifications. */
  operations: email,
  /** Security team: WAF and abuse reports. */
  security: email,
  /** Receives DMARC aggregate reports for the mail domain. */
  dmarcReports: email,
});
