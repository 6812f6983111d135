/**
 * rate-limits: every route class (auth, API, AI) has an effective Cloudflare rate-limit rule and
 * none is looser than the guide. Rules are tied to a class by their ref:
 * `rate-limit-<class>` or `rate-limit-<class>-<suffix>` (e.g. `rate-limit-auth-burst`).
 *
 * Cloudflare counts requests in fixed windows (`period` seconds, `requestsPerPeriod` requests).
 * A rule allows a sustained rate of requestsPerPeriod × 60 / period per minute and a burst of
 * requestsPerPeriod requests at once. All rules of a class apply together, so the class's
 * effective limits are the strictest rate and the strictest burst among its blocking rules.
 *
 * Webhook deliveries (policies/guide.ts WEBHOOK_EXEMPTION) may leave the classes: a class rule may
 * end in `and not (<exemption>)` where the exemption is narrow (exact allowed paths and POST,
 * policies/lib/exemption.ts); rules `rate-limit-webhooks[-<suffix>]` limit those requests no looser
 * than `webhookLimit` and may cover nothing else; a custom-rules skip of rate limiting
 * (`phases: ["http_ratelimit"]` or `products: ["rateLimit"]`) must be just as narrow. Any other
 * request-level exclusion in a class rule (one naming the method, the source IP, `true`, …) is a
 * violation, and a path-only exclusion (`not starts_with(…)`) must name a path that another class's
 * rule counts, so nothing drops out of every class.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { BLOCKING_ACTIONS, PHASES, RATE_LIMIT_CHARACTERISTICS, RATE_LIMIT_REF_PREFIX, RATE_LIMITS, type RateLimitClass, TYPES, WEBHOOK_EXEMPTION } from "../guide";
import { type ExemptionScope, exemptionExample, exemptionScopeProblem, splitTopLevel, unwrapParens } from "../lib/exemption";
import { matchesProbe, samplePaths } from "../lib/expression";
import { configFrom, enabledRules, hasType, ruleLabel, rulesetsInPhase } from "../lib/util";

/** One limit: the most a client may send per minute, and at once. */
const limitSchema = {
  type: "object",
  required: ["requestsPerMinute", "burst"],
  properties: {
    requestsPerMinute: { type: "number", exclusiveMinimum: 0 },
    burst: { type: "integer", minimum: 1 },
  },
  additionalProperties: false,
} as const;

/** A route class: its limit and the routes it must cover. */
const classSchema = {
  ...limitSchema,
  properties: {
    ...limitSchema.properties,
    paths: { type: "array", items: { type: "string", pattern: "^/[^\\s\"*]*(\\*)?$" }, description: "Routes (/exact or /prefix/*) every request to which must count against the class, whatever its method, host or source." },
  },
} as const;

export const configSchema = {
  properties: {
    classes: {
      type: "object",
      description:
        "Route classes keyed by the name used in rule refs (rate-limit-<class>): the most a client may send per minute, and at once, and the routes the class must cover.",
      additionalProperties: classSchema,
      minProperties: 1,
      default: RATE_LIMITS,
    },
    webhookPaths: {
      type: "array",
      items: { type: "string", pattern: "^/[^*\\s]*$" },
      description: "Exact paths whose POSTs may leave the route classes for the webhook limit (the app's webhook routes).",
      default: WEBHOOK_EXEMPTION.paths,
    },
    webhookLimit: {
      ...limitSchema,
      description: "The loosest limit a rate-limit-webhooks rule may have (per client IP and Cloudflare data center).",
      default: WEBHOOK_EXEMPTION.rateLimit,
    },
  },
} as const;

interface Config {
  classes: Record<string, RateLimitClass>;
  webhookPaths: string[];
  webhookLimit: RateLimitClass;
}

const PATH_ATOM = /starts_with\(http\.request\.uri\.path, *"(?:[^"\\]|\\.)*"\)|http\.request\.uri\.path (?:eq|==) *"(?:[^"\\]|\\.)*"/g;
const PATH_ONLY = /^(?:starts_with\(http\.request\.uri\.path, *"(?:[^"\\]|\\.)*"\)|http\.request\.uri\.path (?:eq|==) *"(?:[^"\\]|\\.)*")$/;

/** A top-level `not …` conjunct's operand, or undefined. */
function negated(conjunct: string): string | undefined {
  const m = /^not\s*(.*)$/s.exec(conjunct) ?? /^!\s*(.*)$/s.exec(conjunct);
  return m?.[1] === undefined ? undefined : unwrapParens(m[1]);
}

/** Whether an exclusion names paths only (`starts_with(path, …)` / `path eq …`, or-ed): a more specific class nested in this one. */
function isPathOnly(expression: string): boolean {
  return splitTopLevel(expression, "or").every((part) => PATH_ONLY.test(unwrapParens(part)));
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
  const { classes, webhookPaths, webhookLimit } = configFrom<Config>(configSchema, args);
  const webhookClass = WEBHOOK_EXEMPTION.rateLimitClass;
  const names = Object.keys(classes);
  const refNames = names.includes(webhookClass) ? names : [...names, webhookClass];
  const scope: ExemptionScope = { paths: webhookPaths, method: WEBHOOK_EXEMPTION.method };
  const tooBroad = (label: string, what: string, expression: string, problem: string) =>
    `${label} ${what} "${expression}", which is too broad: ${problem}. Only webhook deliveries may be exempt, e.g. "${exemptionExample(scope)}" (further conjuncts such as ip.src in {…} may narrow it).`;

  // Custom rules that skip rate limiting (Cloudflare "skip" with phases/products) must be as narrow.
  for (const { ruleset, rule, index } of enabledRules(rulesetsInPhase(args.resources, PHASES.customWaf))) {
    const p = rule.actionParameters ?? {};
    if (rule.action !== "skip" || !((p.phases ?? []).includes(PHASES.rateLimit) || (p.products ?? []).includes("rateLimit"))) continue;
    const problem = exemptionScopeProblem(rule.expression, scope);
    if (problem) reportViolation(tooBroad(ruleLabel(ruleset, rule, index), "skips every rate-limit rule where", rule.expression, problem), ruleset.resource.urn);
  }
  const rateLimitRules = enabledRules(rulesetsInPhase(args.resources, PHASES.rateLimit));

  interface Effective {
    rpm: number;
    burst: number;
    label: string;
    urn: string;
    /** Whether the rule counts a request to this path, whatever the request's other fields. */
    counts: (path: string) => boolean;
  }
  const byClass = new Map<string, Effective[]>();

  for (const { ruleset, rule, index } of rateLimitRules) {
    const label = ruleLabel(ruleset, rule, index);
    const urn = ruleset.resource.urn;
    const cls = rule.ref ? classOf(rule.ref, refNames) : undefined;
    const isWebhook = cls === webhookClass && !names.includes(webhookClass);
    if (isWebhook) {
      const problem = exemptionScopeProblem(rule.expression, scope);
      if (problem) reportViolation(tooBroad(label, "applies the webhook limit where", rule.expression, problem), urn);
    } else if (cls) {
      // Exclusions: a nested class's paths, or the narrow webhook exemption; nothing else.
      for (const conjunct of splitTopLevel(rule.expression, "and")) {
        const excluded = negated(conjunct);
        if (excluded === undefined) continue;
        if (!isPathOnly(excluded)) {
          const problem = exemptionScopeProblem(excluded, scope);
          if (problem) reportViolation(tooBroad(label, `takes out of class "${cls}" the requests where`, excluded, problem), urn);
          continue;
        }
        for (const atom of excluded.match(PATH_ATOM) ?? []) {
          const counted = rateLimitRules.some(
            (other) => other.rule !== rule && other.rule.ref !== undefined && classOf(other.rule.ref, names) !== cls && splitTopLevel(other.rule.expression, "and").some((c) => negated(c) === undefined && c.includes(atom)),
          );
          if (!counted) {
            reportViolation(`${label} takes "${atom}" out of class "${cls}" but no other class's rule counts it, so those requests are not rate limited. Remove the exclusion, or add a class for that path.`, urn);
          }
        }
      }
    }
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
    // Counted per client: any other characteristic gives each of its values a counter of its own.
    const keys = rl.characteristics ?? [];
    const extra = keys.filter((k) => !RATE_LIMIT_CHARACTERISTICS.includes(k));
    if (extra.length > 0 || !keys.some((k) => k === "ip.src" || k === "cf.unique_visitor_id")) {
      reportViolation(
        `${label} counts requests per ${JSON.stringify(keys)}; it must count per client (ip.src or cf.unique_visitor_id, with cf.colo.id) and nothing else, or a client that varies ${extra.length > 0 ? extra.join(", ") : "its address"} is never limited.`,
        urn,
      );
      continue;
    }
    if (rl.requestsToOrigin === true) {
      reportViolation(`${label} counts only requests that reach the origin (requestsToOrigin: true); every request to the class's routes must count.`, urn);
      continue;
    }
    const counting = rl.countingExpression?.trim() ? rl.countingExpression : undefined;
    const list = byClass.get(cls) ?? [];
    list.push({
      rpm: (rl.requestsPerPeriod * 60) / rl.period,
      burst: rl.requestsPerPeriod,
      label: `${label} (${rl.requestsPerPeriod} requests per ${rl.period} s)`,
      urn,
      counts: (path) => matchesProbe(rule.expression, { path }) === true && (counting === undefined || matchesProbe(counting, { path }) === true),
    });
    byClass.set(cls, list);
  }

  const checked: [string, RateLimitClass][] = Object.entries(classes);
  if (byClass.has(webhookClass) && !names.includes(webhookClass)) checked.push([webhookClass, webhookLimit]);
  const source = (cls: string) => (cls === webhookClass && !names.includes(webhookClass) ? `the webhook limit (this policy's "webhookLimit")` : "the guide");
  for (const [cls, limit] of checked) {
    const rules = byClass.get(cls);
    if (!rules || rules.length === 0) {
      reportViolation(
        `Route class "${cls}" has no blocking rate-limit rule (guide: ${limit.requestsPerMinute}/min, burst ${limit.burst}). Add a rule with ref "${RATE_LIMIT_REF_PREFIX}${cls}" to the ${PHASES.rateLimit} ruleset.`,
      );
      continue;
    }
    // Per route of the class: the rules that count every request to it (whatever its method, host
    // or source) must hold the limit. A class without routes in the config is judged on all its rules.
    const routes = limit.paths ?? RATE_LIMITS[cls]?.paths ?? [];
    const groups: Array<{ route: string | undefined; rules: Effective[] }> = [];
    for (const route of routes) {
      for (const path of samplePaths(route)) {
        const counting = rules.filter((r) => r.counts(path));
        if (counting.length === 0) {
          reportViolation(
            `Route class "${cls}" does not cover ${route}: no blocking rule of the class counts every request to ${path}, whatever its method, host or source (guide: ${limit.requestsPerMinute}/min, burst ${limit.burst}). Give a "${RATE_LIMIT_REF_PREFIX}${cls}" rule an expression matching all of ${route} and nothing narrower.`,
            rules[0]?.urn,
          );
          break;
        }
        groups.push({ route, rules: counting });
      }
    }
    if (routes.length === 0) groups.push({ route: undefined, rules });
    // One message per (limit, strictest rule), naming the routes it is too loose on.
    const findings = new Map<string, { routes: string[]; text: (where: string) => string; urn: string }>();
    const note = (key: string, route: string | undefined, text: (where: string) => string, urn: string) => {
      const f = findings.get(key) ?? { routes: [], text, urn };
      if (route && !f.routes.includes(route)) f.routes.push(route);
      findings.set(key, f);
    };
    for (const group of groups) {
      const strictestRate = group.rules.reduce((a, b) => (b.rpm < a.rpm ? b : a));
      if (strictestRate.rpm > limit.requestsPerMinute) {
        note(`rate ${strictestRate.label}`, group.route, (where) => `Route class "${cls}" allows ${fmt(strictestRate.rpm)} requests/min${where} even by its strictest rule, ${strictestRate.label}; ${source(cls)} allows at most ${limit.requestsPerMinute}/min.`, strictestRate.urn);
      }
      const strictestBurst = group.rules.reduce((a, b) => (b.burst < a.burst ? b : a));
      if (strictestBurst.burst > limit.burst) {
        note(`burst ${strictestBurst.label}`, group.route, (where) => `Route class "${cls}" allows bursts of ${strictestBurst.burst} requests${where} even by its strictest rule, ${strictestBurst.label}; ${source(cls)} allows a burst of at most ${limit.burst}.`, strictestBurst.urn);
      }
    }
    for (const f of findings.values()) {
      const everywhere = f.routes.length === 0 || f.routes.length === routes.length;
      reportViolation(f.text(everywhere ? "" : ` on ${f.routes.join(", ")}`), f.urn);
    }
  }
}

export const rateLimits: StackValidationPolicy = {
  name: "rate-limits",
  description:
    "Each route class (auth, API, AI) is rate limited at the edge, no looser than the guide (auth 10/min burst 20, API 100/min burst 200, AI 30/min burst 50), and every rate-limit rule belongs to a known class; only webhook POSTs to exact webhook paths may leave the classes, for a limit of their own.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateRateLimits,
};
