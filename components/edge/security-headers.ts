import * as pulumi from "@pulumi/pulumi";
import { type HeaderSettings, headerRules } from "./header-rules";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES } from "./types";

export interface SecurityHeadersArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** HSTS, Referrer-Policy, Permissions-Policy and private browser TTLs. */
  headers: HeaderSettings;
}

/** Security response headers on /api/* and pages (`http_response_headers_transform`). */
export class SecurityHeaders extends pulumi.ComponentResource {
  readonly rulesetId: pulumi.Output<string>;

  constructor(name: string, args: SecurityHeadersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:SecurityHeaders", name, {}, opts);
    const ruleset = phaseRuleset(this, `${name}-ruleset`, {
      zoneId: args.zoneId,
      phase: PHASES.responseHeaders,
      naming: args.naming,
      role: "response-headers",
      description: "Security headers and private cache-control",
      rules: headerRules(args.headers),
    });
    this.rulesetId = ruleset.id;
    this.registerOutputs({ rulesetId: this.rulesetId });
  }
}
