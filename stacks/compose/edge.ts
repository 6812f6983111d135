import type * as pulumi from "@pulumi/pulumi";
import { Edge, type EdgeOutputs } from "../../components/edge/edge";
import { statefulOptions } from "../../components/shared/stateful";
import type { AppOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The edge layer: Cloudflare in front of the app. The zone is the stateful resource here; the
 * stack's `protectStatefulResources` protects it (ZoneSecurity applies `statefulOptions`).
 */
export function composeEdge(ctx: LayerContext, app: Pick<AppOutputs, "dnsTargets" | "healthCheckPath" | "webhookPaths" | "maxRequestBodyBytes">): { outputs: EdgeOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const cloudflare = ctx.providers.cloudflare;
  if (!cloudflare) throw new Error("composeEdge: ctx.providers.cloudflare is missing (stacks/platform.ts createProviders)");
  const protect = statefulOptions(config.protectStatefulResources).protect;
  const edge = new Edge(
    "edge",
    {
      project: config.project,
      environment: config.environment,
      domain: config.domain,
      settings: config.edge,
      contacts: config.contacts,
      origin: { ...app.dnsTargets, healthCheckPath: app.healthCheckPath },
      webhookPaths: app.webhookPaths,
      maxRequestBodyBytes: app.maxRequestBodyBytes,
      protect,
    },
    { providers: [cloudflare] },
  );
  const o = edge.outputs;
  return {
    outputs: o,
    stackOutputs: {
      zoneId: o.zoneId,
      zoneName: o.zoneName,
      nameServers: o.nameServers,
      dnssecDs: o.dnssecDs,
      rulesetIds: o.rulesetIds,
      healthCheckId: o.healthCheckId,
      healthCheckName: o.healthCheckName,
    },
  };
}
