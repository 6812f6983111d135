/**
 * Server-to-server webhooks (Stripe) at the edge: which requests are exempt from the per-client
 * API rate-limit class and from the OWASP Core Ruleset, and the separate limit they get instead.
 *
 * Why (docs/edge.md, "Webhooks"): Stripe posts from its own few IPs, authenticates every post with a
 * signature the app verifies, and retries refused deliveries with exponential backoff for up to three
 * days. A burst of renewals from one Stripe IP would exceed the API class (100/min, burst 200), and
 * event JSON carries free text (names, descriptions, metadata) that trips OWASP anomaly scoring.
 *
 * The exemption is exactly: `http.request.uri.path` equal to one of the app's webhook paths, AND
 * method POST, AND (when configured) `ip.src` in Stripe's published webhook IPs. A GET, another
 * path, or a sub-path (`/api/webhooks/stripe/x`) is not exempt. The custom WAF rules (the guide's
 * four families) and the Cloudflare Managed Ruleset still run on exempt requests.
 */
import { hasHostBits, parseCidr, parseIpv4, parseIpv6 } from "../../policies/lib/cidr";
import { pathPatternProblem, quote } from "./expressions";

/** Class name of the webhook limit in rule refs: `rate-limit-webhooks` (reserved: no configured class may use it). */
export const WEBHOOK_RATE_LIMIT_CLASS = "webhooks";

/** The only method the exemption covers: webhook deliveries are POSTs. */
export const WEBHOOK_METHOD = "POST";

export interface WebhookExemption {
  /** Exact request paths of the app's webhook routes (`AppOutputs.webhookPaths`, e.g. `/api/webhooks/stripe`). */
  paths: readonly string[];
  /**
   * Source IPs/CIDRs the exemption is further limited to (Stripe's published webhook IPs). Empty:
   * any source (the app's signature check is the authentication).
   */
  sourceIps: readonly string[];
  /** Sustained requests per minute per client (IP, per Cloudflare data center) on the webhook paths. */
  requestsPerMinute: number;
  /** Requests a client may send at once on the webhook paths. */
  burst: number;
}

/** Problem with a webhook path, or undefined: it must be an exact path (no wildcard), as the exemption is exact. */
export function webhookPathProblem(path: string): string | undefined {
  const problem = pathPatternProblem(path);
  if (problem) return problem;
  if (path.includes("*")) return 'must be an exact path (no "*"): the exemption covers exactly the webhook route';
  return undefined;
}

/**
 * Problem with a source address, or undefined: an IPv4/IPv6 address or CIDR block as the Rules
 * language takes it in `ip.src in {…}` (policies/lib/cidr.ts parses it: `:::` or `1.2.3.4.5` are
 * not addresses), with no host bits set in a block (`3.18.12.63/16` would silently mean
 * 3.18.0.0/16, 65,536 addresses exempt instead of one).
 */
export const SOURCE_IP_PROBLEM = 'must be an IPv4 or IPv6 address or CIDR, e.g. "3.18.12.63" or "2600:1f18::/32"';

export function sourceIpProblem(value: string): string | undefined {
  const example = SOURCE_IP_PROBLEM;
  if (value.length > 49) return example;
  if (!value.includes("/")) return parseIpv4(value) !== undefined || parseIpv6(value) !== undefined ? undefined : example;
  const block = parseCidr(value);
  if (!block) return example;
  return hasHostBits(value) ? `has host bits set (the block is ${block.text}); write the block's network address, or the single address without a prefix` : undefined;
}

/** Throws, naming the bad value and the fix, when the exemption cannot be expressed exactly. */
export function assertWebhookExemption(ex: WebhookExemption, where: string): void {
  if (ex.paths.length === 0) throw new Error(`${where}: webhook exemption needs at least one path (got []); pass AppOutputs.webhookPaths, or no exemption at all.`);
  for (const p of ex.paths) {
    const problem = webhookPathProblem(p);
    if (problem) throw new Error(`${where}: webhook path ${JSON.stringify(p)} ${problem}. Fix promptandpause:app.stripe.webhookPath.`);
  }
  for (const ip of ex.sourceIps) {
    const problem = sourceIpProblem(ip);
    if (problem) throw new Error(`${where}: webhook source IP ${JSON.stringify(ip)} ${problem}. Fix promptandpause:edge.webhooks.sourceIps.`);
  }
}

/**
 * The exempt requests, as a conjunction every reader can check without evaluating it:
 * `http.request.uri.path eq "/api/webhooks/stripe" and http.request.method eq "POST"`
 * (`in {…}` for several paths), plus `and ip.src in {…}` when source IPs are configured.
 */
export function webhookExemptionExpression(ex: Pick<WebhookExemption, "paths" | "sourceIps">): string {
  if (ex.paths.length === 0) throw new Error("webhookExemptionExpression needs at least one path");
  const paths = [...new Set(ex.paths)];
  const path = paths.length === 1 ? `http.request.uri.path eq ${quote(paths[0] as string)}` : `http.request.uri.path in {${paths.map(quote).join(" ")}}`;
  const parts = [path, `http.request.method eq ${quote(WEBHOOK_METHOD)}`];
  if (ex.sourceIps.length > 0) parts.push(`ip.src in {${[...new Set(ex.sourceIps)].join(" ")}}`);
  return parts.join(" and ");
}
