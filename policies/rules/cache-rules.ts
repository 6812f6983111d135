/**
 * cache-rules: edge cache rules (Cloudflare `http_request_cache_settings`) follow the guide:
 * the required caching rules exist (static assets, JS bundles, today's prompt), no rule caches
 * longer than the guide's TTL, every caching rule is a known one, no caching rule names an
 * authenticated/per-user path, and a final bypass rule keeps those paths out of the edge cache.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CACHE_BYPASS_REF, CACHE_RULES, type CacheRuleLimit, NO_EDGE_CACHE_PATHS, PHASES, TYPES } from "../guide";
import type { RulesetRuleInputs } from "../lib/shapes";
import { matchesProbe, samplePaths } from "../lib/expression";
import { configFrom, enabledRules, hasType, pathStem, ruleLabel, rulesetsInPhase } from "../lib/util";

export const configSchema = {
  properties: {
    rules: {
      type: "object",
      description: "Caching rules allowed at the edge, keyed by rule ref: the longest edge TTL and a path fragment the expression must name.",
      additionalProperties: {
        type: "object",
        required: ["maxEdgeTtlSeconds", "pathHint"],
        properties: {
          maxEdgeTtlSeconds: { type: "integer", minimum: 0 },
          pathHint: { type: "string", minLength: 1 },
        },
        additionalProperties: false,
      },
      default: CACHE_RULES,
    },
    requiredRefs: {
      type: "array",
      items: { type: "string" },
      description: "Refs of caching rules that must exist (static/JS caching present).",
      default: Object.keys(CACHE_RULES),
    },
    noEdgeCachePaths: {
      type: "array",
      items: { type: "string", pattern: "^/" },
      minItems: 1,
      description: "Authenticated or per-user path prefixes never cached at the edge.",
      default: NO_EDGE_CACHE_PATHS,
    },
    bypassRef: {
      type: "string",
      minLength: 1,
      description: "Ref of the rule (cache: false) that bypasses the edge cache for noEdgeCachePaths; it must follow every caching rule.",
      default: CACHE_BYPASS_REF,
    },
  },
} as const;

interface Config {
  rules: Record<string, CacheRuleLimit>;
  requiredRefs: string[];
  noEdgeCachePaths: string[];
  bypassRef: string;
}

function isCacheSettings(rule: RulesetRuleInputs): boolean {
  return rule.action === "set_cache_settings";
}

export function validateCacheRules(args: StackValidationArgs, reportViolation: ReportViolation): void {
  if (!hasType(args.resources, TYPES.zone)) args.notApplicable("The stack has no Cloudflare zone.");
  const cfg = configFrom<Config>(configSchema, args);
  const rules = enabledRules(rulesetsInPhase(args.resources, PHASES.cache)).filter((r) => isCacheSettings(r.rule));
  const stems = cfg.noEdgeCachePaths.map(pathStem);
  let lastCachingIndex = -1;

  rules.forEach(({ ruleset, rule, index }, position) => {
    if (rule.actionParameters?.cache !== true) return;
    lastCachingIndex = position;
    const label = ruleLabel(ruleset, rule, index);
    const urn = ruleset.resource.urn;
    const limit = rule.ref ? cfg.rules[rule.ref] : undefined;
    if (!limit) {
      reportViolation(
        `${label} caches at the edge but is not a known caching rule (known refs: ${Object.keys(cfg.rules).join(", ")}). Give it one of those refs or add it to this policy's "rules" config with its guide TTL.`,
        urn,
      );
      return;
    }
    for (const stem of stems) {
      if (rule.expression.includes(stem)) {
        reportViolation(`${label} caches at the edge and its expression names "${stem}", an authenticated/per-user path that must never be cached at the edge.`, urn);
      }
    }
    if (!rule.expression.includes(limit.pathHint)) {
      reportViolation(`${label} must match the path it is named for: its expression does not contain "${limit.pathHint}".`, urn);
    }
    const ttl = rule.actionParameters.edgeTtl;
    if (ttl?.mode !== "override_origin" || ttl.default === undefined) {
      reportViolation(
        `${label} must bound the edge TTL: set actionParameters.edgeTtl to { mode: "override_origin", default: <= ${limit.maxEdgeTtlSeconds} } (got mode ${ttl ? `"${ttl.mode}"` : "unset"}).`,
        urn,
      );
    } else if (ttl.default > limit.maxEdgeTtlSeconds) {
      reportViolation(`${label} caches for ${ttl.default} s at the edge; the guide allows at most ${limit.maxEdgeTtlSeconds} s.`, urn);
    }
    for (const s of ttl?.statusCodeTtls ?? []) {
      if (s.value !== undefined && s.value > limit.maxEdgeTtlSeconds) {
        reportViolation(`${label} has a status-code TTL of ${s.value} s; the guide allows at most ${limit.maxEdgeTtlSeconds} s.`, urn);
      }
    }
  });

  const present = new Set(rules.filter((r) => r.rule.actionParameters?.cache === true && r.rule.ref).map((r) => r.rule.ref as string));
  for (const ref of cfg.requiredRefs) {
    if (!present.has(ref)) {
      const hint = cfg.rules[ref] ? ` for "${cfg.rules[ref].pathHint}" with an edge TTL of at most ${cfg.rules[ref].maxEdgeTtlSeconds} s` : "";
      reportViolation(`The caching rule with ref "${ref}" is missing. Add it to the ${PHASES.cache} ruleset${hint}.`);
    }
  }

  const bypassPosition = rules.findIndex((r) => r.rule.ref === cfg.bypassRef);
  const bypass = rules[bypassPosition];
  if (!bypass) {
    reportViolation(
      `No edge-cache bypass for authenticated paths: add a rule with ref "${cfg.bypassRef}", action "set_cache_settings", actionParameters { cache: false } and an expression naming ${stems.map((s) => `"${s}"`).join(", ")}, after every caching rule.`,
    );
    return;
  }
  const label = ruleLabel(bypass.ruleset, bypass.rule, bypass.index);
  const urn = bypass.ruleset.resource.urn;
  if (bypass.rule.actionParameters?.cache !== false) reportViolation(`${label} must set actionParameters.cache to false.`, urn);
  // Evaluated, not read: `starts_with(path, "/auth/") and http.host eq "x"` names the path but
  // bypasses nothing for any other host (policies/lib/expression.ts).
  const missing = cfg.noEdgeCachePaths.filter((p) => samplePaths(`${p.endsWith("/") ? p : `${p}/`}*`).some((path) => matchesProbe(bypass.rule.expression, { path }) !== true));
  if (missing.length) {
    reportViolation(
      `${label} does not cover ${missing.map((s) => `"${s}"`).join(", ")}: its expression must match every request under every authenticated path, whatever its host, method or source.`,
      urn,
    );
  }
  if (bypassPosition < lastCachingIndex) reportViolation(`${label} must come after every caching rule; a later caching rule overrides it.`, urn);
}

export const cacheRules: StackValidationPolicy = {
  name: "cache-rules",
  description:
    "Edge cache rules follow the guide: /api/prompts/today ≤ 300 s, /static/* ≤ 86400 s, *.js ≤ 31536000 s, static and JS caching present, and authenticated/per-user paths (/api/user/*, /auth/*) never cached at the edge.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateCacheRules,
};
