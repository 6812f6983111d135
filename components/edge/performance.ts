import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { quote } from "./expressions";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES, type RuleSpec } from "./types";

export interface PerformanceArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** Media types compressed with Brotli (gzip fallback). @default the guide's text/html, text/css, application/json, application/javascript */
  compressTypes: readonly string[];
}

/**
 * `http_response_compression`: the guide's types get Brotli, else gzip. Cloudflare picks the
 * compression level itself (the guide's "level 6" cannot be set); it already compresses these
 * types by default, and this rule pins the algorithm order so a default change cannot drop them.
 */
export function compressionRules(types: readonly string[]): RuleSpec[] {
  return [
    {
      ref: "compress-guide-types",
      description: `Guide compression: ${types.join(", ")} with Brotli, gzip fallback`,
      expression: `http.response.content_type.media_type in {${types.map(quote).join(" ")}}`,
      action: "compress_response",
      enabled: true,
      actionParameters: { algorithms: [{ name: "brotli" }, { name: "gzip" }] },
    },
  ];
}

/** The guide's "CDN configuration" beyond cache rules: Brotli, compression, Smart Tiered Cache. */
export class Performance extends pulumi.ComponentResource {
  readonly compressionRulesetId: pulumi.Output<string>;

  constructor(name: string, args: PerformanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:Performance", name, {}, opts);
    new cloudflare.ZoneSetting(`${name}-setting-brotli`, { zoneId: args.zoneId, settingId: "brotli", value: "on" }, { parent: this });
    new cloudflare.TieredCache(`${name}-tiered-cache`, { zoneId: args.zoneId, value: "on" }, { parent: this });
    const ruleset = phaseRuleset(this, `${name}-compression`, {
      zoneId: args.zoneId,
      phase: PHASES.compression,
      naming: args.naming,
      role: "compression",
      description: "Response compression (guide CDN configuration)",
      rules: compressionRules(args.compressTypes),
    });
    this.compressionRulesetId = ruleset.id;
    this.registerOutputs({ compressionRulesetId: this.compressionRulesetId });
  }
}
