import * as awsProvider from "@pulumi/aws/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_ALLOWED_DOMAINS } from "../../components/firewall/egress-filter";
import { EC2_DESCRIPTION_CHARS } from "../../components/firewall/flows";
import type { Segment } from "../../components/network/segments";
import { awsMockOutputs } from "../../scripts/lib/mock-outputs/aws";
import type { RecordedRun } from "../../scripts/lib/record-program";
import { composeNetwork } from "../../stacks/compose/network";
import { one, ofType, type PlannedResource, platformConfigFor, rawStackConfig, recordProgram } from "../helpers/pulumi";
import { outside, T, VpcModel } from "./reachability";

/**
 * The AWS foundation as the stacks compose it (stacks/compose/network.ts from the real stack
 * files), recorded under the mocks: what the VPC, the route tables, the ACLs and the security
 * groups really are, and — through a packet model over the RECORDED resources — which flows pass.
 */

const ADMIN = "198.51.100.0/24";
/** No AWS resource here is dynamic: skip what only the engine and debuggers use (as the plan does). */
const FAST = { skipEngineExtras: true };

async function recordNetwork(stack: "staging" | "prod", network: Record<string, unknown> = {}, workloads: Segment[] = ["application", "database", "backup"]): Promise<RecordedRun<unknown>> {
  const current = rawStackConfig(stack).values["promptandpause:network"] as Record<string, unknown>;
  const config = platformConfigFor(stack, { "promptandpause:network": { ...current, ...network } });
  return recordProgram(() => {
    const aws = new awsProvider.Provider("aws", { region: config.aws.region, allowedAccountIds: [config.aws.accountId] });
    return composeNetwork({ config, providers: { aws } }, workloads);
  }, FAST);
}

const names = (rs: readonly PlannedResource[]) => rs.map((r) => r.name).sort();
const byName = (rs: readonly PlannedResource[], name: string) => {
  const found = rs.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
};

describe("staging (2 AZs, one NAT), with admin access and every workload", () => {
  let resources: PlannedResource[];
  let model: VpcModel;
  beforeAll(async () => {
    resources = (await recordNetwork("staging", { adminCidrs: [ADMIN] })).resources;
    model = new VpcModel(resources);
  });

  it("creates the five segments in both AZs, none giving out public addresses by default", () => {
    const subnets = ofType(resources, T.subnet);
    expect(subnets).toHaveLength(10);
    expect(new Set(subnets.map((s) => (s.inputs.tags as Record<string, string>).segment))).toEqual(new Set(["public", "application", "database", "management", "backup"]));
    for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("has one NAT gateway, in the first AZ's public subnet, behind its own Elastic IP", () => {
    const nat = one(resources, T.nat);
    expect(nat.propertyDependencies.subnetId).toEqual([byName(resources, "network-subnet-public-eu-west-2a").urn]);
    expect(nat.propertyDependencies.allocationId?.[0]).toBe(byName(resources, "network-nat-eip-eu-west-2a").urn);
  });

  it("routes: public and management → internet gateway, application and backup → NAT, database → nothing", () => {
    const routesOf = (table: string) => ofType(resources, T.route).filter((r) => r.propertyDependencies.routeTableId?.[0] === byName(resources, table).urn);
    const target = (table: string) => routesOf(table).map((r) => (r.propertyDependencies.gatewayId ? "igw" : r.propertyDependencies.natGatewayId ? "nat" : "?"));
    expect({ public: target("network-rt-public"), management: target("network-rt-management"), application: target("network-rt-application"), backup: target("network-rt-backup"), database: target("network-rt-database") }).toEqual({
      public: ["igw"],
      management: ["igw"],
      application: ["nat"],
      backup: ["nat"],
      database: [],
    });
  });

  it("adopts the default security group and network ACL with no rules at all", () => {
    const sg = one(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    expect({ ingress: sg.inputs.ingress, egress: sg.inputs.egress }).toEqual({ ingress: [], egress: [] });
    const acl = one(resources, "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl");
    expect({ ingress: acl.inputs.ingress, egress: acl.inputs.egress }).toEqual({ ingress: [], egress: [] });
  });

  it("logs ALL traffic of the VPC to a log group with the configured retention, through a role only the flow-logs service of this account can assume", () => {
    const log = one(resources, "aws:ec2/flowLog:FlowLog");
    expect(log.inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs", maxAggregationInterval: 60 });
    expect(log.propertyDependencies.vpcId).toEqual([one(resources, "aws:ec2/vpc:Vpc").urn]);
    expect(one(resources, "aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).toBe(90);
    const trust = JSON.parse(String(byName(resources, "network-flow-logs-role").inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } } }]);
  });

  it("puts S3 behind a gateway endpoint on the segments that use it", () => {
    const endpoint = one(resources, "aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(endpoint.inputs).toMatchObject({ serviceName: "com.amazonaws.eu-west-2.s3", vpcEndpointType: "Gateway" });
    expect(endpoint.propertyDependencies.routeTableIds?.sort()).toEqual([byName(resources, "network-rt-application").urn, byName(resources, "network-rt-backup").urn].sort());
  });

  it("gives every security-group rule a description EC2 accepts that names a guide line, and uses no inline rules", () => {
    const rules = [...ofType(resources, T.ingress), ...ofType(resources, T.egress)];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.inputs.description, rule.name).toMatch(EC2_DESCRIPTION_CHARS);
      expect(String(rule.inputs.description)).toMatch(/guide|database ports|backup jobs/);
    }
    for (const sg of ofType(resources, T.sg)) expect([sg.inputs.ingress, sg.inputs.egress], sg.name).toEqual([undefined, undefined]);
  });

  it("admits SSH only from the listed admin range, only to the management segment's group", () => {
    const ssh = ofType(resources, T.ingress).filter((r) => r.inputs.fromPort === 22);
    expect(ssh.map((r) => [r.inputs.cidrIpv4, r.propertyDependencies.securityGroupId?.[0]])).toEqual([[ADMIN, byName(resources, "firewall-sg-management").urn]]);
  });

  it("the admin host: IMDSv2 only, encrypted root volume, no key pair, in the management subnets with the management group, patched by group tag", () => {
    const template = one(resources, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect((template.inputs.blockDeviceMappings as Array<{ ebs: { encrypted: string } }>)[0]?.ebs.encrypted).toBe("true");
    expect(template.inputs.keyName).toBeUndefined();
    expect(String(template.inputs.imageId)).toMatch(/^resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\//);
    const group = one(resources, "aws:autoscaling/group:Group");
    expect(group.propertyDependencies.vpcZoneIdentifiers?.sort()).toEqual([byName(resources, "network-subnet-management-eu-west-2a").urn, byName(resources, "network-subnet-management-eu-west-2b").urn].sort());
    expect(group.inputs.tags).toContainEqual({ key: "Patch Group", value: "promptandpause-staging", propagateAtLaunch: true });
  });

  it("alerts go to two KMS-encrypted topics, mailed to operations and security", () => {
    const topics = ofType(resources, "aws:sns/topic:Topic");
    expect(topics).toHaveLength(2);
    for (const t of topics) expect(t.propertyDependencies.kmsMasterKeyId).toEqual([one(resources, "aws:kms/key:Key").urn]);
    expect(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").map((s) => [s.inputs.protocol, s.inputs.endpoint]).sort()).toEqual([
      ["email", "ops@promptandpause.com"],
      ["email", "security@promptandpause.com"],
    ]);
    expect(one(resources, "aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  describe("reachability over the recorded resources", () => {
    const app = (az = "eu-west-2a") => model.hostIn("application", az, "firewall-sg-application");
    const cache = (az = "eu-west-2b") => model.hostIn("database", az, "firewall-sg-database");
    const bastion = () => model.hostIn("management", "eu-west-2a", "firewall-sg-management", true);
    const backup = () => model.hostIn("backup", "eu-west-2b", "firewall-sg-backup");
    const internet = outside("203.0.113.50", "internet");
    const admin = outside("198.51.100.7", "admin");
    const stranger = outside("192.0.2.99", "unlisted address");

    it.each([
      ["application (2a) → internet 443 via the NAT", () => model.flow(app(), internet, "tcp", 443)],
      ["application (2b) → internet 443 via the NAT in 2a", () => model.flow(app("eu-west-2b"), internet, "tcp", 443)],
      ["application → internet 587 (SMTP)", () => model.flow(app(), internet, "tcp", 587)],
      ["application (2a) → cache (2b) 6379", () => model.flow(app(), cache(), "tcp", 6379)],
      ["admin range → admin host 22", () => model.flow(admin, bastion(), "tcp", 22)],
      ["admin host → internet 443 (SSM, patches)", () => model.flow(bastion(), internet, "tcp", 443)],
      ["backup jobs → Supabase session pooler 5432", () => model.flow(backup(), internet, "tcp", 5432)],
    ])("passes, with its replies: %s", (_label, run) => {
      expect(run()).toEqual({ pass: true });
    });

    it.each([
      ["internet → cache 6379", () => model.flow(internet, cache(), "tcp", 6379)],
      ["internet → application 443", () => model.flow(internet, app(), "tcp", 443)],
      ["unlisted address → admin host 22", () => model.flow(stranger, bastion(), "tcp", 22)],
      ["internet → admin host 443", () => model.flow(internet, bastion(), "tcp", 443)],
      ["cache → internet 443", () => model.flow(cache(), internet, "tcp", 443)],
      ["cache → application 6379 (the reverse direction)", () => model.flow(cache(), app(), "tcp", 6379)],
      ["application → internet 80", () => model.flow(app(), internet, "tcp", 80)],
      ["application → internet 22", () => model.flow(app(), internet, "tcp", 22)],
      ["admin host → cache 6379", () => model.flow(bastion(), cache(), "tcp", 6379)],
      ["backup jobs → cache 6379", () => model.flow(backup(), cache(), "tcp", 6379)],
      ["backup jobs → internet 587", () => model.flow(backup(), internet, "tcp", 587)],
      ["admin host → internet 22 (no SSH outwards)", () => model.flow(bastion(), internet, "tcp", 22)],
    ])("is refused: %s", (_label, run) => {
      expect(run().pass).toBe(false);
    });

    it("refuses a flow whose reply the stateless ACL would drop (the model checks replies)", () => {
      const withoutReply = resources.filter((r) => r.name !== "firewall-nacl-public-out-app-https-out-nat-reply");
      expect(new VpcModel(withoutReply).flow(model.hostIn("application", "eu-west-2a", "firewall-sg-application"), internet, "tcp", 443)).toEqual({ pass: false, blockedAt: "public NACL egress (reply to origin)" });
    });
  });
});

describe("prod (3 AZs, one NAT per AZ)", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = (await recordNetwork("prod")).resources;
  });

  it("has a NAT gateway per AZ, and each AZ's application and backup table points at its own", () => {
    expect(names(ofType(resources, T.nat))).toEqual(["network-nat-eu-west-2a", "network-nat-eu-west-2b", "network-nat-eu-west-2c"]);
    for (const segment of ["application", "backup"]) {
      for (const az of ["eu-west-2a", "eu-west-2b", "eu-west-2c"]) {
        const route = byName(resources, `network-route-${segment}-${az}-internet`);
        expect(route.propertyDependencies.natGatewayId).toEqual([byName(resources, `network-nat-${az}`).urn]);
        expect(route.propertyDependencies.routeTableId).toEqual([byName(resources, `network-rt-${segment}-${az}`).urn]);
      }
    }
  });

  it("has no SSH rule at all while network.adminCidrs is empty", () => {
    expect(ofType(resources, T.ingress).filter((r) => r.inputs.fromPort === 22)).toEqual([]);
    expect(ofType(resources, T.naclRule).filter((r) => r.inputs.fromPort === 22)).toEqual([]);
  });

  it("creates security groups only for segments with a workload (every group is attached to something)", async () => {
    const run = await recordNetwork("prod", { adminHost: { enabled: false } }, ["database"]);
    expect(names(ofType(run.resources, T.sg))).toEqual(["firewall-sg-database"]);
    expect(ofType(run.resources, "aws:autoscaling/group:Group")).toEqual([]);
  });

  it("a third AZ in staging adds subnets and changes none of the existing ones", async () => {
    const before = (await recordNetwork("staging")).resources;
    const staging = rawStackConfig("staging").values["promptandpause:aws"] as Record<string, unknown>;
    const config = platformConfigFor("staging", { "promptandpause:aws": { ...staging, availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"] } });
    const after = (
      await recordProgram(() => {
        const aws = new awsProvider.Provider("aws", { region: "eu-west-2" });
        return composeNetwork({ config, providers: { aws } }, ["application", "database", "backup"]);
      }, FAST)
    ).resources;
    const cidrs = (rs: PlannedResource[]) => new Map(ofType(rs, T.subnet).map((s) => [s.name, s.inputs.cidrBlock]));
    const next = cidrs(after);
    for (const [name, cidr] of cidrs(before)) expect(next.get(name), name).toBe(cidr);
    expect(next.size).toBe(15);
  });
});

/** The endpoint the mocked firewall attaches to `subnet`, from the mocks' own answers for both resources. */
function endpointIn(firewall: PlannedResource, subnet: PlannedResource): string | undefined {
  const subnetId = awsMockOutputs["aws:ec2/subnet:Subnet"]?.(subnet.inputs, subnet.name)?.id;
  const status = awsMockOutputs["aws:networkfirewall/firewall:Firewall"]?.({ ...firewall.inputs, subnetMappings: [{ subnetId }] }, firewall.name) as
    | { firewallStatuses: Array<{ syncStates: Array<{ attachments: Array<{ endpointId: string }> }> }> }
    | undefined;
  return status?.firewallStatuses[0]?.syncStates[0]?.attachments[0]?.endpointId;
}

describe("prod with network.egressFiltering: network-firewall (the guide's 443 to api_services by name)", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = (await recordNetwork("prod", { egressFiltering: { mode: "network-firewall" } })).resources;
  });
  const azs = ["eu-west-2a", "eu-west-2b", "eu-west-2c"];

  it("sends each AZ's application traffic to the firewall endpoint in its own AZ, never straight to a NAT", () => {
    const firewall = one(resources, "aws:networkfirewall/firewall:Firewall");
    for (const az of azs) {
      const route = byName(resources, `egress-filter-route-application-${az}`);
      expect(route.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
      expect(route.propertyDependencies.routeTableId).toEqual([byName(resources, `network-rt-application-${az}`).urn]);
      expect(route.propertyDependencies.vpcEndpointId?.sort()).toEqual([firewall.urn, byName(resources, `network-subnet-inspection-${az}`).urn].sort());
      // The mocked firewall reports one endpoint per subnet mapping (as DescribeFirewall's
      // SyncStates do): the route takes the one attached to this AZ's inspection subnet.
      expect(route.inputs.vpcEndpointId).toBe(endpointIn(firewall, byName(resources, `network-subnet-inspection-${az}`)));
    }
    expect(new Set(azs.map((az) => byName(resources, `egress-filter-route-application-${az}`).inputs.vpcEndpointId)).size).toBe(azs.length);
    const applicationTables = new Set(azs.map((az) => byName(resources, `network-rt-application-${az}`).urn));
    expect(ofType(resources, T.route).filter((r) => applicationTables.has(r.propertyDependencies.routeTableId?.[0] ?? "") && r.propertyDependencies.natGatewayId)).toEqual([]);
  });

  it("routes each inspection subnet to its AZ's NAT and returns each AZ's application range through the same endpoint", () => {
    for (const az of azs) {
      expect(byName(resources, `network-route-inspection-${az}-internet`).propertyDependencies.natGatewayId).toEqual([byName(resources, `network-nat-${az}`).urn]);
      const back = byName(resources, `egress-filter-route-return-${az}`);
      expect(back.propertyDependencies.routeTableId).toEqual([byName(resources, "network-rt-public").urn]);
      expect(back.inputs.destinationCidrBlock).toBe(byName(resources, `network-subnet-application-${az}`).inputs.cidrBlock);
      expect(back.inputs.vpcEndpointId).toBe(byName(resources, `egress-filter-route-application-${az}`).inputs.vpcEndpointId);
    }
    expect(ofType(resources, T.subnet).filter((s) => (s.inputs.tags as Record<string, string>).segment === "inspection").map((s) => s.inputs.cidrBlock)).toEqual(["10.10.144.0/24", "10.10.145.0/24", "10.10.146.0/24"]);
  });

  it("allows only the listed domains over TLS SNI and HTTP Host, and logs what it refuses", () => {
    const group = one(resources, "aws:networkfirewall/ruleGroup:RuleGroup");
    expect(group.inputs.type).toBe("STATEFUL");
    const list = (group.inputs.ruleGroup as { rulesSource: { rulesSourceList: { generatedRulesType: string; targetTypes: string[]; targets: string[] } } }).rulesSource.rulesSourceList;
    expect(list.generatedRulesType).toBe("ALLOWLIST");
    expect(list.targetTypes).toEqual(["TLS_SNI", "HTTP_HOST"]);
    expect(list.targets).toEqual(expect.arrayContaining(["api.openai.com", "api.anthropic.com", "api.stripe.com", ".supabase.co", ".amazonaws.com"]));
    const logging = one(resources, "aws:networkfirewall/loggingConfiguration:LoggingConfiguration");
    expect((logging.inputs.loggingConfiguration as { logDestinationConfigs: Array<{ logType: string }> }).logDestinationConfigs.map((c) => c.logType)).toEqual(["ALERT"]);
  });

  it("sizes the rule group once for the longest list the config takes (AWS fixes capacity at creation)", async () => {
    const capacity = (rs: PlannedResource[]) => one(rs, "aws:networkfirewall/ruleGroup:RuleGroup").inputs.capacity as number;
    const domains = Array.from({ length: MAX_ALLOWED_DOMAINS }, (_, i) => `api${i}.vendor-${i}.io`);
    const longest = (await recordNetwork("prod", { egressFiltering: { mode: "network-firewall", allowedDomains: domains } })).resources;
    expect(capacity(longest)).toBe(capacity(resources));
    // One unit per domain and target type (TLS_SNI, HTTP_HOST).
    expect(capacity(longest)).toBeGreaterThanOrEqual(MAX_ALLOWED_DOMAINS * 2);
  });

  it("is off by default: no firewall and no inspection subnets", async () => {
    const plain = (await recordNetwork("prod")).resources;
    expect(ofType(plain, "aws:networkfirewall/firewall:Firewall")).toEqual([]);
    expect(ofType(plain, T.subnet).filter((s) => (s.inputs.tags as Record<string, string>).segment === "inspection")).toEqual([]);
  });
});
