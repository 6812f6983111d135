/**
 * Maps the guide's rate-limit classes ("N requests per minute with burst B", a token bucket) to
 * Cloudflare rate-limiting rules, which count requests in a window of `period` seconds and act
 * when a client (IP, per Cloudflare location) exceeds `requestsPerPeriod`.
 *
 * Why the mapping is faithful (docs/edge.md has the long form):
 *
 * A window rule "L requests per P seconds" lets a client send L at once (its burst) and L·60/P per
 * minute in the long run (its rate). The token bucket (rate N/min, capacity B) lets a client send
 * B at once and N per minute in the long run. The class is enforced by all of its rules together,
 * so its effective burst is the smallest L and its effective rate the smallest L·60/P.
 *
 * - One rule suffices when P* = 60·B/N (the time the bucket takes to refill from empty) is a
 *   counting period the plan offers: "B per P*" has burst B and rate N exactly. Over any interval
 *   of T seconds it admits at most B·⌈T/P*⌉ ≤ B + N·T/60 requests — never more than the bucket.
 * - Otherwise two rules: a burst rule "B per Ps" (Ps the longest period ≤ P*: its rate
 *   B·60/Ps ≥ N does not bind) and a sustained rule "N·Pl/60 per Pl" (Pl the shortest period ≥ P*:
 *   its burst N·Pl/60 ≥ B does not bind). Together: burst B, rate N exactly. Within one sustained
 *   window a client may get N·Pl/60 − B requests more than the bucket would allow; choosing Pl as
 *   the shortest period ≥ P* keeps that excess smallest.
 *
 * Both cases: a client that stays within the guide (a burst of B after idling, or a steady N/min)
 * is never blocked, and no client gets more than B at once or more than N/min over time.
 * When the plan has no suitable period, or too few rules for all classes, the mapping fails with
 * the cheapest plan that can express it.
 *
 * Webhook deliveries (webhook-exemption.ts) are taken out of every class that would count them
 * (`… and not (<exemption>)`) and get their own, generous window rule(s) `rate-limit-webhooks`,
 * mapped like a class and counted against the plan's rule budget.
 */
import { anyPathExpression, pathMatches, patternContains } from "./expressions";
import { cheapestPlan, PLAN_LIMITS, type PlanTier, RATE_LIMIT_MITIGATION_TIMEOUT_SECONDS } from "./plans";
import { WEBHOOK_RATE_LIMIT_CLASS, type WebhookExemption, webhookExemptionExpression } from "./webhook-exemption";

/** One class of the guide's `rate_limits` (e.g. auth_endpoints). */
export interface RateLimitClass {
  /** Sustained rate the guide allows (requests per minute per client). */
  requestsPerMinute: number;
  /** Requests a client may send at once (token-bucket capacity). */
  burst: number;
  /** Route patterns of the class (`/exact` or `/prefix/*`). */
  paths: readonly string[];
}

/** One window rule of the mapping. */
export interface WindowRule {
  /** Rule ref: `rate-limit-<class>` or `rate-limit-<class>-burst|sustained` (the policy pack's convention). */
  ref: string;
  className: string;
  role: "exact" | "burst" | "sustained";
  period: number;
  requestsPerPeriod: number;
}

/** The class's limits as the rules enforce them, next to the guide's. */
export interface ClassMapping {
  className: string;
  rules: WindowRule[];
  /** Seconds the bucket takes to refill from empty: 60·B/N. */
  refillSeconds: number;
  effectiveBurst: number;
  effectiveRequestsPerMinute: number;
  /** Most requests the rules admit beyond the bucket within one sustained window (0 for one rule). */
  maxExcessOverBucket: number;
}

export type MappingResult =
  | { ok: true; plan: PlanTier; classes: ClassMapping[]; rules: WindowRule[] }
  | { ok: false; plan: PlanTier; problems: string[]; neededPlan: PlanTier | undefined };

export const RATE_LIMIT_REF_PREFIX = "rate-limit-";

/** Maps one class onto the given counting periods, or explains why it cannot. */
export function mapClass(className: string, cls: Pick<RateLimitClass, "requestsPerMinute" | "burst">, periods: readonly number[]): ClassMapping | string {
  const { requestsPerMinute: n, burst: b } = cls;
  const refill = (60 * b) / n;
  const ref = `${RATE_LIMIT_REF_PREFIX}${className}`;
  const sorted = [...periods].sort((x, y) => x - y);
  if (sorted.includes(refill)) {
    const rule: WindowRule = { ref, className, role: "exact", period: refill, requestsPerPeriod: b };
    return { className, rules: [rule], refillSeconds: refill, effectiveBurst: b, effectiveRequestsPerMinute: n, maxExcessOverBucket: 0 };
  }
  const short = [...sorted].reverse().find((p) => p <= refill);
  const long = sorted.find((p) => p >= refill && Number.isInteger((n * p) / 60));
  if (short === undefined) {
    return `burst ${b} refills in ${fmt(refill)} s at ${n}/min, shorter than the shortest counting period (${sorted[0]} s); raise the burst to at least ${Math.ceil((n * (sorted[0] ?? 10)) / 60)}`;
  }
  if (long === undefined) {
    return `needs a counting period of at least ${fmt(refill)} s (60 × burst ${b} / ${n} per minute) with a whole number of requests; the longest available is ${sorted[sorted.length - 1]} s`;
  }
  const sustained = (n * long) / 60;
  const rules: WindowRule[] = [
    { ref: `${ref}-burst`, className, role: "burst", period: short, requestsPerPeriod: b },
    { ref: `${ref}-sustained`, className, role: "sustained", period: long, requestsPerPeriod: sustained },
  ];
  return { className, rules, refillSeconds: refill, effectiveBurst: b, effectiveRequestsPerMinute: n, maxExcessOverBucket: sustained - b };
}

type Limits = Pick<RateLimitClass, "requestsPerMinute" | "burst">;

/**
 * Maps every class for a plan, plus the webhook limit when given (as class `webhooks`); on failure
 * names the cheapest plan that can express them.
 */
export function mapRateLimits(classes: Readonly<Record<string, Limits>>, plan: PlanTier, webhook?: Limits): MappingResult {
  const all: Record<string, Limits> = webhook ? { ...classes, [WEBHOOK_RATE_LIMIT_CLASS]: webhook } : { ...classes };
  const attempt = (tier: PlanTier): { mapped: ClassMapping[]; problems: string[] } => {
    const limits = PLAN_LIMITS[tier];
    const mapped: ClassMapping[] = [];
    const problems: string[] = [];
    if (webhook && Object.hasOwn(classes, WEBHOOK_RATE_LIMIT_CLASS)) {
      problems.push(`class name "${WEBHOOK_RATE_LIMIT_CLASS}" is reserved for the webhook limit (rule ref rate-limit-${WEBHOOK_RATE_LIMIT_CLASS})`);
    }
    for (const [name, cls] of Object.entries(all)) {
      const m = mapClass(name, cls, limits.rateLimitPeriods);
      if (typeof m === "string") problems.push(`class "${name}" (${cls.requestsPerMinute}/min, burst ${cls.burst}): ${m} on the ${tier} plan (counting periods ${periodRange(limits.rateLimitPeriods)})`);
      else mapped.push(m);
    }
    if (webhook && !limits.rateLimitMethodAndIpFields) {
      problems.push(`the webhook exemption (exact path and POST) needs http.request.method in rate-limit expressions, which the ${tier} plan does not offer`);
    }
    const count = mapped.reduce((sum, m) => sum + m.rules.length, 0);
    if (problems.length === 0 && count > limits.rateLimitRules) {
      const detail = mapped.map((m) => `${m.className} ${m.rules.length}`).join(", ");
      problems.push(`the classes need ${count} rate-limiting rules (${detail}); the ${tier} plan allows ${limits.rateLimitRules}`);
    }
    return { mapped, problems };
  };
  const result = attempt(plan);
  if (result.problems.length > 0) {
    return { ok: false, plan, problems: result.problems, neededPlan: cheapestPlan((tier) => attempt(tier).problems.length === 0, plan) };
  }
  return { ok: true, plan, classes: result.mapped, rules: result.mapped.flatMap((m) => m.rules) };
}

/**
 * The expression of a class: its own paths, minus the paths of any other class that are more
 * specific (so `/api/auth/login` counts against auth only, not also against the broader API class),
 * minus the webhook deliveries when the class would count one (they have their own limit).
 */
export function classExpression(
  className: string,
  classes: Readonly<Record<string, Pick<RateLimitClass, "paths">>>,
  exemption?: Pick<WebhookExemption, "paths" | "sourceIps">,
): string {
  const own = classes[className]?.paths ?? [];
  const excluded: string[] = [];
  for (const [other, cls] of Object.entries(classes)) {
    if (other === className) continue;
    for (const inner of cls.paths) if (own.some((outer) => patternContains(outer, inner))) excluded.push(inner);
  }
  const base = anyPathExpression(own);
  const nested = excluded.length === 0 ? base : `${base} and not ${wrap(anyPathExpression(excluded))}`;
  const countsWebhook = exemption?.paths.some((p) => own.some((o) => pathMatches(o, p)) && !excluded.some((e) => pathMatches(e, p)));
  return exemption && countsWebhook ? `${nested} and not (${webhookExemptionExpression(exemption)})` : nested;
}

function wrap(expression: string): string {
  return expression.startsWith("(") ? expression : `(${expression})`;
}

/** Characteristics every plan accepts: per client IP, counted per Cloudflare data center. */
export const RATE_LIMIT_CHARACTERISTICS = ["ip.src", "cf.colo.id"] as const;

export { RATE_LIMIT_MITIGATION_TIMEOUT_SECONDS };

/** `10 s` or `10–600 s`: the plan's counting periods, short enough for an error message. */
function periodRange(periods: readonly number[]): string {
  const first = periods[0];
  const last = periods[periods.length - 1];
  return periods.length === 1 ? `${first} s` : `${first}–${last} s`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * `http_ratelimit` rules for the classes on the plan, plus `rate-limit-webhooks` for the webhook
 * deliveries when an exemption is given; throws the mapping's problems when it fails.
 */
export function rateLimitRules(
  classes: Readonly<Record<string, RateLimitClass>>,
  plan: PlanTier,
  action: string,
  exemption?: WebhookExemption,
): import("./types").RuleSpec[] {
  const webhook = exemption && exemption.paths.length > 0 ? exemption : undefined;
  const mapping = mapRateLimits(classes, plan, webhook);
  if (!mapping.ok) {
    const needed = mapping.neededPlan ? ` Use the "${mapping.neededPlan}" plan.` : "";
    throw new Error(`rate limits cannot be expressed on the ${plan} plan: ${mapping.problems.join("; ")}.${needed}`);
  }
  return mapping.rules.map((rule) => {
    const isWebhook = webhook !== undefined && rule.className === WEBHOOK_RATE_LIMIT_CLASS;
    const cls: Limits = isWebhook ? webhook : (classes[rule.className] as RateLimitClass);
    const what = rule.role === "exact" ? "burst and sustained rate" : rule.role === "burst" ? "burst" : "sustained rate";
    const title = isWebhook ? "Webhook deliveries (exempt from the per-client classes)" : `Guide rate_limits ${rule.className}`;
    return {
      ref: rule.ref,
      description: `${title}: ${cls.requestsPerMinute}/min, burst ${cls.burst} — ${what} as ${rule.requestsPerPeriod} per ${rule.period} s`,
      expression: isWebhook ? webhookExemptionExpression(webhook) : classExpression(rule.className, classes, webhook),
      action,
      enabled: true,
      ratelimit: {
        characteristics: [...RATE_LIMIT_CHARACTERISTICS],
        period: rule.period,
        requestsPerPeriod: rule.requestsPerPeriod,
        mitigationTimeout: RATE_LIMIT_MITIGATION_TIMEOUT_SECONDS,
        requestsToOrigin: false,
      },
    };
  });
}
