/**
 * Edge cache rules as data (`http_request_cache_settings`). Rules apply in order and later ones
 * win, so the ruleset is: bypass the API → cache the guide's rules → bypass private paths last,
 * which keeps per-user responses out of the edge cache whatever an earlier rule says.
 */
import { anyPathExpression } from "./expressions";
import type { RuleSpec } from "./types";

export interface CacheSettings {
  rules: ReadonlyArray<{ ref: string; paths: readonly string[]; edgeTtlSeconds: number }>;
  bypassPaths: readonly string[];
  privatePaths: readonly string[];
}

export const CACHE_BYPASS_API_REF = "cache-bypass-api";
export const CACHE_BYPASS_PRIVATE_REF = "cache-bypass-private";

export function cacheRules(cache: CacheSettings): RuleSpec[] {
  const rules: RuleSpec[] = [];
  if (cache.bypassPaths.length > 0) {
    rules.push({
      ref: CACHE_BYPASS_API_REF,
      description: "Never edge-cache API responses no rule below names",
      expression: anyPathExpression(cache.bypassPaths),
      action: "set_cache_settings",
      enabled: true,
      actionParameters: { cache: false },
    });
  }
  for (const rule of cache.rules) {
    rules.push({
      ref: rule.ref,
      description: `Guide cache_rules: ${rule.paths.join(", ")} for ${rule.edgeTtlSeconds} s at the edge`,
      expression: anyPathExpression(rule.paths),
      action: "set_cache_settings",
      enabled: true,
      actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: rule.edgeTtlSeconds } },
    });
  }
  rules.push({
    ref: CACHE_BYPASS_PRIVATE_REF,
    description: "Per-user and authentication paths are never cached at the edge (last: overrides every rule above)",
    expression: anyPathExpression(cache.privatePaths),
    action: "set_cache_settings",
    enabled: true,
    actionParameters: { cache: false },
  });
  return rules;
}
