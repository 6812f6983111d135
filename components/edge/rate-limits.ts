import * as pulumi from "@pulumi/pulumi";
import type { PlanTier } from "./plans";
import { type RateLimitClass, rateLimitRules } from "./rate-limit-mapping";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES } from "./types";
import type { WebhookExemption } from "./webhook-exemption";

export interface RateLimitsArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** The zone's plan: decides the rule count and counting periods available. */
  plan: PlanTier;
  /** Classes keyed by the name used in refs (`rate-limit-<class>`). */
  classes: Readonly<Record<string, RateLimitClass>>;
  /** Action for a client over the limit. @default "block" */
  action?: string;
  /**
   * Webhook deliveries taken out of the classes and limited by their own rule `rate-limit-webhooks`.
   * @default undefined (no exemption: webhook paths count against their class like any route)
   */
  webhookExemption?: WebhookExemption;
}

/** The guide's rate limits as window rules the plan accepts (see rate-limit-mapping.ts for the mapping). */
export class RateLimits extends pulumi.ComponentResource {
  readonly rulesetId: pulumi.Output<string>;

  constructor(name: string, args: RateLimitsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:RateLimits", name, {}, opts);
    const rules = rateLimitRules(args.classes, args.plan, args.action ?? "block", args.webhookExemption);
    const ruleset = phaseRuleset(this, `${name}-ruleset`, {
      zoneId: args.zoneId,
      phase: PHASES.rateLimit,
      naming: args.naming,
      role: "rate-limits",
      description: args.webhookExemption ? "Guide rate_limits: auth, API and AI classes; webhook deliveries on their own limit" : "Guide rate_limits: auth, API and AI classes",
      rules,
    });
    this.rulesetId = ruleset.id;
    this.registerOutputs({ rulesetId: this.rulesetId });
  }
}
