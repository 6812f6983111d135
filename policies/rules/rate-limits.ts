/**
 * rate-limits: every route class (auth, API, AI) has an effective Cloudflare rate-limit rule and
 * none is looser than the guide. Rules are tied to a class by their ref:
 * `rate-limit-<class>` or `rate-limit-<class>-<suffix>` (e.g. `rate-limit-auth-burst`).
 *
 * Cloudflare counts requests in fixed windows (`period` seconds, `requestsPerPeriod` requests).
 * A rule allows a sustained rate of requestsPerPeriod × 60 / period per minute and a burst of
 * requestsPerPeriod requests at once. All rules of a class apply together, so the class's
 * effective limits are the strictest rate and the strictest burst among its blocking rules.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { BLOCKING_ACTIONS, PHASES, RATE_LIMIT_REF_PREFIX, RATE_LIMITS, type RateLimitClass, TYPES } from "../guide";
import { configWithDefaults, enabledRules, hasType, ruleLabel, rulesetsInPhase } from "../lib/util";

export const configSchema = {
  properties: {
    classes: {
      type: "object",
      description:
        "Route classes keyed by the name used in rule refs (rate-limit-<class>): the most a client may send per minute, and at once.",
      additionalProperties: {
        type: "object",
        required: ["requestsPerMinute", "burst"],
        properties: {
          requestsPerMinute: { type: "number", exclusiveMinimum: 0 },
          burst: { type: "integer", minimum: 1 },
        },
        additionalProperties: false,
      },
      minProperties: 1,
      default: RATE_LIMITS,
    },
  },
} as const;

interface Config {
  classes: Record<string, RateLimitClass>;
}

/** The class named by a ref, or undefined when the ref does not follow the convention. */
function classOf(ref: string, classes: string[]): string | undefined {
  if (!ref.startsWith(RATE_LIMIT_REF_PREFIX)) return undefined;
  const rest = ref.slice(RATE_LIMIT_REF_PREFIX.length);
  // Longest class name first so "api" never captures a class called "api-admin".
  return [...classes].sort((a, b) => b.length - a.length).find((c) => rest === c || rest.startsWith(`${c}-`));
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export function validateRateLimits(args: StackValidationArgs, reportViolation: ReportViolation): void {
  if (!hasType(args.resources, TYPES.zone)) args.notApplicable("The stack has no Cloudflare zone.");
  const { classes } = configWithDefaults<Config>({ classes: { ...RATE_LIMITS } }, args);
  const names = Object.keys(classes);

  interface Effective {
    rpm: number;
    burst: number;
    label: string;
    urn: string;
  }
  const byClass = new Map<string, Effective[]>();

  for (const { ruleset, rule, index } of enabledRules(rulesetsInPhase(args.resources, PHASES.rateLimit))) {
    const label = ruleLabel(ruleset, rule, index);
    const urn = ruleset.resource.urn;
    const cls = rule.ref ? classOf(rule.ref, names) : undefined;
    if (!cls) {
      reportViolation(
        `${label} belongs to no known route class. Give it the ref "${RATE_LIMIT_REF_PREFIX}<class>[-<suffix>]" with <class> one of ${names.join(", ")}, or add the class to this policy's "classes" config with its guide limits.`,
        urn,
      );
      continue;
    }
    if (!BLOCKING_ACTIONS.includes(rule.action)) {
      reportViolation(`${label} has action "${rule.action}", which does not limit anything; use one of ${BLOCKING_ACTIONS.join(", ")}.`, urn);
      continue;
    }
    const rl = rule.ratelimit;
    if (!rl || rl.requestsPerPeriod === undefined || !(rl.period > 0)) {
      reportViolation(`${label} must set ratelimit.period (> 0) and ratelimit.requestsPerPeriod so its limit can be checked against the guide.`, urn);
      continue;
    }
    const list = byClass.get(cls) ?? [];
    list.push({
      rpm: (rl.requestsPerPeriod * 60) / rl.period,
      burst: rl.requestsPerPeriod,
      label: `${label} (${rl.requestsPerPeriod} requests per ${rl.period} s)`,
      urn,
    });
    byClass.set(cls, list);
  }

  for (const [cls, limit] of Object.entries(classes)) {
    const rules = byClass.get(cls);
    if (!rules || rules.length === 0) {
      reportViolation(
        `Route class "${cls}" has no blocking rate-limit rule (guide: ${limit.requestsPerMinute}/min, burst ${limit.burst}). Add a rule with ref "${RATE_LIMIT_REF_PREFIX}${cls}" to the ${PHASES.rateLimit} ruleset.`,
      );
      continue;
    }
    const strictestRate = rules.reduce((a, b) => (b.rpm < a.rpm ? b : a));
    if (strictestRate.rpm > limit.requestsPerMinute) {
      reportViolation(
        `Route class "${cls}" allows ${fmt(strictestRate.rpm)} requests/min even by its strictest rule, ${strictestRate.label}; the guide allows at most ${limit.requestsPerMinute}/min.`,
        strictestRate.urn,
      );
    }
    const strictestBurst = rules.reduce((a, b) => (b.burst < a.burst ? b : a));
    if (strictestBurst.burst > limit.burst) {
      reportViolation(
        `Route class "${cls}" allows bursts of ${strictestBurst.burst} requests even by its strictest rule, ${strictestBurst.label}; the guide allows a burst of at most ${limit.burst}.`,
        strictestBurst.urn,
      );
    }
  }
}

export const rateLimits: StackValidationPolicy = {
  name: "rate-limits",
  description:
    "Each route class (auth, API, AI) is rate limited at the edge, no looser than the guide (auth 10/min burst 20, API 100/min burst 200, AI 30/min burst 50), and every rate-limit rule belongs to a known class.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateRateLimits,
};
