import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as pulumi from "@pulumi/pulumi";
import { ALLOWED_TUNNEL_VALUES } from "../../policies/lib/vpn";
import { cidrKey } from "../firewall/nacl-rules";
import type { Segment } from "../network/segments";
import { physicalName } from "../shared/naming";
import { createNaclRules, siteToSiteNaclRules } from "./nacl";
import { mergeTags, type Tags } from "../shared/tags";

/** One IPSec phase's proposals (values as AWS spells them, case-sensitive). */
export interface IpsecPhaseProposals {
  /** @default ["AES256", "AES256-GCM-16"] */
  encryption?: string[];
  /** @default ["SHA2-256", "SHA2-384", "SHA2-512"] */
  integrity?: string[];
  /** @default [14, 15, 16, 17, 18, 19, 20, 21] */
  dhGroups?: number[];
}

/**
 * Arguments of {@link SiteToSiteVpn}. The stack composition passes the validated
 * `promptandpause:vpn.siteToSite` (stacks/schema/vpn.ts refuses IKEv1, DH groups outside 14–21,
 * anything but the AES-256 family and SHA-2 ≥ 256 before this runs; the pack checks it again).
 */
export interface SiteToSiteVpnArgs {
  /** Prefix of physical names (`promptandpause-prod`). */
  namePrefix: string;
  /** The VPC the virtual private gateway attaches to. */
  vpcId: pulumi.Input<string>;
  /** The office router's static public IPv4 address. */
  officePublicIp: string;
  /** The office's internal networks. With static routing these are the VPN's routes. */
  officeCidrs: string[];
  /** The office router's BGP ASN: dynamic routing. @default static routing to {@link officeCidrs} */
  bgpAsn?: number;
  /** AWS-side private ASN. @default 64512 */
  amazonSideAsn?: number;
  /**
   * Route tables of the segments the office may reach, keyed by a stable label
   * (`management-0`). Only these learn the office routes (route propagation), so the other
   * segments have no path back to the office.
   */
  routeTableIds: Record<string, pulumi.Input<string>>;
  /** The CIDRs behind {@link routeTableIds} (what the office routes into the tunnel; reported in {@link SiteToSiteVpn.officeConfiguration}). */
  reachableCidrs: string[];
  /**
   * The segments' network ACLs and which segments the office reaches: each reachable segment's
   * ACL admits the office networks (all protocols; security groups pick the ports).
   * @default none: no ACL rules (a VPC without dedicated ACLs)
   */
  networkAcls?: { ids: Partial<Record<Segment, pulumi.Input<string>>>; reachableSegments: readonly Segment[] };
  /** IKE versions. @default ["ikev2"] */
  ikeVersions?: string[];
  /** Phase 1 (IKE SA) proposals. @default the platform's allow-list (policies/lib/vpn.ts) */
  phase1?: IpsecPhaseProposals;
  /** Phase 2 (IPSec SA) proposals. @default the platform's allow-list (policies/lib/vpn.ts) */
  phase2?: IpsecPhaseProposals;
  /** Days the tunnel logs are kept. Cost: CloudWatch Logs ingestion $0.57/GB (eu-west-2) + storage. @default 90 */
  logRetentionDays?: number;
  /** SNS topic for the tunnel alarms (alarm and OK actions). */
  alertTopicArn: pulumi.Input<string>;
  /** Tags for every child (the provider's default tags carry project/environment). @default {} */
  tags?: Tags;
}

/** What the office's router must be configured with. No secret: the pre-shared keys stay in Secrets Manager. */
export interface OfficeConfiguration {
  customerGatewayIp: string;
  routing: "bgp" | "static";
  awsSideAsn: number;
  officeAsn?: number;
  ikeVersion: "IKEv2";
  phase1: Required<IpsecPhaseProposals>;
  phase2: Required<IpsecPhaseProposals>;
  /** Two tunnels, on two AWS endpoints: configure both (AWS replaces one endpoint at a time during maintenance). */
  tunnels: { outsideIp: string; officeInsideIp: string; awsInsideIp: string }[];
  /** Route these into the tunnels (static routing) or accept them over BGP. */
  awsCidrs: string[];
  /** Where the two pre-shared keys are: a Secrets Manager secret (read it; never paste it into a ticket). */
  presharedKeysSecretArn: string;
}

/** The customer gateway ASN for static routing (EC2 CreateCustomerGateway's default; unused without BGP). */
export const STATIC_ROUTING_CUSTOMER_ASN = 65_000;

/**
 * Alarms on the connection's `TunnelState` (AWS/VPN, dimension VpnId; 1 = up, 0 = down; for the
 * connection, values between 0 and 1 mean one tunnel is not up), as table data. "down" fires
 * below 0.5 (no tunnel up, whether the connection's value is the tunnels' mean or their best),
 * "degraded" below 1 (at least one tunnel down).
 */
const TUNNEL_ALARMS = [
  { role: "down", statistic: "Maximum", threshold: 0.5, what: "both tunnels are down: the office cannot reach production" },
  { role: "degraded", statistic: "Minimum", threshold: 1, what: "a tunnel is down: the office has no redundancy" },
] as const;

/**
 * The guide's office → production tunnel: a customer gateway for the office router, a virtual
 * private gateway on the VPC, and an IPSec VPN connection whose two tunnels negotiate only IKEv2,
 * the AES-256 family, SHA-2 ≥ 256 and DH groups 14–21. AWS generates the pre-shared keys and keeps
 * them in Secrets Manager (`presharedKeyStorage`); nothing here ever sets one. Tunnel logs go to
 * CloudWatch; two alarms on `TunnelState` notify the alert topic.
 *
 * Why a virtual private gateway and not a transit gateway: one VPC and one office. The VGW
 * costs nothing beyond the VPN connection ($0.05/h); a transit gateway adds $0.05/h per
 * attachment (VPC + VPN ≈ $73/month) and $0.02/GB, and only pays off with several VPCs or
 * on-premises sites, or ECMP across many tunnels. Moving later means a new VPN connection
 * (new tunnel addresses and keys for the office).
 */
export class SiteToSiteVpn extends pulumi.ComponentResource {
  /** VPN connection id (`vpn-…`). */
  public readonly vpnConnectionId: pulumi.Output<string>;
  /** Virtual private gateway id. */
  public readonly vpnGatewayId: pulumi.Output<string>;
  /** What the office side configures (no secrets). */
  public readonly officeConfiguration: pulumi.Output<OfficeConfiguration>;
  /** AWS's generated device configuration: it contains both pre-shared keys. Secret. */
  public readonly customerGatewayConfiguration: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret holding the pre-shared keys. */
  public readonly presharedKeysSecretArn: pulumi.Output<string>;
  /** The tunnel log group's name. */
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: SiteToSiteVpnArgs, opts?: pulumi.ComponentResourceOptions) {
    // Defaults, once: the schema's (stacks/schema/vpn.ts), so a standalone component behaves like a configured one.
    const a = {
      ...args,
      amazonSideAsn: args.amazonSideAsn ?? 64_512,
      ikeVersions: args.ikeVersions ?? [...ALLOWED_TUNNEL_VALUES.ikeVersions],
      logRetentionDays: args.logRetentionDays ?? 90,
      tags: args.tags ?? {},
      phase1: resolvePhase(args.phase1),
      phase2: resolvePhase(args.phase2),
    };
    super("promptandpause:vpn:SiteToSiteVpn", name, {}, opts);

    const customerGateway = new ec2.CustomerGateway(
      `${name}-customer-gateway`,
      {
        type: "ipsec.1",
        ipAddress: a.officePublicIp,
        // BGP: the office's ASN. Static routing ignores it; set AWS's own default (CreateCustomerGateway
        // BgpAsn "Default: 65000") explicitly, since CloudFormation's schema says one of BgpAsn/BgpAsnExtended must be given.
        bgpAsn: String(a.bgpAsn ?? STATIC_ROUTING_CUSTOMER_ASN),
        tags: mergeTags(a.tags, { Name: physicalName("aws-name-tag", [a.namePrefix, "office"]) }),
      },
      { parent: this },
    );
    const gateway = new ec2.VpnGateway(`${name}-gateway`, { vpcId: a.vpcId, amazonSideAsn: String(a.amazonSideAsn), tags: mergeTags(a.tags, { Name: physicalName("aws-name-tag", [a.namePrefix, "vgw"]) }) }, { parent: this });
    const logGroup = new cloudwatch.LogGroup(
      `${name}-tunnel-logs`,
      { name: physicalName("aws-log-group", [a.namePrefix, name, "tunnels"]), retentionInDays: a.logRetentionDays, tags: a.tags },
      { parent: this },
    );

    const connection = new ec2.VpnConnection(
      `${name}-connection`,
      {
        type: "ipsec.1",
        customerGatewayId: customerGateway.id,
        vpnGatewayId: gateway.id,
        staticRoutesOnly: a.bgpAsn === undefined,
        // AWS generates both keys and stores them in Secrets Manager (never in our inputs or state).
        presharedKeyStorage: "SecretsManager",
        ...tunnelOptions(1, a, logGroup.arn),
        ...tunnelOptions(2, a, logGroup.arn),
        tags: mergeTags(a.tags, { Name: physicalName("aws-name-tag", [a.namePrefix, "office-vpn"]) }),
      },
      { parent: this, additionalSecretOutputs: ["customerGatewayConfiguration", "tunnel1PresharedKey", "tunnel2PresharedKey"] },
    );

    if (a.bgpAsn === undefined) {
      for (const cidr of a.officeCidrs) {
        new ec2.VpnConnectionRoute(`${name}-route-${cidrKey(cidr)}`, { vpnConnectionId: connection.id, destinationCidrBlock: cidr }, { parent: this });
      }
    }
    // Only the reachable segments learn the office routes (static or BGP, the VGW propagates both).
    for (const [label, routeTableId] of Object.entries(a.routeTableIds)) {
      new ec2.VpnGatewayRoutePropagation(`${name}-propagation-${label}`, { vpnGatewayId: gateway.id, routeTableId }, { parent: this, dependsOn: [connection] });
    }
    if (a.networkAcls) createNaclRules(this, name, siteToSiteNaclRules(a.officeCidrs, a.networkAcls.reachableSegments), a.networkAcls.ids);
    for (const alarm of TUNNEL_ALARMS) {
      new cloudwatch.MetricAlarm(
        `${name}-alarm-${alarm.role}`,
        {
          alarmDescription: `Site-to-site VPN ${a.namePrefix}: ${alarm.what}.`,
          namespace: "AWS/VPN",
          metricName: "TunnelState",
          dimensions: { VpnId: connection.id },
          statistic: alarm.statistic,
          // AWS/VPN publishes every 5 minutes; 3 periods ride out an endpoint replacement.
          period: 300,
          evaluationPeriods: 3,
          threshold: alarm.threshold,
          comparisonOperator: "LessThanThreshold",
          // No data means no tunnel reporting at all: treat it as down.
          treatMissingData: "breaching",
          alarmActions: [a.alertTopicArn],
          okActions: [a.alertTopicArn],
          tags: a.tags,
        },
        { parent: this },
      );
    }

    this.vpnConnectionId = connection.id;
    this.vpnGatewayId = gateway.id;
    this.customerGatewayConfiguration = pulumi.secret(connection.customerGatewayConfiguration);
    this.presharedKeysSecretArn = connection.presharedKeyArn;
    this.logGroupName = logGroup.name;
    this.officeConfiguration = pulumi
      .all([connection.tunnel1Address, connection.tunnel1CgwInsideAddress, connection.tunnel1VgwInsideAddress, connection.tunnel2Address, connection.tunnel2CgwInsideAddress, connection.tunnel2VgwInsideAddress, connection.presharedKeyArn])
      .apply(([o1, c1, v1, o2, c2, v2, pskArn]) => ({
        customerGatewayIp: a.officePublicIp,
        routing: a.bgpAsn === undefined ? ("static" as const) : ("bgp" as const),
        awsSideAsn: a.amazonSideAsn,
        ...(a.bgpAsn === undefined ? {} : { officeAsn: a.bgpAsn }),
        ikeVersion: "IKEv2" as const,
        phase1: a.phase1,
        phase2: a.phase2,
        tunnels: [
          { outsideIp: o1, officeInsideIp: c1, awsInsideIp: v1 },
          { outsideIp: o2, officeInsideIp: c2, awsInsideIp: v2 },
        ],
        awsCidrs: [...a.reachableCidrs],
        presharedKeysSecretArn: pskArn,
      }));

    this.registerOutputs({ vpnConnectionId: this.vpnConnectionId, officeConfiguration: this.officeConfiguration, presharedKeysSecretArn: this.presharedKeysSecretArn });
  }
}

function resolvePhase(p: IpsecPhaseProposals | undefined): Required<IpsecPhaseProposals> {
  return {
    encryption: p?.encryption ?? [...ALLOWED_TUNNEL_VALUES.encryption],
    integrity: p?.integrity ?? [...ALLOWED_TUNNEL_VALUES.integrity],
    dhGroups: p?.dhGroups ?? [...ALLOWED_TUNNEL_VALUES.dhGroups],
  };
}

/**
 * One tunnel's options (`tunnel1*` / `tunnel2*`): both tunnels get the same, from one place.
 * Values: the AWS tunnel-options table (docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html);
 * `dpdTimeoutAction` `restart` (clear|none|restart) re-initiates IKE after dead-peer detection
 * instead of leaving the tunnel down until the office retries.
 */
function tunnelOptions<N extends 1 | 2>(
  n: N,
  a: { ikeVersions: string[]; phase1: Required<IpsecPhaseProposals>; phase2: Required<IpsecPhaseProposals> },
  logGroupArn: pulumi.Output<string>,
): TunnelArgs<N> {
  // Typed against the provider's tunnel1* inputs (tunnel2* are the same), so a misspelt field does not compile.
  const fields: { [K in TunnelField]: TunnelArgs<1>[`tunnel1${K}`] } = {
    IkeVersions: a.ikeVersions,
    Phase1EncryptionAlgorithms: a.phase1.encryption,
    Phase1IntegrityAlgorithms: a.phase1.integrity,
    Phase1DhGroupNumbers: a.phase1.dhGroups,
    Phase2EncryptionAlgorithms: a.phase2.encryption,
    Phase2IntegrityAlgorithms: a.phase2.integrity,
    Phase2DhGroupNumbers: a.phase2.dhGroups,
    DpdTimeoutAction: "restart",
    LogOptions: { cloudwatchLogOptions: { logEnabled: true, logGroupArn, logOutputFormat: "json" } },
  };
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [`tunnel${n}${field}`, value])) as TunnelArgs<N>;
}

/** The per-tunnel inputs this component sets, without the `tunnel1`/`tunnel2` prefix. */
type TunnelField =
  | "IkeVersions"
  | "Phase1EncryptionAlgorithms"
  | "Phase1IntegrityAlgorithms"
  | "Phase1DhGroupNumbers"
  | "Phase2EncryptionAlgorithms"
  | "Phase2IntegrityAlgorithms"
  | "Phase2DhGroupNumbers"
  | "DpdTimeoutAction"
  | "LogOptions";

/** `ec2.VpnConnectionArgs`' inputs for tunnel `N`; a field the provider does not have is `never`. */
type TunnelArgs<N extends 1 | 2> = { [K in TunnelField as `tunnel${N}${K}`]: ec2.VpnConnectionArgs[`tunnel${N}${K}` & keyof ec2.VpnConnectionArgs] };
