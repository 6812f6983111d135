import type * as pulumi from "@pulumi/pulumi";
import type { Segment } from "../../components/network/segments";
import { segmentBlock } from "../../components/network/subnets";
import { SiteToSiteVpn } from "../../components/vpn/site-to-site";
import { WireGuardGateway } from "../../components/vpn/wireguard";
import type { AwsSharedOutputs, NetworkOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The guide's two tunnels, each only when its section of `promptandpause:vpn` is set: office →
 * this stack over IPSec (`siteToSite`, prod) and development → this stack over WireGuard
 * (`wireguard`, staging). Both reach only their configured segments: routes, ACL rules and the
 * client's routed ranges are limited to those segments' blocks.
 */
export function composeVpn(ctx: LayerContext, shared: AwsSharedOutputs, network: NetworkOutputs): { stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const stackOutputs: Record<string, pulumi.Input<unknown>> = {};
  if (!config.vpn.siteToSite && !config.vpn.wireguard) return { stackOutputs };
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeVpn: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const namePrefix = `${config.project}-${config.environment}`;
  const opts = { providers: [aws] };
  const blocks = (segments: readonly Segment[]) => segments.map((segment) => segmentBlock(network.vpcCidr, segment));

  const s = config.vpn.siteToSite;
  if (s) {
    const vpn = new SiteToSiteVpn(
      "vpn-office",
      {
        namePrefix,
        vpcId: network.vpcId,
        officePublicIp: s.officePublicIp,
        officeCidrs: s.officeCidrs,
        bgpAsn: s.bgpAsn,
        amazonSideAsn: s.amazonSideAsn,
        routeTableIds: routeTablesOf(network, s.reachableSegments),
        reachableCidrs: blocks(s.reachableSegments),
        networkAcls: { ids: network.networkAclIds, reachableSegments: s.reachableSegments },
        ikeVersions: s.ikeVersions,
        phase1: s.phase1,
        phase2: s.phase2,
        logRetentionDays: s.logRetentionDays,
        alertTopicArn: shared.alertTopicArn,
      },
      opts,
    );
    stackOutputs.siteToSite = { officeConfiguration: vpn.officeConfiguration, logGroup: vpn.logGroupName };
  }

  const w = config.vpn.wireguard;
  if (w) {
    const az = w.availabilityZone ?? shared.availabilityZones[0];
    const publicSubnetId = az ? network.subnetIds.public[az] : undefined;
    const publicCidr = az ? network.subnetCidrs.public[az] : undefined;
    // The instance's own interface needs HTTPS egress through NAT: the application segment has it.
    const instanceSubnetId = az ? network.subnetIds.application[az] : undefined;
    if (!az || !publicSubnetId || !publicCidr || !instanceSubnetId) throw new Error(`composeVpn: no public/application subnet in ${az ?? "(no availability zone)"}`);
    const gateway = new WireGuardGateway(
      "wireguard",
      {
        namePrefix,
        permissionsBoundary: shared.roleBoundaryArn,
        region: shared.region,
        accountId: shared.accountId,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        publicSubnet: { id: publicSubnetId, cidr: publicCidr },
        instanceSubnetId,
        developmentCidrs: w.developmentCidrs,
        tunnelCidr: w.tunnelCidr,
        peers: w.peers,
        routeTableIds: routeTablesOf(network, w.reachableSegments),
        clientAllowedIps: blocks(w.reachableSegments),
        networkAcls: { ids: network.networkAclIds, reachableBlocks: Object.fromEntries(w.reachableSegments.map((seg) => [seg, segmentBlock(network.vpcCidr, seg)])) },
        instanceType: w.instanceType,
        imageParameter: w.imageParameter,
      },
      opts,
    );
    stackOutputs.wireguard = { endpoint: gateway.endpoint, serverPublicKey: gateway.serverPublicKey, clientConfigs: gateway.clientConfigs };
  }
  return { stackOutputs };
}

/** The route tables of `segments`, keyed `<segment>-<i>` (stable: one per AZ or one per segment). */
function routeTablesOf(network: NetworkOutputs, segments: readonly Segment[]): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(segments.flatMap((segment) => network.routeTableIds[segment].map((id, i) => [`${segment}-${i}`, id] as const)));
}
