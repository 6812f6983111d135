/**
 * waf-baseline: the zone's WAF executes the Cloudflare Managed Ruleset and the OWASP Core Ruleset
 * on all traffic (not disabled, not downgraded to log), and the custom ruleset has an enabled,
 * blocking rule for each of the guide's four families (SQL injection, XSS, path traversal, file
 * upload validation), identified by ref `waf-<family>`.
 *
 * Skip rules (Cloudflare "exceptions") in either WAF phase must be narrow: one top-level `and`
 * conjunct limits the path to exact allowed webhook paths and another the method to POST
 * (policies/lib/exemption.ts). What they may skip: in the managed phase only the rulesets in
 * `skippableRulesets` (OWASP), never `ruleset: "current"` (that would skip the Cloudflare Managed
 * Ruleset too); in the custom phase never the remaining custom rules (the guide's four families)
 * nor the whole managed phase. Skip rules that only skip rate limiting belong to `rate-limits`.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { BLOCKING_ACTIONS, MANAGED_RULESETS, OWASP_FLOOR, PHASES, TYPES, WAF_PROBES, WAF_RULE_REFS, WEBHOOK_EXEMPTION } from "../guide";
import { exemptionExample, exemptionScopeProblem } from "../lib/exemption";
import { matchesProbe } from "../lib/expression";
import type { RulesetRuleInputs } from "../lib/shapes";
import { configFrom, enabledRules, hasType, ruleLabel, rulesetsInPhase, type StackRuleset } from "../lib/util";

export const configSchema = {
  properties: {
    managedRulesets: {
      type: "object",
      additionalProperties: { type: "string", pattern: "^[0-9a-f]{32}$" },
      description: "Managed rulesets that must be executed: display name → ruleset id.",
      default: MANAGED_RULESETS,
    },
    customRuleRefs: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Refs of the WAF custom rules that must exist, enabled and blocking.",
      default: WAF_RULE_REFS,
    },
    webhookPaths: {
      type: "array",
      items: { type: "string", pattern: "^/[^*\\s]*$" },
      description: "Exact paths a WAF skip rule (exception) may cover, with method POST only: the app's webhook routes.",
      default: WEBHOOK_EXEMPTION.paths,
    },
    skippableRulesets: {
      type: "array",
      items: { type: "string", pattern: "^[0-9a-f]{32}$" },
      description: "Managed ruleset ids an exception may skip for those requests (default: the OWASP Core Ruleset only).",
      default: WEBHOOK_EXEMPTION.skippableRulesets,
    },
  },
} as const;

interface Config {
  managedRulesets: Record<string, string>;
  customRuleRefs: string[];
  webhookPaths: string[];
  skippableRulesets: string[];
}

/** Skip targets that are rate limiting only (checked by `rate-limits`). */
const RATE_LIMIT_SKIP_TARGETS = new Set(["http_ratelimit", "rateLimit"]);

/** What a skip rule skips, in words, when that is not allowed; undefined when it is. */
function forbiddenSkip(phase: string, rule: RulesetRuleInputs, cfg: Config, names: Record<string, string>): string | undefined {
  const p = rule.actionParameters ?? {};
  const name = (id: string) => (names[id] ? `the ${names[id]} (${id})` : id);
  if (p.ruleset === "current") {
    return phase === PHASES.managedWaf
      ? `skips every remaining managed rule (ruleset "current"), the Cloudflare Managed Ruleset included; skip only rulesets: [${cfg.skippableRulesets.map((id) => `"${id}"`).join(", ")}]`
      : `skips the remaining custom rules (ruleset "current"), which block the guide's four families; remove it`;
  }
  const rulesets = [...(p.rulesets ?? []), ...Object.keys(p.rules ?? {})].filter((id) => !cfg.skippableRulesets.includes(id));
  if (rulesets.length > 0) return `skips ${rulesets.map(name).join(", ")}, which must run on all traffic`;
  if ((p.phases ?? []).includes(PHASES.managedWaf)) return `skips the whole ${PHASES.managedWaf} phase (both managed rulesets); use an exception in that phase with rulesets: [<OWASP id>] instead`;
  return undefined;
}

function checkSkipRules(rulesets: StackRuleset[], phase: string, cfg: Config, reportViolation: ReportViolation): void {
  const names = Object.fromEntries(Object.entries(cfg.managedRulesets).map(([title, id]) => [id, title]));
  const scope = { paths: cfg.webhookPaths, method: WEBHOOK_EXEMPTION.method };
  for (const { ruleset, rule, index } of enabledRules(rulesets)) {
    if (rule.action !== "skip") continue;
    const p = rule.actionParameters ?? {};
    const targets = [...(p.phases ?? []), ...(p.products ?? [])];
    const rateLimitOnly = p.ruleset === undefined && p.rulesets === undefined && p.rules === undefined && targets.length > 0 && targets.every((t) => RATE_LIMIT_SKIP_TARGETS.has(t));
    if (rateLimitOnly) continue;
    const label = ruleLabel(ruleset, rule, index);
    const forbidden = forbiddenSkip(phase, rule, cfg, names);
    if (forbidden) reportViolation(`${label} ${forbidden}.`, ruleset.resource.urn);
    const problem = exemptionScopeProblem(rule.expression, scope);
    if (problem) {
      reportViolation(
        `${label} skips WAF rules where "${rule.expression}" matches, which is too broad: ${problem}. A WAF exception must cover exactly the webhook deliveries, e.g. "${exemptionExample(scope)}" (further conjuncts such as ip.src in {…} may narrow it).`,
        ruleset.resource.urn,
      );
    }
  }
}

export function validateWafBaseline(args: StackValidationArgs, reportViolation: ReportViolation): void {
  if (!hasType(args.resources, TYPES.zone)) args.notApplicable("The stack has no Cloudflare zone.");
  const cfg = configFrom<Config>(configSchema, args);

  const executes = enabledRules(rulesetsInPhase(args.resources, PHASES.managedWaf)).filter((r) => r.rule.action === "execute");
  for (const [title, id] of Object.entries(cfg.managedRulesets)) {
    const found = executes.filter((r) => r.rule.actionParameters?.id === id);
    if (found.length === 0) {
      reportViolation(`The ${title} (${id}) is not executed. Add a rule { action: "execute", expression: "true", actionParameters: { id: "${id}" } } to the ${PHASES.managedWaf} ruleset.`);
      continue;
    }
    for (const { ruleset, rule, index } of found) {
      const label = ruleLabel(ruleset, rule, index);
      const overrides = rule.actionParameters?.overrides;
      if (rule.expression.trim() !== "true") reportViolation(`${label} runs the ${title} only where "${rule.expression}" matches; it must run on all traffic (expression "true").`, ruleset.resource.urn);
      if (overrides?.enabled === false) reportViolation(`${label} disables every rule of the ${title} (overrides.enabled false).`, ruleset.resource.urn);
      if (overrides?.action !== undefined && !BLOCKING_ACTIONS.includes(overrides.action)) {
        reportViolation(`${label} changes what every rule of the ${title} does to "${overrides.action}" (overrides.action); only ${BLOCKING_ACTIONS.join(", ")} stops a request.`, ruleset.resource.urn);
      }
      for (const problem of overrideProblems(overrides, title)) reportViolation(`${label} ${problem}`, ruleset.resource.urn);
    }
  }

  checkSkipRules(rulesetsInPhase(args.resources, PHASES.managedWaf), PHASES.managedWaf, cfg, reportViolation);
  checkSkipRules(rulesetsInPhase(args.resources, PHASES.customWaf), PHASES.customWaf, cfg, reportViolation);

  const custom = enabledRules(rulesetsInPhase(args.resources, PHASES.customWaf));
  for (const ref of cfg.customRuleRefs) {
    const rule = custom.find((r) => r.rule.ref === ref);
    if (!rule) {
      reportViolation(`The WAF custom rule with ref "${ref}" is missing or disabled. Add it to the ${PHASES.customWaf} ruleset with a blocking action.`);
      continue;
    }
    if (!BLOCKING_ACTIONS.includes(rule.rule.action)) {
      reportViolation(`${ruleLabel(rule.ruleset, rule.rule, rule.index)} has action "${rule.rule.action}"; it must be one of ${BLOCKING_ACTIONS.join(", ")}.`, rule.ruleset.resource.urn);
      continue;
    }
    // What the family must block: its rules (ref `<family>` or `<family>-…`) evaluated on an attack.
    const probe = WAF_PROBES[ref];
    if (!probe) continue;
    const family = custom.filter((r) => r.rule.ref === ref || r.rule.ref?.startsWith(`${ref}-`)).filter((r) => BLOCKING_ACTIONS.includes(r.rule.action));
    if (!family.some((r) => matchesProbe(r.rule.expression, probe) === true)) {
      reportViolation(
        `${ruleLabel(rule.ruleset, rule.rule, rule.index)} does not block ${probe.what} (${probe.method ?? "GET"} ${probe.rawUri ?? probe.path}${probe.query ? `?${probe.query}` : ""}) whatever its host or source: no enabled blocking rule of the family matches it. The guide's ${ref.replace(/^waf-/, "")} protection must cover every request.`,
        rule.ruleset.resource.urn,
      );
    }
  }
}

/** What a managed ruleset's per-rule and per-tag overrides switch off or downgrade, in words. */
function overrideProblems(overrides: NonNullable<RulesetRuleInputs["actionParameters"]>["overrides"], title: string): string[] {
  const problems: string[] = [];
  for (const r of overrides?.rules ?? []) {
    if (r.enabled === false) problems.push(`disables rule ${r.id} of the ${title} (overrides.rules enabled false).`);
    if (r.action !== undefined && !BLOCKING_ACTIONS.includes(r.action)) problems.push(`changes rule ${r.id} of the ${title} to "${r.action}" (overrides.rules action); only ${BLOCKING_ACTIONS.join(", ")} stops a request.`);
    if (r.id === OWASP_FLOOR.scoreRuleId && r.scoreThreshold !== undefined && r.scoreThreshold > OWASP_FLOOR.maxScoreThreshold) {
      problems.push(`sets the anomaly score threshold to ${r.scoreThreshold}; Cloudflare's least sensitive level is ${OWASP_FLOOR.maxScoreThreshold} (low), and a higher one turns the ruleset off in all but name.`);
    }
  }
  for (const c of overrides?.categories ?? []) {
    if (c.enabled === false && !OWASP_FLOOR.disableableCategories.includes(c.category)) problems.push(`disables the "${c.category}" rules of the ${title}; only ${OWASP_FLOOR.disableableCategories.join(", ")} may be turned off.`);
    if (c.action !== undefined && !BLOCKING_ACTIONS.includes(c.action)) problems.push(`changes the "${c.category}" rules of the ${title} to "${c.action}"; only ${BLOCKING_ACTIONS.join(", ")} stops a request.`);
  }
  return problems;
}

export const wafBaseline: StackValidationPolicy = {
  name: "waf-baseline",
  description:
    "The WAF executes the Cloudflare Managed and OWASP Core rulesets on all traffic and blocks the guide's four families (SQL injection, XSS, path traversal, file upload) with custom rules; the only exception allowed skips OWASP for webhook POSTs to exact webhook paths.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateWafBaseline,
};
