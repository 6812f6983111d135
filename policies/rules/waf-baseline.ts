/**
 * waf-baseline: the zone's WAF executes the Cloudflare Managed Ruleset and the OWASP Core Ruleset
 * on all traffic (not disabled, not downgraded to log), and the custom ruleset has an enabled,
 * blocking rule for each of the guide's four families (SQL injection, XSS, path traversal, file
 * upload validation), identified by ref `waf-<family>`.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { BLOCKING_ACTIONS, MANAGED_RULESETS, PHASES, TYPES, WAF_RULE_REFS } from "../guide";
import { configWithDefaults, enabledRules, hasType, ruleLabel, rulesetsInPhase } from "../lib/util";

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
  },
} as const;

interface Config {
  managedRulesets: Record<string, string>;
  customRuleRefs: string[];
}

export function validateWafBaseline(args: StackValidationArgs, reportViolation: ReportViolation): void {
  if (!hasType(args.resources, TYPES.zone)) args.notApplicable("The stack has no Cloudflare zone.");
  const cfg = configWithDefaults<Config>({ managedRulesets: { ...MANAGED_RULESETS }, customRuleRefs: [...WAF_RULE_REFS] }, args);

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
      if (overrides?.action === "log") reportViolation(`${label} downgrades the ${title} to log only (overrides.action "log").`, ruleset.resource.urn);
    }
  }

  const custom = enabledRules(rulesetsInPhase(args.resources, PHASES.customWaf));
  for (const ref of cfg.customRuleRefs) {
    const rule = custom.find((r) => r.rule.ref === ref);
    if (!rule) {
      reportViolation(`The WAF custom rule with ref "${ref}" is missing or disabled. Add it to the ${PHASES.customWaf} ruleset with a blocking action.`);
    } else if (!BLOCKING_ACTIONS.includes(rule.rule.action)) {
      reportViolation(`${ruleLabel(rule.ruleset, rule.rule, rule.index)} has action "${rule.rule.action}"; it must be one of ${BLOCKING_ACTIONS.join(", ")}.`, rule.ruleset.resource.urn);
    }
  }
}

export const wafBaseline: StackValidationPolicy = {
  name: "waf-baseline",
  description:
    "The WAF executes the Cloudflare Managed and OWASP Core rulesets on all traffic and blocks the guide's four families (SQL injection, XSS, path traversal, file upload) with custom rules.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateWafBaseline,
};
