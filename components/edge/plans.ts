/**
 * What each Cloudflare plan allows, for the features the edge layer uses. One table, read by the
 * config checks (`stacks/schema/edge.ts`) and the components, so a plan that cannot express the
 * configuration fails before any resource is registered.
 *
 * Sources (Cloudflare docs): WAF → Rate limiting rules → "Availability" (rule counts: Free 1,
 * Pro 2, Business 5, Enterprise 100; counting periods: Free 10 s, Pro "all supported values up to
 * 1 min", Business "up to 10 min", Enterprise up to 1 h, the values being the documented API values
 * {@link RATE_LIMIT_PERIODS}; fields: Free may only use the URI path in rate-limit expressions, Pro
 * adds host/URI/query, Business adds the request method and source IP; every plan below
 * Enterprise counts by IP with `cf.colo.id`); Rules language → `matches` operator (Business and
 * above); WAF → Managed Rules (Cloudflare Managed and OWASP Core rulesets from Pro); Health Checks
 * (Pro and above); DNS → record tags (paid plans).
 */

export const PLAN_TIERS = ["free", "pro", "business", "enterprise"] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];

export interface PlanLimits {
  /** Rate-limiting rules the zone's `http_ratelimit` entrypoint may hold. */
  rateLimitRules: number;
  /** Counting periods (seconds) a rate-limiting rule may use. */
  rateLimitPeriods: readonly number[];
  /** `http.request.method` and `ip.src` in rate-limit rule expressions (Business and above). */
  rateLimitMethodAndIpFields: boolean;
  /** The `matches` (regular expression) operator in rule expressions. */
  regexMatching: boolean;
  /** Cloudflare Managed Ruleset and OWASP Core Ruleset can be executed. */
  managedRulesets: boolean;
  /** Standalone health checks. */
  healthChecks: boolean;
}

/**
 * The counting periods (seconds) the API accepts for a rate-limiting rule's `period`. Source:
 * Cloudflare WAF, "Rate limiting parameters" → Period: "Use one of the following values: 10, 60
 * (one minute), 120 (two minutes), 300 (five minutes), 600 (ten minutes), or 3600 (one hour)"
 * (https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/). Nothing else is sent:
 * a value in between (90 s) is not a documented API value. Each plan takes those up to its cap.
 */
export const RATE_LIMIT_PERIODS = [10, 60, 120, 300, 600, 3600] as const;

/** Longest counting period (seconds) per plan ("Availability"): Free 10 s, Pro 1 min, Business 10 min, Enterprise 1 h. */
export const RATE_LIMIT_PERIOD_CAPS: Readonly<Record<PlanTier, number>> = { free: 10, pro: 60, business: 600, enterprise: 3600 };

const periodsUpTo = (cap: number): readonly number[] => RATE_LIMIT_PERIODS.filter((p) => p <= cap);

export const PLAN_LIMITS: Readonly<Record<PlanTier, PlanLimits>> = {
  free: { rateLimitRules: 1, rateLimitPeriods: periodsUpTo(RATE_LIMIT_PERIOD_CAPS.free), rateLimitMethodAndIpFields: false, regexMatching: false, managedRulesets: false, healthChecks: false },
  pro: { rateLimitRules: 2, rateLimitPeriods: periodsUpTo(RATE_LIMIT_PERIOD_CAPS.pro), rateLimitMethodAndIpFields: false, regexMatching: false, managedRulesets: true, healthChecks: true },
  business: { rateLimitRules: 5, rateLimitPeriods: periodsUpTo(RATE_LIMIT_PERIOD_CAPS.business), rateLimitMethodAndIpFields: true, regexMatching: true, managedRulesets: true, healthChecks: true },
  enterprise: { rateLimitRules: 100, rateLimitPeriods: periodsUpTo(RATE_LIMIT_PERIOD_CAPS.enterprise), rateLimitMethodAndIpFields: true, regexMatching: true, managedRulesets: true, healthChecks: true },
};

/**
 * Mitigation timeout of every rate-limit rule: the shortest one every plan accepts. A token
 * bucket rejects only until the next token arrives (6 s for 10/min), so the shortest block is the
 * closest a window rule gets to it.
 */
export const RATE_LIMIT_MITIGATION_TIMEOUT_SECONDS = 10;

/** The cheapest plan, from `from` upwards, for which `accepts` holds; undefined when none does. */
export function cheapestPlan(accepts: (plan: PlanTier) => boolean, from: PlanTier = "free"): PlanTier | undefined {
  return PLAN_TIERS.slice(PLAN_TIERS.indexOf(from)).find(accepts);
}
