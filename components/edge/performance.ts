import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { quote } from "./expressions";
import { phaseRuleset, type RulesetNaming } from "./ruleset";
import { PHASES, type RuleSpec, type TieredCacheMode } from "./types";

export interface PerformanceArgs {
  zoneId: pulumi.Input<string>;
  naming: RulesetNaming;
  /** Media types compressed with Brotli (gzip fallback). @default the guide's text/html, text/css, application/json, application/javascript */
  compressTypes: readonly string[];
  /**
   * Tiered Cache: `"off"`, `"generic"` (on, Generic Global topology) or `"smart"` (on, Smart
   * topology). Smart cannot locate an anycast origin such as Vercel (Cloudflare docs, Tiered Cache
   * → Caveats); see `promptandpause:edge.tieredCache`. Cost: free on every plan. @default "off"
   */
  tieredCache?: TieredCacheMode;
}

/**
 * The two zone switches behind a Tiered Cache mode. Cloudflare's Tiered Cache is on only when
 * `argo/tiered_caching` is on (provider resource `ArgoTieredCaching`); the topology is Smart when
 * `cache/tiered_cache_smart_topology_enable` is also on (provider resource `TieredCache`, "Enable or
 * disable the Smart Tiered Cache"), Generic Global otherwise. Turning on the Smart switch alone
 * leaves Tiered Cache off.
 */
export function tieredCacheSwitches(mode: TieredCacheMode): { tieredCaching: "on" | "off"; smartTopology: "on" | "off" } {
  return { tieredCaching: mode === "off" ? "off" : "on", smartTopology: mode === "smart" ? "on" : "off" };
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

/**
 * The guide's "CDN configuration" beyond cache rules: response compression and Tiered Cache.
 * There is no `brotli` zone setting: Cloudflare retired its API (end of life 2024-06-14; Brotli is
 * on for every zone), and the compression rule below orders Brotli first.
 */
export class Performance extends pulumi.ComponentResource {
  readonly compressionRulesetId: pulumi.Output<string>;

  constructor(name: string, args: PerformanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:Performance", name, {}, opts);
    const switches = tieredCacheSwitches(args.tieredCache ?? "off");
    const tieredCaching = new cloudflare.ArgoTieredCaching(`${name}-tiered-caching`, { zoneId: args.zoneId, value: switches.tieredCaching }, { parent: this });
    // The topology switch after the Tiered Cache switch: Smart needs Tiered Cache on.
    new cloudflare.TieredCache(`${name}-tiered-cache`, { zoneId: args.zoneId, value: switches.smartTopology }, { parent: this, dependsOn: [tieredCaching] });
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
