import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import { SEGMENT_SPECS, SEGMENTS, type Segment } from "./segments";
import { azSubnetOf, type PlannedSubnet, planSubnets } from "./subnets";

export type NatGatewayMode = "single" | "perAz";

export interface NetworkArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** The VPC's IPv4 block: a /16–/18 (components/network/subnets.ts). */
  cidr: string;
  /** AZ names (not looked up: data sources cannot run under the offline plan). At least 2. */
  availabilityZones: readonly string[];
  /**
   * `single`: one NAT gateway in the first AZ for the whole VPC — cheapest, but a single point of
   * failure and every other AZ's egress pays cross-AZ transfer. `perAz`: one per AZ, each AZ's
   * private route table pointing at its own (survives an AZ outage).
   * Cost (eu-west-2, 2026): $0.050/h per NAT gateway (≈ $36.50/month) + $0.050/GB processed +
   * the public IPv4 address $0.005/h (≈ $3.65/month) each; cross-AZ traffic $0.01/GB each way.
   * @default "single"
   */
  natGateways?: NatGatewayMode;
  /** Days CloudWatch keeps the VPC flow logs (a value CloudWatch accepts). @default 90 */
  flowLogRetentionDays?: number;
  /** AWS region of the VPC (the S3 gateway endpoint's service name is regional). */
  region: string;
  /** AWS account id (scopes the flow-log role's trust to this account: confused-deputy guard). */
  accountId: string;
  /**
   * Send the application segment's internet traffic through inspection subnets (for AWS Network
   * Firewall, components/firewall/egress-filter.ts) instead of straight to the NAT gateway: the
   * application route tables are made per AZ without a default route (the egress filter adds one
   * to its endpoint), and each AZ gets an inspection subnet whose default route is the NAT.
   * @default false
   */
  egressInspection?: boolean;
  /** Tags on every child, over the provider's default tags. */
  tags?: Tags;
}

/**
 * The stack's VPC with the guide's five segments in every AZ: subnets from the pure plan, route
 * tables per segment (public and management → internet gateway, application and backup → NAT,
 * database → no internet route), a dedicated network ACL per segment (its rules come from the
 * firewall's flow table), the default security group and network ACL adopted and emptied, an
 * S3 gateway endpoint and VPC flow logs of all traffic.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly subnets: readonly PlannedSubnet[];
  /** Subnet ids per segment, keyed by AZ name. */
  readonly subnetIds: Record<Segment, Record<string, pulumi.Output<string>>>;
  /** Route-table ids per segment (one per AZ where the segment routes through per-AZ NAT). */
  readonly routeTableIds: Record<Segment, pulumi.Output<string>[]>;
  /** The dedicated network ACL of each segment. */
  readonly networkAclIds: Record<Segment, pulumi.Output<string>>;
  readonly natGatewayIds: pulumi.Output<string>[];
  readonly flowLogId: pulumi.Output<string>;
  /** With `egressInspection`: the inspection subnet of each AZ, and each AZ's application route table. */
  readonly inspection?: { subnetIds: Record<string, pulumi.Output<string>>; applicationRouteTableIds: Record<string, pulumi.Output<string>>; publicRouteTableId: pulumi.Output<string> };

  private readonly args: Required<Omit<NetworkArgs, "tags">> & { tags: Tags };

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:network:Network", name, {}, opts);
    this.args = { natGateways: "single", flowLogRetentionDays: 90, egressInspection: false, ...args, tags: args.tags ?? {} };
    if (this.args.availabilityZones.length < 2) throw new Error(`Network ${name}: needs at least 2 availability zones (got ${this.args.availabilityZones.length})`);

    this.vpcCidr = args.cidr;
    this.subnets = planSubnets(args.cidr, args.availabilityZones);
    const vpc = this.createVpc(name);
    this.vpcId = vpc.id;
    this.adoptDefaults(name, vpc);
    const subnets = this.createSubnets(name, vpc);
    this.subnetIds = this.byKey(subnets);
    const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: this.tagsFor("igw") }, { parent: this });
    const nats = this.createNatGateways(name, subnets, igw);
    this.natGatewayIds = Object.values(nats).map((n) => n.id);
    this.routeTableIds = this.createRouteTables(name, vpc, subnets, igw, nats);
    this.networkAclIds = this.createNetworkAcls(name, vpc, subnets);
    if (this.args.egressInspection) this.inspection = this.createInspectionSubnets(name, vpc, nats);
    this.createS3Endpoint(name, vpc);
    this.flowLogId = this.createFlowLogs(name, vpc).id;

    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds, networkAclIds: this.networkAclIds });
  }

  private tagsFor(...role: string[]): Tags {
    return mergeTags(this.args.tags, { Name: physicalName("aws-name-tag", [this.args.namePrefix, ...role]) });
  }

  private createVpc(name: string): ec2.Vpc {
    // DNS support and hostnames: the S3 endpoint, ElastiCache endpoints and SSM need them.
    return new ec2.Vpc(`${name}-vpc`, { cidrBlock: this.args.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: this.tagsFor("vpc") }, { parent: this });
  }

  /**
   * CIS AWS Foundations 5.4: the default security group restricts all traffic. Declared with no
   * rules, the provider strips every rule AWS created; the default NACL likewise ends with none
   * (it denies all), and no subnet stays on it (each is associated with its segment's ACL).
   */
  private adoptDefaults(name: string, vpc: ec2.Vpc): void {
    new ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: this.tagsFor("default-deny-all") }, { parent: this });
    new ec2.DefaultNetworkAcl(`${name}-default-nacl`, { defaultNetworkAclId: vpc.defaultNetworkAclId, ingress: [], egress: [], tags: this.tagsFor("default-deny-all") }, { parent: this, ignoreChanges: ["subnetIds"] });
    new ec2.DefaultRouteTable(`${name}-default-rt`, { defaultRouteTableId: vpc.defaultRouteTableId, routes: [], tags: this.tagsFor("default-unused") }, { parent: this });
  }

  private createSubnets(name: string, vpc: ec2.Vpc): Map<string, ec2.Subnet> {
    const out = new Map<string, ec2.Subnet>();
    for (const planned of this.subnets) {
      out.set(
        planned.key,
        new ec2.Subnet(
          `${name}-subnet-${planned.key}`,
          {
            vpcId: vpc.id,
            cidrBlock: planned.cidr,
            availabilityZone: planned.az,
            // Nothing gets a public address by accident: the few things that need one (NAT, the
            // WireGuard endpoint, the admin host) ask for it explicitly.
            mapPublicIpOnLaunch: false,
            tags: mergeTags(this.tagsFor(planned.segment, planned.az), { segment: planned.segment }),
          },
          { parent: this },
        ),
      );
    }
    return out;
  }

  private byKey(subnets: Map<string, ec2.Subnet>): Record<Segment, Record<string, pulumi.Output<string>>> {
    const out = Object.fromEntries(SEGMENTS.map((s) => [s, {} as Record<string, pulumi.Output<string>>])) as Record<Segment, Record<string, pulumi.Output<string>>>;
    for (const planned of this.subnets) out[planned.segment][planned.az] = (subnets.get(planned.key) as ec2.Subnet).id;
    return out;
  }

  /** NAT gateways keyed by the AZ they serve: one in the first AZ (`single`) or one per AZ. */
  private createNatGateways(name: string, subnets: Map<string, ec2.Subnet>, igw: ec2.InternetGateway): Record<string, ec2.NatGateway> {
    const azs = this.args.natGateways === "perAz" ? this.args.availabilityZones : this.args.availabilityZones.slice(0, 1);
    const out: Record<string, ec2.NatGateway> = {};
    for (const az of azs) {
      const eip = new ec2.Eip(`${name}-nat-eip-${az}`, { domain: "vpc", tags: this.tagsFor("nat", az) }, { parent: this, dependsOn: [igw] });
      out[az] = new ec2.NatGateway(
        `${name}-nat-${az}`,
        { allocationId: eip.allocationId, subnetId: (subnets.get(`public-${az}`) as ec2.Subnet).id, connectivityType: "public", tags: this.tagsFor("nat", az) },
        { parent: this, dependsOn: [igw] },
      );
    }
    return out;
  }

  private createRouteTables(
    name: string,
    vpc: ec2.Vpc,
    subnets: Map<string, ec2.Subnet>,
    igw: ec2.InternetGateway,
    nats: Record<string, ec2.NatGateway>,
  ): Record<Segment, pulumi.Output<string>[]> {
    const out = {} as Record<Segment, pulumi.Output<string>[]>;
    const firstAz = this.args.availabilityZones[0] as string;
    for (const segment of SEGMENTS) {
      const internet = SEGMENT_SPECS[segment].internet;
      // One table per AZ only where the AZ's default route differs (per-AZ NAT); else one.
      const inspected = segment === "application" && this.args.egressInspection;
      const perAz = (internet === "nat" && this.args.natGateways === "perAz") || inspected;
      const groups: Array<{ key: string; azs: readonly string[] }> = perAz ? this.args.availabilityZones.map((az) => ({ key: `${segment}-${az}`, azs: [az] })) : [{ key: segment, azs: this.args.availabilityZones }];
      out[segment] = [];
      for (const group of groups) {
        const table = new ec2.RouteTable(`${name}-rt-${group.key}`, { vpcId: vpc.id, tags: mergeTags(this.tagsFor("rt", group.key), { segment }) }, { parent: this });
        out[segment].push(table.id);
        if (internet === "internet-gateway") {
          new ec2.Route(`${name}-route-${group.key}-internet`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });
        } else if (internet === "nat" && !inspected) {
          const nat = nats[perAz ? (group.azs[0] as string) : firstAz] as ec2.NatGateway;
          new ec2.Route(`${name}-route-${group.key}-internet`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { parent: this });
        }
        for (const az of group.azs) {
          new ec2.RouteTableAssociation(`${name}-rta-${segment}-${az}`, { subnetId: (subnets.get(`${segment}-${az}`) as ec2.Subnet).id, routeTableId: table.id }, { parent: this });
        }
      }
    }
    return out;
  }

  /**
   * One inspection subnet per AZ (components/network/segments.ts INSPECTION_BLOCK) routed to the
   * AZ's NAT gateway, sharing the public segment's network ACL: what crosses it is exactly what
   * crosses the NAT's subnet (application egress on the allowed ports and its replies).
   */
  private createInspectionSubnets(name: string, vpc: ec2.Vpc, nats: Record<string, ec2.NatGateway>): NonNullable<Network["inspection"]> {
    const subnetIds: Record<string, pulumi.Output<string>> = {};
    const applicationRouteTableIds: Record<string, pulumi.Output<string>> = {};
    const firstAz = this.args.availabilityZones[0] as string;
    this.args.availabilityZones.forEach((az, i) => {
      const subnet = new ec2.Subnet(
        `${name}-subnet-inspection-${az}`,
        { vpcId: vpc.id, cidrBlock: azSubnetOf(this.args.cidr, "inspection", az), availabilityZone: az, mapPublicIpOnLaunch: false, tags: mergeTags(this.tagsFor("inspection", az), { segment: "inspection" }) },
        { parent: this },
      );
      subnetIds[az] = subnet.id;
      const table = new ec2.RouteTable(`${name}-rt-inspection-${az}`, { vpcId: vpc.id, tags: mergeTags(this.tagsFor("rt", "inspection", az), { segment: "inspection" }) }, { parent: this });
      const nat = nats[this.args.natGateways === "perAz" ? az : firstAz] as ec2.NatGateway;
      new ec2.Route(`${name}-route-inspection-${az}-internet`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { parent: this });
      new ec2.RouteTableAssociation(`${name}-rta-inspection-${az}`, { subnetId: subnet.id, routeTableId: table.id }, { parent: this });
      new ec2.NetworkAclAssociation(`${name}-nacl-inspection-${az}`, { networkAclId: this.networkAclIds.public, subnetId: subnet.id }, { parent: this });
      applicationRouteTableIds[az] = this.routeTableIds.application[i] as pulumi.Output<string>;
    });
    return { subnetIds, applicationRouteTableIds, publicRouteTableId: this.routeTableIds.public[0] as pulumi.Output<string> };
  }

  /** A dedicated, initially empty (deny-all) network ACL per segment; the firewall adds the rules. */
  private createNetworkAcls(name: string, vpc: ec2.Vpc, subnets: Map<string, ec2.Subnet>): Record<Segment, pulumi.Output<string>> {
    const out = {} as Record<Segment, pulumi.Output<string>>;
    for (const segment of SEGMENTS) {
      const acl = new ec2.NetworkAcl(`${name}-nacl-${segment}`, { vpcId: vpc.id, tags: mergeTags(this.tagsFor("nacl", segment), { segment }) }, { parent: this });
      out[segment] = acl.id;
      for (const az of this.args.availabilityZones) {
        new ec2.NetworkAclAssociation(`${name}-nacl-${segment}-${az}`, { networkAclId: acl.id, subnetId: (subnets.get(`${segment}-${az}`) as ec2.Subnet).id }, { parent: this });
      }
    }
    return out;
  }

  /**
   * S3 without the NAT: backups and image layers go to S3 through a free gateway endpoint on the
   * segments that talk to it (application, backup), saving NAT's per-GB charge.
   */
  private createS3Endpoint(name: string, vpc: ec2.Vpc): void {
    new ec2.VpcEndpoint(
      `${name}-s3-endpoint`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${this.args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [...this.routeTableIds.application, ...this.routeTableIds.backup],
        tags: this.tagsFor("s3-endpoint"),
      },
      { parent: this },
    );
  }

  /** Flow logs of ALL traffic (accepted and rejected) to CloudWatch, aggregated per minute. */
  private createFlowLogs(name: string, vpc: ec2.Vpc): ec2.FlowLog {
    const logGroup = new cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: physicalName("aws-log-group", [this.args.namePrefix, "vpc-flow-logs"]), retentionInDays: this.args.flowLogRetentionDays, tags: this.tagsFor("flow-logs") },
      { parent: this },
    );
    const role = new iam.Role(
      `${name}-flow-logs-role`,
      {
        name: physicalName("aws-iam-role", [this.args.namePrefix, "vpc-flow-logs"]),
        permissionsBoundary: this.args.permissionsBoundary,
        // AWS VPC docs, "IAM role for publishing flow logs to CloudWatch Logs": trust
        // vpc-flow-logs.amazonaws.com, scoped with aws:SourceAccount against confused deputies.
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": this.args.accountId } } }],
        }),
        tags: this.tagsFor("flow-logs"),
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${name}-flow-logs-write`,
      {
        role: role.id,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
          }),
        ),
      },
      { parent: this },
    );
    return new ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        // Seconds; the API accepts 60 or 600 (EC2 CreateFlowLogs MaxAggregationInterval).
        maxAggregationInterval: 60,
        tags: this.tagsFor("flow-log"),
      },
      { parent: this },
    );
  }
}
