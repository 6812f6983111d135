import type * as pulumi from "@pulumi/pulumi";
import { AlertTopics } from "../../components/aws-shared/alert-topics";
import { RoleBoundary } from "../../components/aws-shared/role-boundary";
import { EgressFilter } from "../../components/firewall/egress-filter";
import { Firewall } from "../../components/firewall/firewall";
import { AdminHost } from "../../components/management/admin-host";
import { Network } from "../../components/network/network";
import { SEGMENTS, type Segment } from "../../components/network/segments";
import { platformTags } from "../../components/shared/tags";
import type { AwsSharedOutputs, NetworkOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The AWS foundation every AWS layer stands on: the alert topics, the permissions boundary of
 * every workload role (created first: a role can only be created with an existing boundary), the VPC with the guide's five
 * segments, the firewall from the guide's table, and the admin host in the management segment.
 * `workloadSegments` lists the segments whose workloads exist in this stack, so every security
 * group is attached to something real.
 */
export function composeNetwork(
  ctx: LayerContext,
  workloadSegments: readonly Segment[],
): { shared: AwsSharedOutputs; network: NetworkOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeNetwork: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const namePrefix = `${config.project}-${config.environment}`;
  const opts = { providers: [aws] };

  const boundary = new RoleBoundary("role-boundary", { namePrefix }, opts);
  const permissionsBoundary = boundary.arn;
  const alerts = new AlertTopics("alerts", { namePrefix, accountId: config.aws.accountId, operationsEmail: config.contacts.operations, securityEmail: config.contacts.security }, opts);
  const network = new Network(
    "network",
    {
      namePrefix,
      cidr: config.network.cidr,
      availabilityZones: config.aws.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      region: config.aws.region,
      accountId: config.aws.accountId,
      egressInspection: config.network.egressFiltering.mode === "network-firewall",
      permissionsBoundary,
    },
    opts,
  );
  if (network.inspection) {
    const applicationCidrs = Object.fromEntries(network.subnets.filter((s) => s.segment === "application").map((s) => [s.az, s.cidr]));
    new EgressFilter(
      "egress-filter",
      { namePrefix, vpcId: network.vpcId, ...network.inspection, applicationCidrs, allowedDomains: config.network.egressFiltering.allowedDomains, logRetentionDays: config.network.flowLogRetentionDays },
      opts,
    );
  }
  const segments = new Set<Segment>(workloadSegments);
  if (config.network.adminHost.enabled) segments.add("management");
  const firewall = new Firewall(
    "firewall",
    { namePrefix, vpcId: network.vpcId, vpcCidr: network.vpcCidr, networkAclIds: network.networkAclIds, workloadSegments: SEGMENTS.filter((s) => segments.has(s)), adminCidrs: config.network.adminCidrs },
    opts,
  );
  const management = firewall.securityGroupIds.management;
  if (config.network.adminHost.enabled && management) {
    new AdminHost(
      "admin-host",
      {
        namePrefix,
        subnetIds: Object.values(network.subnetIds.management),
        securityGroupId: management,
        instanceType: config.network.adminHost.instanceType,
        instanceTags: platformTags(config.project, config.environment),
        patchGroup: namePrefix,
        permissionsBoundary,
      },
      opts,
    );
  }

  const subnetCidrs = Object.fromEntries(SEGMENTS.map((s) => [s, {} as Record<string, string>])) as Record<Segment, Record<string, string>>;
  for (const subnet of network.subnets) subnetCidrs[subnet.segment][subnet.az] = subnet.cidr;
  return {
    shared: {
      accountId: config.aws.accountId,
      region: config.aws.region,
      drRegion: config.aws.drRegion,
      availabilityZones: config.aws.availabilityZones,
      alertTopicArn: alerts.alertTopicArn,
      securityTopicArn: alerts.securityTopicArn,
      alertTopicKmsKeyArn: alerts.kmsKeyArn,
      roleBoundaryArn: permissionsBoundary,
      roleBoundaryName: boundary.policyName,
    },
    network: {
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      subnetIds: network.subnetIds,
      subnetCidrs,
      routeTableIds: network.routeTableIds,
      networkAclIds: network.networkAclIds,
      securityGroupIds: firewall.securityGroupIds,
    },
    stackOutputs: { vpcId: network.vpcId, alertTopicArn: alerts.alertTopicArn, natGateways: network.natGatewayIds.length },
  };
}
