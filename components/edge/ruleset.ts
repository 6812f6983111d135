import * as cloudflare from "@pulumi/cloudflare";
import type * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import type { Phase, RuleSpec } from "./types";

/** Names every ruleset of one stack: `<project>-<environment>-<role>`. */
export interface RulesetNaming {
  project: string;
  environment: string;
}

/**
 * The zone's entrypoint ruleset of one phase. Only one may exist per zone and phase, so each phase
 * is created by exactly one component, through this helper.
 */
export function phaseRuleset(
  parent: pulumi.Resource,
  logicalName: string,
  args: { zoneId: pulumi.Input<string>; phase: Phase; naming: RulesetNaming; role: string; description: string; rules: RuleSpec[] },
): cloudflare.Ruleset {
  return new cloudflare.Ruleset(
    logicalName,
    {
      zoneId: args.zoneId,
      kind: "zone",
      phase: args.phase,
      name: physicalName("cloudflare-ruleset", [args.naming.project, args.naming.environment, args.role]),
      description: args.description,
      rules: args.rules,
    },
    { parent },
  );
}
