import * as pulumi from "@pulumi/pulumi";
import { type CacheSettings, cacheRules } from "./cache-policy";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES } from "./types";

export interface CacheRulesArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** Edge cache rules, API bypass prefixes and private (never edge-cached) paths. */
  cache: CacheSettings;
}

/** The guide's "Edge Cache" step (`http_request_cache_settings`). */
export class CacheRules extends pulumi.ComponentResource {
  readonly rulesetId: pulumi.Output<string>;

  constructor(name: string, args: CacheRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:CacheRules", name, {}, opts);
    const ruleset = phaseRuleset(this, `${name}-ruleset`, {
      zoneId: args.zoneId,
      phase: PHASES.cache,
      naming: args.naming,
      role: "cache-rules",
      description: "Guide cache_rules; per-user paths never edge-cached",
      rules: cacheRules(args.cache),
    });
    this.rulesetId = ruleset.id;
    this.registerOutputs({ rulesetId: this.rulesetId });
  }
}
