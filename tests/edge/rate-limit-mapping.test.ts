import { describe, expect, it } from "vitest";
import { PLAN_LIMITS, PLAN_TIERS, RATE_LIMIT_PERIODS } from "../../components/edge/plans";
import { classExpression, mapClass, mapRateLimits, rateLimitRules, type WindowRule } from "../../components/edge/rate-limit-mapping";
import { GUIDE } from "../../stacks/guide";

/**
 * The mapping is tested against a token-bucket model of the guide's numbers ("N per minute with
 * burst B"): the bucket holds B tokens, refills N per 60 s, and a request needs one token.
 * Window rules are modelled generously (exact sliding windows counting admitted requests only,
 * no mitigation timeout), so "never more than the bucket" holds a fortiori on Cloudflare.
 */

function bucketAdmits(times: readonly number[], n: number, b: number): boolean[] {
  let tokens = b;
  let last = 0;
  return times.map((t) => {
    tokens = Math.min(b, tokens + ((t - last) * n) / 60);
    last = t;
    if (tokens >= 1 - 1e-9) {
      tokens -= 1;
      return true;
    }
    return false;
  });
}

/**
 * Sliding-window counters: a request is admitted when every rule has fewer than its limit admitted
 * in the last `period` seconds. `times` must not decrease, so each rule's window start only moves
 * forward (one pointer per rule into the admitted times, linear in the requests).
 */
function windowsAdmit(times: readonly number[], rules: readonly WindowRule[]): boolean[] {
  const admitted: number[] = [];
  const firstInWindow = rules.map(() => 0);
  let previous = Number.NEGATIVE_INFINITY;
  return times.map((t) => {
    if (t < previous) throw new Error(`windowsAdmit: request times must not decrease (${t} after ${previous})`);
    previous = t;
    const ok = rules.every((r, i) => {
      let first = firstInWindow[i] as number;
      while (first < admitted.length && (admitted[first] as number) <= t - r.period + 1e-9) first++;
      firstInWindow[i] = first;
      return admitted.length - first + 1 <= r.requestsPerPeriod;
    });
    if (ok) admitted.push(t);
    return ok;
  });
}

const count = (xs: boolean[]) => xs.filter(Boolean).length;
const guideClasses = Object.entries(GUIDE.rateLimits);
const plansThatFit = ["business", "enterprise"] as const;

describe.each(plansThatFit)("guide classes on the %s plan, against the token bucket", (plan) => {
  const mapping = mapRateLimits(GUIDE.rateLimits, plan);
  if (!mapping.ok) throw new Error(`mapping failed: ${JSON.stringify(mapping.problems)}`);

  it.each(guideClasses)("%s: a burst of B after idling passes, request B+1 is refused (like the bucket)", (name, cls) => {
    const rules = mapping.rules.filter((r) => r.className === name);
    const times = Array.from({ length: cls.burst + 1 }, () => 0);
    expect(windowsAdmit(times, rules)).toEqual(bucketAdmits(times, cls.requestsPerMinute, cls.burst));
    expect(count(windowsAdmit(times, rules))).toBe(cls.burst);
  });

  it.each(guideClasses)("%s: a client steadily at N/min for an hour is never blocked", (name, cls) => {
    const rules = mapping.rules.filter((r) => r.className === name);
    const times = Array.from({ length: cls.requestsPerMinute * 60 }, (_, k) => (k * 60) / cls.requestsPerMinute);
    expect(count(windowsAdmit(times, rules))).toBe(times.length);
    expect(count(bucketAdmits(times, cls.requestsPerMinute, cls.burst))).toBe(times.length);
  });

  it.each(guideClasses)("%s: a flooding client gets no more than the bucket allows over any interval (plus the documented excess)", (name, cls) => {
    const m = mapping.classes.find((c) => c.className === name);
    if (!m) throw new Error("class not mapped");
    const horizon = 3600;
    const times = Array.from({ length: horizon * 4 }, (_, k) => k / 4); // 4 requests per second for an hour
    const windows = windowsAdmit(times, m.rules);
    const bucket = bucketAdmits(times, cls.requestsPerMinute, cls.burst);
    for (const T of [1, 10, 60, 120, 600, 1800, 3600]) {
      const upto = times.findIndex((t) => t >= T);
      const end = upto === -1 ? times.length : upto;
      expect(count(windows.slice(0, end))).toBeLessThanOrEqual(count(bucket.slice(0, end)) + m.maxExcessOverBucket);
    }
    // Long-run rate: N per minute, as the bucket.
    const perMinute = count(windows) / (horizon / 60);
    expect(perMinute).toBeLessThanOrEqual(cls.requestsPerMinute + cls.burst / (horizon / 60));
    expect(perMinute).toBeGreaterThanOrEqual(cls.requestsPerMinute - cls.burst / (horizon / 60));
  });

  it.each(guideClasses)("%s: the rules' strictest burst and rate equal the guide's (the policy pack's reading)", (name, cls) => {
    const rules = mapping.rules.filter((r) => r.className === name);
    expect(Math.min(...rules.map((r) => r.requestsPerPeriod))).toBe(cls.burst);
    expect(Math.min(...rules.map((r) => (r.requestsPerPeriod * 60) / r.period))).toBe(cls.requestsPerMinute);
    for (const r of rules) expect(PLAN_LIMITS[plan].rateLimitPeriods).toContain(r.period);
    expect(rules.every((r) => r.ref === `rate-limit-${name}` || r.ref.startsWith(`rate-limit-${name}-`))).toBe(true);
  });
});

/**
 * Cloudflare's rate limiting parameters page ("When rate exceeds… > Period", field `period`):
 * "Use one of the following values: 10, 60 (one minute), 120 (two minutes), 300 (five minutes),
 * 600 (ten minutes), or 3600 (one hour)" — https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/
 * Written out here, independently of components/edge/plans.ts, so the code cannot drift from it.
 */
const DOCUMENTED_PERIODS = [10, 60, 120, 300, 600, 3600];

describe("counting periods per plan (Cloudflare: the documented API values, capped per plan)", () => {
  it.each([
    ["free", [10]],
    ["pro", [10, 60]],
    ["business", [10, 60, 120, 300, 600]],
    ["enterprise", [10, 60, 120, 300, 600, 3600]],
  ] as const)("%s: %j", (plan, periods) => {
    expect(PLAN_LIMITS[plan].rateLimitPeriods).toEqual(periods);
  });
  it("every plan's periods are documented API values, and a higher plan offers everything a lower one does", () => {
    expect([...RATE_LIMIT_PERIODS]).toEqual(DOCUMENTED_PERIODS);
    for (const [i, plan] of PLAN_TIERS.entries()) {
      for (const p of PLAN_LIMITS[plan].rateLimitPeriods) expect(DOCUMENTED_PERIODS).toContain(p);
      const higher = PLAN_TIERS[i + 1];
      if (higher) expect(PLAN_LIMITS[higher].rateLimitPeriods).toEqual(expect.arrayContaining([...PLAN_LIMITS[plan].rateLimitPeriods]));
    }
  });
  it("the guide's classes and the webhook limit still fit Business's five rules, with documented periods only", () => {
    const mapping = mapRateLimits(GUIDE.rateLimits, "business", { requestsPerMinute: 1000, burst: 2000 });
    if (!mapping.ok) throw new Error(mapping.problems.join("; "));
    expect(mapping.rules).toHaveLength(5);
    for (const r of mapping.rules) expect(DOCUMENTED_PERIODS, r.ref).toContain(r.period);
  });
});

describe("mapping choices", () => {
  it("uses one rule when the refill time 60·B/N is a counting period (auth, api: 120 s)", () => {
    expect(mapClass("auth", GUIDE.rateLimits.auth, PLAN_LIMITS.business.rateLimitPeriods)).toMatchObject({ rules: [{ ref: "rate-limit-auth", period: 120, requestsPerPeriod: 20 }] });
    expect(mapClass("api", GUIDE.rateLimits.api, PLAN_LIMITS.business.rateLimitPeriods)).toMatchObject({ rules: [{ ref: "rate-limit-api", period: 120, requestsPerPeriod: 200 }] });
  });
  it("uses a burst and a sustained rule around the refill time otherwise, the tightest periods around it (ai: 100 s → 50/60 s + 60/120 s)", () => {
    expect(mapClass("ai", GUIDE.rateLimits.ai, PLAN_LIMITS.business.rateLimitPeriods)).toMatchObject({
      rules: [
        { ref: "rate-limit-ai-burst", period: 60, requestsPerPeriod: 50 },
        { ref: "rate-limit-ai-sustained", period: 120, requestsPerPeriod: 60 },
      ],
      maxExcessOverBucket: 10,
    });
  });
  it.each([
    // A refill time that is a documented period gives one exact rule.
    ["pro", { requestsPerMinute: 60, burst: 60 }, 60, 60],
    ["pro", { requestsPerMinute: 60, burst: 10 }, 10, 10],
    ["business", { requestsPerMinute: 20, burst: 100 }, 300, 100],
    ["business", { requestsPerMinute: 10, burst: 100 }, 600, 100],
    ["enterprise", { requestsPerMinute: 1, burst: 60 }, 3600, 60],
  ] as const)("%s plan, %j → one exact rule of %i s", (plan, cls, period, requests) => {
    expect(mapClass("c", cls, PLAN_LIMITS[plan].rateLimitPeriods)).toMatchObject({ rules: [{ role: "exact", period, requestsPerPeriod: requests }], maxExcessOverBucket: 0 });
  });
});

/** Classes beyond the guide's whose refill times fall between the documented periods. */
const EXTRA_CLASSES = {
  ninety: { requestsPerMinute: 20, burst: 30 }, // refill 90 s: 30 per 60 s + 40 per 120 s
  uneven: { requestsPerMinute: 45, burst: 70 }, // refill 93.3 s: 70 per 60 s + 90 per 120 s
  long: { requestsPerMinute: 5, burst: 40 }, // refill 480 s: 40 per 300 s + 50 per 600 s
} as const;

describe.each(Object.entries(EXTRA_CLASSES))("class %s on the business plan, against the token bucket", (name, cls) => {
  const m = mapClass(name, cls, PLAN_LIMITS.business.rateLimitPeriods);
  if (typeof m === "string") throw new Error(m);
  it("a burst of B after idling passes, request B+1 is refused", () => {
    const times = Array.from({ length: cls.burst + 1 }, () => 0);
    expect(windowsAdmit(times, m.rules)).toEqual(bucketAdmits(times, cls.requestsPerMinute, cls.burst));
  });
  it("a steady N/min for two hours is never blocked", () => {
    const times = Array.from({ length: cls.requestsPerMinute * 120 }, (_, k) => (k * 60) / cls.requestsPerMinute);
    expect(count(windowsAdmit(times, m.rules))).toBe(times.length);
  });
  it("a flooding client never gets more than the bucket plus the documented excess, and the long-run rate is N/min", () => {
    const horizon = 7200;
    const times = Array.from({ length: horizon * 2 }, (_, k) => k / 2);
    const windows = windowsAdmit(times, m.rules);
    const bucket = bucketAdmits(times, cls.requestsPerMinute, cls.burst);
    for (const T of [1, 10, 60, 90, 120, 480, 600, 3600, 7200]) {
      const end = times.findIndex((t) => t >= T);
      const upto = end === -1 ? times.length : end;
      expect(count(windows.slice(0, upto))).toBeLessThanOrEqual(count(bucket.slice(0, upto)) + m.maxExcessOverBucket);
    }
    const perMinute = count(windows) / (horizon / 60);
    expect(Math.abs(perMinute - cls.requestsPerMinute)).toBeLessThanOrEqual(cls.burst / (horizon / 60));
  });
});

describe("plans that cannot express the classes", () => {
  it.each([
    ["free", GUIDE.rateLimits, "business", /the classes need 4 rate-limiting rules \(auth 1, api 1, ai 2\); the free plan allows 1|shorter than|counting period/],
    ["pro", GUIDE.rateLimits, "business", /needs a counting period of at least 120 s .*longest available is 60 s on the pro plan \(counting periods 10–60 s\)/],
    ["pro", { slow: { requestsPerMinute: 10, burst: 15 } }, "business", /needs a counting period of at least 90 s/],
    ["business", { slow: { requestsPerMinute: 10, burst: 200 } }, "enterprise", /needs a counting period of at least 1200 s.*longest available is 600 s/],
    ["enterprise", { glacial: { requestsPerMinute: 1, burst: 2000 } }, undefined, /needs a counting period of at least 120000 s.*longest available is 3600 s/],
    ["business", Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((k) => [k, { requestsPerMinute: 10, burst: 20 }])), "enterprise", /need 6 rate-limiting rules.*business plan allows 5/],
    ["enterprise", { tiny: { requestsPerMinute: 100, burst: 5 } }, undefined, /shorter than the shortest counting period \(10 s\); raise the burst to at least 17/],
  ] as const)("%s plan with %j → needs %s", (plan, classes, needed, message) => {
    const result = mapRateLimits(classes, plan);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.neededPlan).toBe(needed);
    expect(result.problems.join("; ")).toMatch(message);
  });

  it("the component refuses such a plan with the plan it needs", () => {
    const classes = Object.fromEntries(Object.entries(GUIDE.rateLimits).map(([k, v]) => [k, { ...v, paths: [`/api/${k}/*`] }]));
    expect(() => rateLimitRules(classes, "pro", "block")).toThrow(/cannot be expressed on the pro plan.*Use the "business" plan/);
  });
});

describe("class expressions", () => {
  it("exclude more specific classes from broader ones, so a request counts against one class", () => {
    const classes = { auth: { paths: ["/api/auth/*", "/auth/*"] }, api: { paths: ["/api/*"] }, ai: { paths: ["/api/ai/*"] } };
    expect(classExpression("api", classes)).toBe(
      'starts_with(http.request.uri.path, "/api/") and not (starts_with(http.request.uri.path, "/api/auth/") or starts_with(http.request.uri.path, "/api/ai/"))',
    );
    expect(classExpression("auth", classes)).toBe('(starts_with(http.request.uri.path, "/api/auth/") or starts_with(http.request.uri.path, "/auth/"))');
  });
});
