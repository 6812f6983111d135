import * as pulumi from "@pulumi/pulumi";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES } from "./types";
import { customWafRules, managedWafRules, type WafSettings } from "./waf-rules";
import type { WebhookExemption } from "./webhook-exemption";

export interface WafArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** OWASP sensitivity/paranoia/action, upload routes and content types (see `promptandpause:edge.waf`). */
  waf: WafSettings;
  /** Largest request body the app accepts, bytes (Vercel Functions: 4.5 MB); files go to Supabase Storage directly. */
  maxRequestBodyBytes: number;
  /**
   * Webhook deliveries that skip the OWASP Core Ruleset (exact paths, POST, optional source IPs).
   * @default undefined (no exception: every request runs both managed rulesets)
   */
  webhookExemption?: Pick<WebhookExemption, "paths" | "sourceIps">;
}

/** The guide's "WAF" step: managed rulesets plus the four custom rule families. */
export class Waf extends pulumi.ComponentResource {
  readonly managedRulesetId: pulumi.Output<string>;
  readonly customRulesetId: pulumi.Output<string>;

  constructor(name: string, args: WafArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:Waf", name, {}, opts);
    const managed = phaseRuleset(this, `${name}-managed`, {
      zoneId: args.zoneId,
      phase: PHASES.managedWaf,
      naming: args.naming,
      role: "waf-managed",
      description: "Cloudflare Managed Ruleset and OWASP Core Ruleset",
      rules: managedWafRules(args.waf, args.webhookExemption),
    });
    const custom = phaseRuleset(this, `${name}-custom`, {
      zoneId: args.zoneId,
      phase: PHASES.customWaf,
      naming: args.naming,
      role: "waf-custom",
      description: "Guide waf_rules: SQL injection, XSS, path traversal, file upload validation",
      rules: customWafRules(args.waf, args.maxRequestBodyBytes),
    });
    this.managedRulesetId = managed.id;
    this.customRulesetId = custom.id;
    this.registerOutputs({ managedRulesetId: this.managedRulesetId, customRulesetId: this.customRulesetId });
  }
}
