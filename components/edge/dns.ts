import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { type DnsInputs, dnsRecords, wwwRedirectRules } from "./dns-records";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES } from "./types";

export interface DnsArgs extends DnsInputs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** Tags on every record, as `name:value` (DNS record tags need a paid plan). @default [] */
  tags?: string[];
}

/** The zone's records (app, mail, CAA) and the www → apex redirect. */
export class Dns extends pulumi.ComponentResource {
  readonly records: Record<string, cloudflare.DnsRecord>;
  readonly redirectRulesetId: pulumi.Output<string>;

  constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:Dns", name, {}, opts);
    this.records = {};
    for (const spec of dnsRecords(args)) {
      this.records[spec.role] = new cloudflare.DnsRecord(
        `${name}-record-${spec.role}`,
        {
          zoneId: args.zoneId,
          name: spec.name,
          type: spec.type,
          content: spec.content,
          data: spec.data,
          priority: spec.priority,
          proxied: spec.proxied,
          ttl: 1,
          comment: spec.comment,
          tags: args.tags && args.tags.length > 0 ? args.tags : undefined,
        },
        { parent: this },
      );
    }
    const redirect = phaseRuleset(this, `${name}-redirect`, {
      zoneId: args.zoneId,
      phase: PHASES.redirect,
      naming: args.naming,
      role: "redirects",
      description: "Single redirects: www → apex",
      rules: wwwRedirectRules(args.domain),
    });
    this.redirectRulesetId = redirect.id;
    this.registerOutputs({ redirectRulesetId: this.redirectRulesetId });
  }
}
