/** The cache components against explicit args: what they register, what stays secret, what they refuse. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AUTH_TOKEN_SPECIALS, authTokenProblem, ELASTICACHE_AUTH_SPECIALS } from "../../components/cache/auth-token";
import { CACHE_DEFAULTS, Cache, type CacheArgs, memberClusterIds, parameterGroupFamily } from "../../components/cache/cache";
import { SecureComputePeering, type SecureComputePeeringArgs } from "../../components/cache/secure-compute";
import { isConfigError } from "../../components/shared/errors";
import { isSecretOutput, one, ofType, type PlannedResource, recordProgram, unwrap } from "../helpers/pulumi";

const T = {
  group: "aws:elasticache/replicationGroup:ReplicationGroup",
  params: "aws:elasticache/parameterGroup:ParameterGroup",
  subnets: "aws:elasticache/subnetGroup:SubnetGroup",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  password: "random:index/randomPassword:RandomPassword",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  route: "aws:ec2/route:Route",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
};
const TOPIC = "arn:aws:sns:eu-west-2:123456789012:promptandpause-prod-alerts";

function args(overrides: Partial<CacheArgs> = {}): CacheArgs {
  return {
    namePrefix: "promptandpause-prod",
    accountId: "123456789012",
    subnetIds: ["subnet-db-a", "subnet-db-b"],
    securityGroupIds: ["sg-database"],
    shards: 1,
    replicasPerShard: 0,
    nodeType: "cache.t4g.small",
    alertTopicArn: TOPIC,
    ...overrides,
  };
}

async function run(a: CacheArgs) {
  let cache: Cache | undefined;
  const recorded = await recordProgram(() => {
    cache = new Cache("cache", a);
  });
  if (!cache) throw new Error("no cache");
  return { resources: recorded.resources, cache };
}

describe("AUTH token revocation", () => {
  it("applies the next token change with SET when configured (the old token stops working)", async () => {
    const { resources } = await run(args({ authTokenUpdateStrategy: "SET" }));
    expect(one(resources, T.group).inputs.authTokenUpdateStrategy).toBe("SET");
  });
});

describe("Cache at the current preset (1 shard, no replicas)", () => {
  let resources: PlannedResource[];
  let cache: Cache;
  beforeAll(async () => {
    ({ resources, cache } = await run(args()));
  });

  it("is one cluster-mode node with TLS required, AUTH, KMS at rest and the guide's window", () => {
    const group = one(resources, T.group);
    const key = one(resources, T.key);
    expect(group.inputs).toMatchObject({
      replicationGroupId: "promptandpause-prod-cache",
      engine: "valkey",
      engineVersion: "8.1",
      clusterMode: "enabled",
      numNodeGroups: 1,
      replicasPerNodeGroup: 0,
      // Required by ElastiCache in cluster mode; with no replica it has nothing to fail over to.
      automaticFailoverEnabled: true,
      multiAzEnabled: false,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      maintenanceWindow: "sun:02:00-sun:04:00",
      snapshotWindow: "00:00-01:00",
      snapshotRetentionLimit: 7,
      finalSnapshotIdentifier: "promptandpause-prod-cache-final",
      securityGroupIds: ["sg-database"],
      subnetGroupName: "promptandpause-prod-cache",
      parameterGroupName: "promptandpause-prod-cache-valkey8",
      authTokenUpdateStrategy: "ROTATE",
    });
    expect(group.inputs.kmsKeyId).toMatch(/^arn:aws:kms:eu-west-2:\d{12}:key\//);
    expect(group.propertyDependencies.kmsKeyId).toContain(key.urn);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const policy = JSON.parse(String(key.inputs.policy));
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: "arn:aws:iam::123456789012:root" } });
    expect(policy.Statement[0].Action).not.toContain("kms:*");
  });

  it("delivers the slow log as JSON to a log group with retention", () => {
    const log = one(resources, T.logGroup);
    expect(log.inputs).toEqual(expect.objectContaining({ name: "promptandpause-prod-cache-slow-log", retentionInDays: 30 }));
    expect(one(resources, T.group).inputs.logDeliveryConfigurations).toEqual([{ destination: log.inputs.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }]);
  });

  it("turns cluster mode on in a parameter group of the engine's family, in the database subnets", () => {
    expect(one(resources, T.params).inputs).toMatchObject({ family: "valkey8", parameters: [{ name: "cluster-enabled", value: "yes" }] });
    expect(one(resources, T.subnets).inputs.subnetIds).toEqual(["subnet-db-a", "subnet-db-b"]);
  });

  it("generates the AUTH token from ElastiCache's alphabet and keeps it and the URL secret", async () => {
    const password = one(resources, T.password);
    expect(password.inputs).toMatchObject({ length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIALS });
    expect([...String(password.inputs.overrideSpecial)].every((c) => ELASTICACHE_AUTH_SPECIALS.includes(c))).toBe(true);
    const group = one(resources, T.group);
    expect(group.secretPaths).toContain("authToken");
    expect(group.maskedInputs.authToken).toBe("[secret]");
    expect(await isSecretOutput(cache.authToken)).toBe(true);
    expect(await isSecretOutput(cache.url)).toBe(true);
    const token = await unwrap(cache.authToken);
    expect(authTokenProblem(token)).toBeUndefined();
    expect(await unwrap(cache.url)).toBe(`rediss://:${token}@${await unwrap(cache.configurationEndpoint)}:6379`);
    expect(await unwrap(cache.configurationEndpoint)).toMatch(/^clustercfg\.promptandpause-prod-cache\./);
  });

  it("alarms on engine CPU, memory and evictions of its one node, to the alert topic both ways; no replication-lag alarm", () => {
    const alarms = ofType(resources, T.alarm);
    expect(alarms.map((a) => [a.inputs.metricName, (a.inputs.dimensions as Record<string, string>).CacheClusterId, a.inputs.threshold])).toEqual([
      ["EngineCPUUtilization", "promptandpause-prod-cache-0001-001", 80],
      ["DatabaseMemoryUsagePercentage", "promptandpause-prod-cache-0001-001", 80],
      ["Evictions", "promptandpause-prod-cache-0001-001", 1000],
    ]);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).toEqual([TOPIC]);
      expect(alarm.inputs.okActions, alarm.name).toEqual([TOPIC]);
      expect(alarm.inputs.namespace).toBe("AWS/ElastiCache");
    }
  });

  it("is not protected unless asked", () => {
    expect(one(resources, T.group).protect).toBe(false);
  });
});

describe("Cache at 10x (2 shards × 1 replica), protected", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    ({ resources } = await run(args({ shards: 2, replicasPerShard: 1, nodeType: "cache.m7g.large", protect: true })));
  });

  it("reshards in place: Multi-AZ with failover, same group id, 4 nodes", () => {
    expect(one(resources, T.group).inputs).toMatchObject({ replicationGroupId: "promptandpause-prod-cache", numNodeGroups: 2, replicasPerNodeGroup: 1, automaticFailoverEnabled: true, multiAzEnabled: true, nodeType: "cache.m7g.large" });
  });

  it("protects the group and its key (retained on delete)", () => {
    for (const type of [T.group, T.key]) {
      expect(one(resources, type)).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("watches every node, replication lag included", () => {
    const alarms = ofType(resources, T.alarm);
    const nodes = new Set(alarms.map((a) => (a.inputs.dimensions as Record<string, string>).CacheClusterId));
    expect([...nodes]).toEqual(memberClusterIds("promptandpause-prod-cache", 2, 1));
    expect(alarms.filter((a) => a.inputs.metricName === "ReplicationLag")).toHaveLength(4);
    expect(alarms.filter((a) => a.inputs.metricName === "ReplicationLag").every((a) => a.inputs.treatMissingData === "notBreaching")).toBe(true);
    expect(alarms).toHaveLength(16);
  });
});

describe("Cache argument checks", () => {
  it.each<[string, Partial<CacheArgs>, string]>([
    ["six replicas", { replicasPerShard: 6 }, "cache.replicasPerShard: must be a whole number from 0 to 5 (the ElastiCache limit) (got 6)."],
    ["no shards", { shards: 0 }, "cache.shards: must be a whole number from 1 to 500 (got 0)."],
    ["a non-cache node type", { nodeType: "t3.micro" }, 'cache.nodeType: must be an ElastiCache node type like cache.t4g.small (got "t3.micro").'],
    ["a major-only version", { engineVersion: "8" }, 'cache.engineVersion: must be major.minor, e.g. 8.1 (ElastiCache needs the minor from version 7 on) (got "8").'],
    ["a 30-minute snapshot window", { snapshotWindow: "00:00-00:30" }, 'cache.snapshotWindow: must be at least 60 minutes long (ElastiCache minimum) (got "00:00-00:30").'],
    ["snapshots off", { snapshotRetentionDays: 0 }, "cache.snapshotRetentionDays: must be 1-35 days (0 would turn daily snapshots off) (got 0)."],
    ["a log retention CloudWatch refuses", { logRetentionDays: 31 }, "cache.logRetentionDays: must be one of CloudWatch Logs' values"],
    ["replicas in one AZ", { replicasPerShard: 1, subnetIds: ["subnet-db-a"] }, "cache.subnetIds: needs subnets in at least two AZs for Multi-AZ replicas (got 1)."],
    ["no security group", { securityGroupIds: [] }, "cache.securityGroupIds: needs the database segment's security group"],
  ])("refuses %s", async (_t, overrides, message) => {
    const error = await run(args(overrides)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
  });
});

describe("AUTH token rule (ElastiCache CreateReplicationGroup AuthToken)", () => {
  it.each<[string, string, string | undefined]>([
    ["64 letters and digits", "a".repeat(32) + "B1".repeat(16), undefined],
    ["every allowed special", `Abcdefgh12345678${ELASTICACHE_AUTH_SPECIALS}`, undefined],
    ["15 characters", "a".repeat(15), "must be 16-128 characters (got 15)"],
    ["129 characters", "a".repeat(129), "must be 16-128 characters (got 129)"],
    ["an @", `${"a".repeat(20)}@`, "may contain only letters, digits and ! & # $ ^ < > -"],
    ["a slash", `${"a".repeat(20)}/`, "may contain only letters, digits and ! & # $ ^ < > -"],
    ["a percent sign", `${"a".repeat(20)}%`, "may contain only letters, digits and ! & # $ ^ < > -"],
    ["a space", `${"a".repeat(20)} `, "may contain only letters, digits and ! & # $ ^ < > -"],
  ])("%s", (_t, token, problem) => {
    expect(authTokenProblem(token)).toBe(problem);
  });

  it("the generator's specials survive in a URL's userinfo unescaped", () => {
    for (const c of AUTH_TOKEN_SPECIALS) expect(encodeURIComponent(c) === c || "$&".includes(c), c).toBe(true);
    expect(new URL(`rediss://:ab${AUTH_TOKEN_SPECIALS}cd@host:6379`).password).toBe(`ab${AUTH_TOKEN_SPECIALS}cd`);
  });

  it("parameter group families follow the engine's major version", () => {
    expect([parameterGroupFamily("valkey", "8.1"), parameterGroupFamily("valkey", "7.2"), parameterGroupFamily("redis", "7.1")]).toEqual(["valkey8", "valkey7", "redis7"]);
    expect(CACHE_DEFAULTS.engine).toBe("valkey");
  });
});

describe("SecureComputePeering", () => {
  const peering: SecureComputePeeringArgs = {
    peeringConnectionId: "pcx-0a1b2c3d4e5f67890",
    cidr: "10.200.0.0/20",
    routeTables: { database: [pulumi.output("rtb-db-a"), pulumi.output("rtb-db-b")], application: [pulumi.output("rtb-app-a")] },
    cacheSecurityGroupId: "sg-database",
    databaseNetworkAclId: "acl-database",
  };
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = (await recordProgram(() => new SecureComputePeering("secure-compute", peering))).resources;
  });

  it("accepts the peering, routes the CIDR from each table through it, and opens 6379 to that CIDR only", () => {
    const accepter = one(resources, T.accepter);
    expect(accepter.inputs).toMatchObject({ vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f67890", autoAccept: true });
    const routes = ofType(resources, T.route);
    expect(routes.map((r) => [r.name, r.inputs.routeTableId, r.inputs.destinationCidrBlock, r.inputs.vpcPeeringConnectionId])).toEqual([
      ["secure-compute-route-database-1", "rtb-db-a", "10.200.0.0/20", "pcx-0a1b2c3d4e5f67890"],
      ["secure-compute-route-database-2", "rtb-db-b", "10.200.0.0/20", "pcx-0a1b2c3d4e5f67890"],
      ["secure-compute-route-application-1", "rtb-app-a", "10.200.0.0/20", "pcx-0a1b2c3d4e5f67890"],
    ]);
    for (const r of routes) expect(r.dependencies).toContain(accepter.urn);
    expect(one(resources, T.ingress).inputs).toMatchObject({ securityGroupId: "sg-database", ipProtocol: "tcp", fromPort: 6379, toPort: 6379, cidrIpv4: "10.200.0.0/20" });
    // Stateless NACL: the port in, the replies out, both limited to the CIDR.
    expect(ofType(resources, "aws:ec2/networkAclRule:NetworkAclRule").map((r) => r.inputs)).toEqual([
      { networkAclId: "acl-database", egress: false, ruleNumber: 2000, protocol: "tcp", ruleAction: "allow", cidrBlock: "10.200.0.0/20", fromPort: 6379, toPort: 6379 },
      { networkAclId: "acl-database", egress: true, ruleNumber: 2001, protocol: "tcp", ruleAction: "allow", cidrBlock: "10.200.0.0/20", fromPort: 1024, toPort: 65535 },
    ]);
  });

  it.each<[string, Partial<SecureComputePeeringArgs>, string]>([
    ["a world range", { cidr: "0.0.0.0/1" }, 'secure-compute.cidr: is a world-sized range; the cache may only be opened to the Secure Compute network (got "0.0.0.0/1").'],
    ["an IPv6 block", { cidr: "2001:db8::/48" }, 'secure-compute.cidr: must be an IPv4 CIDR block (got "2001:db8::/48").'],
    ["a bad peering id", { peeringConnectionId: "vpc-123" }, 'secure-compute.peeringConnectionId: must be a VPC peering connection id like pcx-0a1b2c3d4e5f67890 (got "vpc-123").'],
  ])("refuses %s", async (_t, overrides, message) => {
    const error = await recordProgram(() => new SecureComputePeering("secure-compute", { ...peering, ...overrides })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(message);
  });
});
