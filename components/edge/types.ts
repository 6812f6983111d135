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
