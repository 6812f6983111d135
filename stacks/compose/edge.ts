import * as pulumi from "@pulumi/pulumi";
import { Edge, type EdgeOutputs } from "../../components/edge/edge";
import { statefulOptions } from "../../components/shared/stateful";
import type { PlatformConfig } from "../config";
import type { AppOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * What the stack's mail settings leave missing, as plan warnings (never faked values):
 * - no DKIM key yet: no DKIM record is published, so Resend cannot verify the domain and mail
 *   from it (Supabase Auth's e-mails through Resend) does not send;
 * - no inbound MX while a contact address is on this domain: mail to it bounces once the zone's
 *   name servers are live.
 */
export function mailWarnings(config: Pick<PlatformConfig, "domain" | "contacts" | "edge">): string[] {
  const warnings: string[] = [];
  const K = "promptandpause:edge.email";
  if (config.edge.email.dkim.length === 0) {
    warnings.push(
      `${K}.dkim is not set: no DKIM record is published for ${config.domain}, so Resend cannot verify the domain and e-mail from it (auth e-mails) will not send. ` +
        `Add the key Resend shows (Domains → ${config.domain} → DNS records, the TXT value of resend._domainkey) under ${K}.dkim.`,
    );
  }
  const onDomain = Object.values(config.contacts).filter((address) => address.split("@")[1]?.toLowerCase() === config.domain.toLowerCase());
  if (config.edge.email.inboundMx.length === 0 && onDomain.length > 0) {
    warnings.push(
      `${K}.inboundMx is empty, but ${[...new Set(onDomain)].join(", ")} ${onDomain.length === 1 ? "is" : "are"} at ${config.domain}: mail to ${onDomain.length === 1 ? "it" : "them"} (alerts, CAA iodef, DMARC reports) will bounce once the zone is live. ` +
        `Add the mailbox provider's MX hosts under ${K}.inboundMx (e.g. Google Workspace: host smtp.google.com, priority 1).`,
    );
  }
  return warnings;
}

/**
 * The edge layer: Cloudflare in front of the app. The zone is the stateful resource here; the
 * stack's `protectStatefulResources` protects it (ZoneSecurity applies `statefulOptions`).
 */
export function composeEdge(ctx: LayerContext, app: Pick<AppOutputs, "dnsTargets" | "healthCheckPath" | "webhookPaths" | "maxRequestBodyBytes">): { outputs: EdgeOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const cloudflare = ctx.providers.cloudflare;
  if (!cloudflare) throw new Error("composeEdge: ctx.providers.cloudflare is missing (stacks/platform.ts createProviders)");
  const protect = statefulOptions(config.protectStatefulResources).protect;
  for (const warning of mailWarnings(config)) pulumi.log.warn(warning);
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
