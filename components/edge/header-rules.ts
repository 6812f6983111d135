/**
 * Response headers as data (`http_response_headers_transform`): the guide's three API security
 * headers plus Referrer-Policy and Permissions-Policy on every response (API and pages), and the
 * private browser TTL of per-user endpoints (DESIGN.md: `/api/user/profile` is never edge-cached).
 */
import { pathExpression } from "./expressions";
import type { HstsSettings, RuleSpec } from "./types";

export interface HeaderSettings {
  /** With `enabled: false` the rule removes Strict-Transport-Security (the origin sets it too). */
  hsts: HstsSettings;
  referrerPolicy: string;
  permissionsPolicy: string;
  privateBrowserTtls: ReadonlyArray<{ path: string; maxAgeSeconds: number }>;
}

export function hstsValue(hsts: HeaderSettings["hsts"]): string {
  return [`max-age=${hsts.maxAgeSeconds}`, hsts.includeSubdomains ? "includeSubDomains" : "", hsts.preload ? "preload" : ""].filter(Boolean).join("; ");
}

/** The headers every response carries (no Strict-Transport-Security when HSTS is off). */
export function securityHeaders(settings: HeaderSettings): Record<string, string> {
  return {
    ...(settings.hsts.enabled ? { "Strict-Transport-Security": hstsValue(settings.hsts) } : {}),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": settings.referrerPolicy,
    "Permissions-Policy": settings.permissionsPolicy,
  };
}

export function headerRules(settings: HeaderSettings): RuleSpec[] {
  const set = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { operation: "set", value }]));
  // HSTS off must mean off: the origin sends its own copy, so the edge strips it.
  const removed: Record<string, { operation: string }> = settings.hsts.enabled ? {} : { "Strict-Transport-Security": { operation: "remove" } };
  return [
    {
      ref: "security-headers",
      description: "Security headers on every response: /api/* (guide) and pages",
      expression: "true",
      action: "rewrite",
      enabled: true,
      actionParameters: { headers: { ...set(securityHeaders(settings)), ...removed } },
    },
    ...settings.privateBrowserTtls.map(
      (entry): RuleSpec => ({
        ref: `cache-control-private-${slug(entry.path)}`,
        description: `Per-user response: browser-only cache for ${entry.maxAgeSeconds} s, never shared caches`,
        expression: pathExpression(entry.path),
        action: "rewrite",
        enabled: true,
        actionParameters: { headers: set({ "Cache-Control": `private, max-age=${entry.maxAgeSeconds}` }) },
      }),
    ),
  ];
}

function slug(path: string): string {
  return path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase() || "root";
}
