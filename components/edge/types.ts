import type * as cloudflare from "@pulumi/cloudflare";

/** A ruleset rule as the provider takes it (plain values; the SDK's camelCase input names). */
export type RuleSpec = cloudflare.types.input.RulesetRule;

/** Ruleset phases the edge layer owns. Only one entrypoint ruleset per phase may exist in a zone: one component owns each. */
export const PHASES = {
  managedWaf: "http_request_firewall_managed",
  customWaf: "http_request_firewall_custom",
  rateLimit: "http_ratelimit",
  cache: "http_request_cache_settings",
  responseHeaders: "http_response_headers_transform",
  compression: "http_response_compression",
  redirect: "http_request_dynamic_redirect",
} as const;

export type Phase = (typeof PHASES)[keyof typeof PHASES];

/** Values of Cloudflare's `min_tls_version` zone setting, oldest first. */
export const MIN_TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
export type MinTlsVersion = (typeof MIN_TLS_VERSIONS)[number];

/**
 * Tiered Cache modes: off, on with the Generic Global topology, or on with the Smart topology
 * (see `promptandpause:edge.tieredCache` for which fits an anycast origin such as Vercel).
 */
export const TIERED_CACHE_MODES = ["off", "generic", "smart"] as const;
export type TieredCacheMode = (typeof TIERED_CACHE_MODES)[number];

/** Strict-Transport-Security as the zone's `security_header` setting and the header rule send it. */
export interface HstsSettings {
  /** Send HSTS at all. Security: off lets a network attacker downgrade a returning visitor to plain HTTP. */
  enabled: boolean;
  /** max-age in seconds (0 makes browsers forget the site's entry). */
  maxAgeSeconds: number;
  /** Cover every subdomain too. */
  includeSubdomains: boolean;
  /** Ask for the browsers' preload lists (hard to undo). */
  preload: boolean;
}
