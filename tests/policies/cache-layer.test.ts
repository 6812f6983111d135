/**
 * The cache-layer policies over resources the real components register (real SDK shapes): the
 * compliant tier passes; one changed field → the exact violation.
 */
import type * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as ec2 from "@pulumi/aws/ec2";
import type * as ecs from "@pulumi/aws/ecs";
import type * as elasticache from "@pulumi/aws/elasticache";
import type * as vpc from "@pulumi/aws/vpc";
import * as vpcRule from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { ImageRepository } from "../../components/app/image-repository";
import { VercelQueueRole } from "../../components/app/vercel-queue-role";
import { WorkQueue } from "../../components/app/work-queue";
import { Workers } from "../../components/app/workers";
import { Cache } from "../../components/cache/cache";
import { SecureComputePeering } from "../../components/cache/secure-compute";
import { WORKER_SCALING } from "../../policies/guide";
import type { EcsServiceInputs, IngressRuleInputs, ReplicationGroupInputs, ScalingPolicyInputs, ScalingTargetInputs, SecurityGroupInputs, TaskDefinitionInputs } from "../../policies/lib/aws-shapes";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { GUIDE } from "../../stacks/guide";
import { SCALE_PRESETS } from "../../stacks/presets";
import { one, recordProgram } from "../helpers/pulumi";
import { planned } from "./fixtures";
import { cannotRun, violation, violationsOf } from "./helpers";

// Compile-time: every SDK args type fits the pack's shape (enforced by `npm run typecheck`).
expectTypeOf<pulumi.Unwrap<elasticache.ReplicationGroupArgs>>().toExtend<ReplicationGroupInputs>();
expectTypeOf<pulumi.Unwrap<vpc.SecurityGroupIngressRuleArgs>>().toExtend<IngressRuleInputs>();
expectTypeOf<pulumi.Unwrap<ec2.SecurityGroupArgs>>().toExtend<SecurityGroupInputs>();
expectTypeOf<pulumi.Unwrap<ecs.ServiceArgs>>().toExtend<EcsServiceInputs>();
expectTypeOf<pulumi.Unwrap<ecs.TaskDefinitionArgs>>().toExtend<TaskDefinitionInputs>();
expectTypeOf<pulumi.Unwrap<appautoscaling.TargetArgs>>().toExtend<ScalingTargetInputs>();
expectTypeOf<pulumi.Unwrap<appautoscaling.PolicyArgs>>().toExtend<ScalingPolicyInputs>();

const TOPIC = "arn:aws:sns:eu-west-2:123456789012:alerts";
/** A key ARN of the shape the AWS-managed aws/elasticache key has: nothing in it says who manages the key. */
const AWS_MANAGED_KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/7e3f1a2b-0c4d-4e5f-8a9b-0c1d2e3f4a5b";
const EXTERNAL_KEY_ARN = "arn:aws:kms:eu-west-2:111111111111:key/0b5f7c8e-1111-2222-3333-444455556666";
const SECURE_COMPUTE = "10.200.0.0/20";
const CONFIG = { "cache-ingress": { allowedCidrs: [SECURE_COMPUTE] }, "stateful-resources-protected": { requireProtection: true } };
const MINE = ["cache-encryption", "cache-ingress", "worker-tasks", "worker-scaling", "iam-least-privilege", "iam-no-wildcard-actions", "stateful-resources-protected"];

let tier: PlannedResource[];

beforeAll(async () => {
  tier = (
    await recordProgram(() => {
      const appSg = new ec2.SecurityGroup("network-sg-application", { vpcId: "vpc-1", description: "application", tags: { segment: "application" } });
      const dbSg = new ec2.SecurityGroup("network-sg-database", { vpcId: "vpc-1", description: "database", tags: { segment: "database" } });
      new vpcRule.SecurityGroupIngressRule("network-db-from-app", { securityGroupId: dbSg.id, ipProtocol: "tcp", fromPort: 6379, toPort: 6379, referencedSecurityGroupId: appSg.id });
      new Cache("cache", { namePrefix: "pp-prod", accountId: "123456789012", subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [dbSg.id], shards: 2, replicasPerShard: 1, nodeType: "cache.m7g.large", alertTopicArn: TOPIC, protect: true });
      new SecureComputePeering("secure-compute", { peeringConnectionId: "pcx-0a1b2c3d4e5f67890", cidr: SECURE_COMPUTE, routeTables: { database: ["rtb-1"] }, cacheSecurityGroupId: dbSg.id, databaseNetworkAclId: "acl-db" });
      const repo = new ImageRepository("workers-images", { namePrefix: "pp-prod" });
      const queue = new WorkQueue("work", { namePrefix: "pp-prod", alertTopicArn: TOPIC });
      new VercelQueueRole("vercel-enqueue", { namePrefix: "pp-prod", teamSlug: "promptandpause", projectName: "pp-prod", environments: ["production"], queueArn: queue.queueArn, permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary" });
      new Workers("workers", {
        namePrefix: "pp-prod",
        permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary",
        accountId: "123456789012",
        region: "eu-west-2",
        repository: { url: repo.repositoryUrl, arn: repo.repositoryArn },
        imageDigest: `sha256:${"cd".repeat(32)}`,
        subnetIds: ["subnet-app"],
        securityGroupIds: [appSg.id],
        queue: { url: queue.queueUrl, arn: queue.queueArn },
        secrets: { RESEND_API_KEY: pulumi.secret("re_fakeresend_key000000") },
        minTasks: 5,
        maxTasks: 10,
        scaling: { targetCpuPercent: 70, targetMemoryPercent: 80, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 600 },
        scalePreset: "10x",
      });
    })
  ).resources;
});

/**
 * The tier with one resource's inputs changed. An input the change sets or deletes no longer comes
 * from another resource, so its property dependency goes too (as when a program writes a literal).
 */
function mutate(type: string, suffix: string, change: (inputs: Record<string, unknown>) => void): { resources: PlannedResource[]; urn: string } {
  const target = one(tier, type, suffix);
  const inputs = structuredClone(target.inputs);
  change(inputs);
  const changed = new Set([...Object.keys(target.inputs), ...Object.keys(inputs)].filter((k) => JSON.stringify(target.inputs[k]) !== JSON.stringify(inputs[k]) || !(k in inputs)));
  const propertyDependencies = Object.fromEntries(Object.entries(target.propertyDependencies).filter(([k]) => !changed.has(k)));
  return { resources: tier.map((r) => (r === target ? { ...r, inputs, propertyDependencies } : r)), urn: target.urn };
}

async function mine(resources: PlannedResource[], config: Record<string, unknown> = CONFIG) {
  const all = await Promise.all(MINE.map((p) => violationsOf(p, resources, config)));
  return all.flat();
}

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";

describe("the compliant tier", () => {
  it("passes every cache-layer policy", async () => {
    expect(await mine(tier)).toEqual([]);
  });
});

describe("cache-encryption", () => {
  it.each<[string, (i: Record<string, unknown>) => void, string]>([
    ["transit encryption off", (i) => (i.transitEncryptionEnabled = false), 'Replication group "cache-group" must set transitEncryptionEnabled to true (got false): without TLS the AUTH token and every cached value cross the network in clear text.'],
    ["TLS only preferred", (i) => (i.transitEncryptionMode = "preferred"), 'Replication group "cache-group" must set transitEncryptionMode to "required" (got "preferred"): "preferred" still accepts unencrypted connections.'],
    ["at-rest encryption off", (i) => (i.atRestEncryptionEnabled = false), 'Replication group "cache-group" must set atRestEncryptionEnabled to true (got false).'],
    ["the AWS-owned key", (i) => delete i.kmsKeyId, 'Replication group "cache-group" must set kmsKeyId to a customer-managed KMS key (with rotation) for data at rest and snapshots.'],
    [
      "the AWS-managed key by alias",
      (i) => (i.kmsKeyId = "alias/aws/elasticache"),
      'Replication group "cache-group" sets kmsKeyId to "alias/aws/elasticache", which is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias can point at another key, and alias/aws/elasticache is the AWS-managed key. Name the customer-managed key\'s ARN.',
    ],
    [
      "an alias ARN",
      (i) => (i.kmsKeyId = "arn:aws:kms:eu-west-2:111111111111:alias/cache"),
      'Replication group "cache-group" sets kmsKeyId to "arn:aws:kms:eu-west-2:111111111111:alias/cache", which is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias can point at another key, and alias/aws/elasticache is the AWS-managed key. Name the customer-managed key\'s ARN.',
    ],
    [
      // The AWS-managed aws/elasticache key has a key ARN like any other: only a key of this stack (or a listed one) counts.
      "a key ARN this stack does not manage",
      (i) => (i.kmsKeyId = AWS_MANAGED_KEY_ARN),
      `Replication group "cache-group" sets kmsKeyId to ${AWS_MANAGED_KEY_ARN}, a key this stack does not manage: an ARN cannot tell a customer-managed key from the AWS-managed aws/elasticache key. Use an aws.kms.Key of this stack with enableKeyRotation, or list the ARN under this policy's externalKeyArns once you have checked it is customer-managed and rotates.`,
    ],
    ["no AUTH", (i) => delete i.authToken, 'Replication group "cache-group" has no authentication: set authToken (a RandomPassword, secret) or userGroupIds (RBAC).'],
  ])("%s", async (_t, change, message) => {
    const { resources, urn } = mutate(GROUP, "cache-group", change);
    expect(await violationsOf("cache-encryption", resources, CONFIG)).toEqual([violation("cache-encryption", message, urn)]);
  });

  it("refuses a standalone cache node (no at-rest encryption, no AUTH) but not a replication group's member", async () => {
    const standalone = planned("aws:elasticache/cluster:Cluster", "side-cache", { engine: "valkey", nodeType: "cache.t4g.micro", numCacheNodes: 1 });
    const member = planned("aws:elasticache/cluster:Cluster", "member", { replicationGroupId: "rg-1" });
    expect(await violationsOf("cache-encryption", [...tier, standalone, member], CONFIG)).toEqual([
      violation("cache-encryption", 'Cache cluster "side-cache" is a standalone valkey node: it cannot encrypt at rest or require an AUTH token. Run the cache as a replication group (components/cache).', standalone.urn),
    ]);
  });

  it("refuses a serverless cache without the customer-managed key or a user group", async () => {
    const serverless = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey" });
    expect(await violationsOf("cache-encryption", [...tier, serverless], CONFIG)).toEqual([
      violation("cache-encryption", 'Serverless cache "serverless" must set kmsKeyId to a customer-managed KMS key (with rotation) for data at rest and snapshots.', serverless.urn),
      violation("cache-encryption", 'Serverless cache "serverless" has no authentication: set userGroupId (RBAC); without it any client that reaches the endpoint is let in.', serverless.urn),
    ]);
    const keyed = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey", kmsKeyId: EXTERNAL_KEY_ARN, userGroupId: "ug-1" });
    expect(await violationsOf("cache-encryption", [...tier, keyed], { ...CONFIG, "cache-encryption": { externalKeyArns: [EXTERNAL_KEY_ARN] } })).toEqual([]);
    expect((await violationsOf("cache-encryption", [...tier, keyed], CONFIG)).map((v) => v.message.split("\n")[1])).toEqual([expect.stringContaining(`sets kmsKeyId to ${EXTERNAL_KEY_ARN}, a key this stack does not manage`)]);
    const aliased = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey", kmsKeyId: "alias/aws/elasticache", userGroupId: "ug-1" });
    expect((await violationsOf("cache-encryption", [...tier, aliased], CONFIG)).map((v) => v.message.split("\n")[1])).toEqual([expect.stringContaining('Serverless cache "serverless" sets kmsKeyId to "alias/aws/elasticache", which is not a KMS key ARN')]);
  });

  it("takes the stack's own key only when it rotates", async () => {
    const key = one(tier, "aws:kms/key:Key", "cache-key");
    expect(one(tier, GROUP, "cache-group").propertyDependencies.kmsKeyId).toEqual([key.urn]);
    const resources = tier.map((r) => (r === key ? { ...r, inputs: { ...r.inputs, enableKeyRotation: false } } : r));
    expect(await violationsOf("cache-encryption", resources, CONFIG)).toEqual([
      violation("cache-encryption", 'Replication group "cache-group" encrypts with the KMS key "cache-key", which does not rotate: set enableKeyRotation to true on it.', one(tier, GROUP, "cache-group").urn),
    ]);
  });

  it("in a real preview of a new stack (key ARN and AUTH token not known yet), proves the key from its dependency and counts the token as set", async () => {
    const group = one(tier, GROUP, "cache-group");
    const resources = tier.map((r) => (r === group ? { ...r, inputs: { ...r.inputs, kmsKeyId: undefined, authToken: undefined } } : r));
    expect(await violationsOf("cache-encryption", resources, CONFIG)).toEqual([]);
  });

  it("once the key exists, takes only that key's own ARN: not another key's ARN computed from it", async () => {
    // The engine hands stack policies the key's outputs once it exists; the offline plan records inputs only.
    const key = one(tier, "aws:kms/key:Key", "cache-key");
    const group = one(tier, GROUP, "cache-group");
    const ownArn = String(group.inputs.kmsKeyId);
    const withOutputs = (kmsKeyId: string) => tier.map((r) => (r === key ? { ...r, inputs: { ...r.inputs, arn: ownArn, keyId: ownArn.split("/")[1] } } : r === group ? { ...r, inputs: { ...r.inputs, kmsKeyId } } : r));
    expect(await violationsOf("cache-encryption", withOutputs(ownArn), CONFIG)).toEqual([]);
    expect(await violationsOf("cache-encryption", withOutputs(AWS_MANAGED_KEY_ARN), CONFIG)).toEqual([
      violation("cache-encryption", `Replication group "cache-group" sets kmsKeyId to "${AWS_MANAGED_KEY_ARN}", which is not the ARN of the KMS key "cache-key" it is computed from: pass key.arn itself.`, group.urn),
    ]);
    // Without the key's outputs (a plan of inputs) an alias ARN computed from the key is still no key ARN.
    const aliasArn = "arn:aws:kms:eu-west-2:123456789012:alias/aws/elasticache";
    const resources = tier.map((r) => (r === group ? { ...r, inputs: { ...r.inputs, kmsKeyId: aliasArn } } : r));
    expect((await violationsOf("cache-encryption", resources, CONFIG)).map((v) => v.message.split("\n")[1])).toEqual([expect.stringContaining("which is not the ARN of the KMS key \"cache-key\"")]);
  });

  it("refuses a key id computed from the key and something else (an alias, another key)", async () => {
    const group = one(tier, GROUP, "cache-group");
    const alias = planned("aws:kms/alias:Alias", "aws-managed", { name: "alias/aws/elasticache" });
    const resources = [...tier.map((r) => (r === group ? { ...r, propertyDependencies: { ...r.propertyDependencies, kmsKeyId: [...(r.propertyDependencies.kmsKeyId ?? []), alias.urn] } } : r)), alias];
    expect(await violationsOf("cache-encryption", resources, CONFIG)).toEqual([
      violation("cache-encryption", 'Replication group "cache-group" computes kmsKeyId from aws:kms/key:Key "cache-key", aws:kms/alias:Alias "aws-managed": it must be the ARN of one aws.kms.Key of this stack (key.arn), with enableKeyRotation.', group.urn),
    ]);
  });

  it("a value unknown in one cache stops only that cache's check: the others are still checked, and the policy says it could not run", async () => {
    const group = one(tier, GROUP, "cache-group");
    const standalone = planned("aws:elasticache/cluster:Cluster", "side-cache", { engine: "valkey", nodeType: "cache.t4g.micro", numCacheNodes: 1 });
    const resources = [...tier.map((r) => (r === group ? { ...r, inputs: { ...r.inputs, transitEncryptionEnabled: undefined } } : r)), standalone];
    expect(await violationsOf("cache-encryption", resources, CONFIG)).toEqual([
      violation("cache-encryption", 'Cache cluster "side-cache" is a standalone valkey node: it cannot encrypt at rest or require an AUTH token. Run the cache as a replication group (components/cache).', standalone.urn),
      cannotRun("cache-encryption", null, "transitEncryptionEnabled"),
    ]);
  });

  it("has no config switch that turns the customer-managed key off", async () => {
    const { resources, urn } = mutate(GROUP, "cache-group", (i) => (i.kmsKeyId = AWS_MANAGED_KEY_ARN));
    const loosened = { ...CONFIG, "cache-encryption": { requireCustomerManagedKey: false } };
    // The CLI accepts properties a policy's schema does not name (no additionalProperties: false), and the policy reads none.
    const found = await violationsOf("cache-encryption", resources, loosened);
    expect(found.map((v) => [v.urn, v.message.split("\n")[1]])).toEqual([[urn, expect.stringContaining("a key this stack does not manage")]]);
  });

  it("lists only key ARNs as external keys: an alias in the config is refused before anything runs", async () => {
    await expect(violationsOf("cache-encryption", tier, { ...CONFIG, "cache-encryption": { externalKeyArns: ["alias/aws/elasticache"] } })).rejects.toThrow(/cache-encryption: externalKeyArns/);
  });

  it("never puts the token into a message", async () => {
    const { resources } = mutate(GROUP, "cache-group", (i) => (i.transitEncryptionEnabled = false));
    const token = String(one(tier, GROUP).inputs.authToken);
    expect(token.length).toBeGreaterThan(15);
    expect(JSON.stringify(await violationsOf("cache-encryption", resources, CONFIG))).not.toContain(token);
  });
});

describe("cache-ingress", () => {
  const dbSgId = () => String(one(tier, INGRESS, "secure-compute-cache-ingress").inputs.securityGroupId);
  const extraRule = (name: string, inputs: Record<string, unknown>) =>
    planned(INGRESS, name, inputs.ipProtocol === "-1" ? { securityGroupId: dbSgId(), ...inputs } : { securityGroupId: dbSgId(), ipProtocol: "tcp", fromPort: 6379, toPort: 6379, ...inputs });

  it.each<[string, Record<string, unknown>, (sg: string) => string]>([
    ["a world range", { cidrIpv4: "0.0.0.0/0" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.`],
    ["a world range in halves (IPv6)", { cidrIpv6: "::/1" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to a world-sized range (::/1). Only the application segment and the Vercel Secure Compute network may reach the cache.`],
    ["an office range", { cidrIpv4: "203.0.113.0/24" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to 203.0.113.0/24, outside the Secure Compute CIDRs (10.200.0.0/20). Add the Secure Compute CIDR to this policy's allowedCidrs, or remove the rule.`],
    ["another security group", { referencedSecurityGroupId: "sg-management" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to security group sg-management, which is not the application segment's. Only the application segment and the Vercel Secure Compute network may reach the cache.`],
    ["all traffic from a world range", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.`],
    // The provider lower-cases the protocol before sending it (terraform-provider-aws ProtocolForValue).
    ["TCP in capitals", { ipProtocol: "TCP", cidrIpv4: "0.0.0.0/0" }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.`],
    ["ALL in capitals, no ports", { ipProtocol: "ALL", cidrIpv4: "0.0.0.0/0", fromPort: 0, toPort: 0 }, (sg) => `Ingress rule "x" opens the cache's security group ${sg} on port 6379 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.`],
  ])("refuses %s", async (_t, inputs, message) => {
    const rule = extraRule("x", inputs);
    expect(await violationsOf("cache-ingress", [...tier, rule], CONFIG)).toEqual([violation("cache-ingress", message(dbSgId()), rule.urn)]);
  });

  it("checks the ports of every cache: a serverless cache's read port 6380 open to the world is refused", async () => {
    const serverless = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey", securityGroupIds: ["sg-serverless"] });
    const rule = planned(INGRESS, "reads-world", { securityGroupId: "sg-serverless", ipProtocol: "tcp", fromPort: 6380, toPort: 6380, cidrIpv4: "0.0.0.0/0" });
    expect(await violationsOf("cache-ingress", [...tier, serverless, rule], CONFIG)).toEqual([
      violation("cache-ingress", 'Ingress rule "reads-world" opens the cache\'s security group sg-serverless on port 6380 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.', rule.urn),
    ]);
  });

  it("reports a rule that opens every port of a serverless cache once, not once per cache port", async () => {
    const serverless = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey", securityGroupIds: ["sg-serverless"] });
    const rule = planned(INGRESS, "all-world", { securityGroupId: "sg-serverless", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
    expect(await violationsOf("cache-ingress", [...tier, serverless, rule], CONFIG)).toEqual([
      violation("cache-ingress", 'Ingress rule "all-world" opens the cache\'s security group sg-serverless on port 6379 to a world-sized range (0.0.0.0/0). Only the application segment and the Vercel Secure Compute network may reach the cache.', rule.urn),
    ]);
  });

  it("reports each bad inline rule of one security group (they share the group's URN)", async () => {
    const group = planned("aws:ec2/securityGroup:SecurityGroup", "inline", {
      ingress: [
        { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["203.0.113.0/24"] },
      ],
    });
    const serverless = planned("aws:elasticache/serverlessCache:ServerlessCache", "serverless", { engine: "valkey", securityGroupIds: ["sg-inline"] }, { propertyDependencies: { securityGroupIds: [group.urn] } });
    const found = await violationsOf("cache-ingress", [...tier, serverless, group], CONFIG);
    expect(found.map((v) => v.message.split("\n")[1]?.split(" opens")[0])).toEqual(['Inline ingress #0 of security group "inline"', 'Inline ingress #1 of security group "inline"']);
  });

  it("ignores other ports of the shared database group", async () => {
    expect(await violationsOf("cache-ingress", [...tier, extraRule("pg", { fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0" })], CONFIG)).toEqual([]);
  });

  it("allows the CIDR the stack routes through its accepted peering, unless the policy config turns that off", async () => {
    expect(await violationsOf("cache-ingress", tier, { "cache-ingress": { allowedCidrs: [] } })).toEqual([]);
    const found = await violationsOf("cache-ingress", tier, { "cache-ingress": { allowedCidrs: [], allowPeeredNetworks: false } });
    expect(found.map((v) => v.message.split("\n")[1])).toEqual([
      `Ingress rule "secure-compute-cache-ingress" opens the cache's security group ${dbSgId()} on port 6379 to 10.200.0.0/20, outside any allowed CIDR (no Secure Compute CIDR is configured or peered). Add the Secure Compute CIDR to this policy's allowedCidrs, or remove the rule.`,
    ]);
  });

  it("does not let a peering vouch for a wider range than it routes", async () => {
    const found = await violationsOf("cache-ingress", [...tier, extraRule("wide", { cidrIpv4: "10.200.0.0/16" })], { "cache-ingress": { allowedCidrs: [] } });
    expect(found.map((v) => v.message.split("\n")[1])).toEqual([
      `Ingress rule "wide" opens the cache's security group ${dbSgId()} on port 6379 to 10.200.0.0/16, outside the Secure Compute CIDRs (10.200.0.0/20). Add the Secure Compute CIDR to this policy's allowedCidrs, or remove the rule.`,
    ]);
  });
});

describe("worker-tasks", () => {
  const containerChange = (change: (c: Record<string, unknown>) => void) => (i: Record<string, unknown>) => {
    const defs = JSON.parse(String(i.containerDefinitions));
    change(defs[0]);
    i.containerDefinitions = JSON.stringify(defs);
  };
  it.each<[string, string, string, (i: Record<string, unknown>) => void, string]>([
    ["a public IP", "aws:ecs/service:Service", "workers-service", (i) => ((i.networkConfiguration as Record<string, unknown>).assignPublicIp = true), 'ECS service "workers-service" sets networkConfiguration.assignPublicIp to true; tasks must stay private in the application segment (set it to false and leave through the NAT gateway).'],
    [
      "a secret-named variable in plain environment",
      TASK,
      "workers-task",
      containerChange((c) => (c.environment as unknown[]).push({ name: "OPENAI_API_KEY", value: "x" })),
      'Task definition "workers-task", container "worker": environment variable OPENAI_API_KEY is named like a secret (matches /API_KEY/i) but is plaintext in the task definition. Store it in Secrets Manager and pass it through secrets[].valueFrom.',
    ],
    [
      "a secret value under a harmless name",
      TASK,
      "workers-task",
      containerChange((c) => (c.environment as unknown[]).push({ name: "MAIL", value: "re_fakeresend_key000000" })),
      'Task definition "workers-task", container "worker": environment variable MAIL holds a value that looks like a Resend API key, in plaintext. Move it to Secrets Manager (secrets[].valueFrom) and rotate it.',
    ],
    [
      "a secret that is not an ARN",
      TASK,
      "workers-task",
      containerChange((c) => ((c.secrets as Array<Record<string, string>>)[0] = { name: "RESEND_API_KEY", valueFrom: "re_fakeresend_key000000" })),
      'Task definition "workers-task", container "worker": secret RESEND_API_KEY must come from a Secrets Manager or SSM Parameter Store ARN (got a valueFrom that is not one).',
    ],
  ])("refuses %s", async (_t, type, suffix, change, message) => {
    const { resources, urn } = mutate(type, suffix, change);
    const found = await violationsOf("worker-tasks", resources, CONFIG);
    expect(found).toEqual([violation("worker-tasks", message, urn)]);
    expect(JSON.stringify(found)).not.toContain("re_fakeresend_key000000");
  });
});

describe("worker-scaling", () => {
  const TARGET = "aws:appautoscaling/target:Target";
  const POLICY = "aws:appautoscaling/policy:Policy";
  it.each<[string, string, string, (i: Record<string, unknown>) => void, string]>([
    ["max above the 10x ceiling", TARGET, "workers-scaling-target", (i) => (i.maxCapacity = 11), 'Scaling target "workers-scaling-target" sets maxCapacity 11; the 10x preset allows at most 10 tasks.'],
    ["min below the 10x floor", TARGET, "workers-scaling-target", (i) => (i.minCapacity = 4), 'Scaling target "workers-scaling-target" sets minCapacity 4; the 10x preset keeps at least 5 tasks running.'],
    ["no preset tag", TARGET, "workers-scaling-target", (i) => (i.tags = {}), 'Scaling target "workers-scaling-target" has no "scale-preset" tag; tag it with the stack\'s preset (100x, 10x, current) so its bounds can be checked.'],
    ["a CPU target above 70 %", POLICY, "workers-scaling-cpu", (i) => ((i.targetTrackingScalingPolicyConfiguration as Record<string, unknown>).targetValue = 75), 'Scaling policy "workers-scaling-cpu" aims for 75 % cpu; the guide scales out at 70 %.'],
    ["a short scale-in cooldown", POLICY, "workers-scaling-memory", (i) => ((i.targetTrackingScalingPolicyConfiguration as Record<string, unknown>).scaleInCooldown = 60), 'Scaling policy "workers-scaling-memory" sets scaleInCooldown 60 s; the guide\'s scale_down_cooldown is 600 s.'],
  ])("refuses %s", async (_t, type, suffix, change, message) => {
    const { resources, urn } = mutate(type, suffix, change);
    expect(await violationsOf("worker-scaling", resources, CONFIG)).toEqual([violation("worker-scaling", message, urn)]);
  });

  it("refuses a target without its memory policy", async () => {
    const target = one(tier, TARGET);
    const found = await violationsOf("worker-scaling", tier.filter((r) => !r.name.endsWith("workers-scaling-memory")), CONFIG);
    expect(found).toEqual([violation("worker-scaling", 'Scaling target "workers-scaling-target" has no memory target-tracking policy (ECSServiceAverageMemoryUtilization); the guide scales on CPU 70 % and memory 80 %.', target.urn)]);
  });

  /** An extra resource on the same scalable target as the tier's (wired to it, as a program would). */
  const onTarget = (type: string, name: string, inputs: Record<string, unknown>) => {
    const target = one(tier, TARGET);
    return planned(type, name, { resourceId: (target.inputs as { resourceId: string }).resourceId, serviceNamespace: "ecs", ...inputs }, { propertyDependencies: { resourceId: [target.urn] }, dependencies: [target.urn] });
  };

  it("refuses a second CPU policy beside the guide's, whatever its own settings", async () => {
    const cpu = one(tier, POLICY, "workers-scaling-cpu");
    const second = onTarget(POLICY, "workers-scaling-cpu-2", { policyType: "TargetTrackingScaling", targetTrackingScalingPolicyConfiguration: { ...(cpu.inputs.targetTrackingScalingPolicyConfiguration as object), targetValue: 1 } });
    const found = await violationsOf("worker-scaling", [...tier, second], CONFIG);
    expect(found).toEqual([violation("worker-scaling", `Scaling target "workers-scaling-target" has 2 cpu target-tracking policies (workers-scaling-cpu, workers-scaling-cpu-2); keep one, so the guide's target is the one that counts.`, one(tier, TARGET).urn)]);
  });

  it("refuses any other scaling policy on the target (step scaling, another metric)", async () => {
    const step = onTarget(POLICY, "workers-step", { policyType: "StepScaling", stepScalingPolicyConfiguration: { adjustmentType: "ExactCapacity", stepAdjustments: [{ scalingAdjustment: 40, metricIntervalLowerBound: "0" }] } });
    const found = await violationsOf("worker-scaling", [...tier, step], CONFIG);
    expect(found).toEqual([
      violation("worker-scaling", `Scaling policy "workers-step" is not the guide's CPU or memory target tracking (ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization); the service scales in only when every policy agrees, so another policy overrides the guide's thresholds. Remove it.`, step.urn),
    ]);
  });

  it("refuses a scheduled action that lifts the bounds past the preset's, and a suspended scaling direction", async () => {
    const action = onTarget("aws:appautoscaling/scheduledAction:ScheduledAction", "workers-nightly", { schedule: "cron(0 0 * * ? *)", scalableTargetAction: { minCapacity: 50, maxCapacity: 100 } });
    expect(await violationsOf("worker-scaling", [...tier, action], CONFIG)).toEqual([
      violation("worker-scaling", 'Scheduled action "workers-nightly" sets maxCapacity 100; the 10x preset allows at most 10 tasks.', action.urn),
    ]);
    const { resources, urn } = mutate(TARGET, "workers-scaling-target", (i) => (i.suspendedState = { dynamicScalingInSuspended: true }));
    expect(await violationsOf("worker-scaling", resources, CONFIG)).toEqual([
      violation("worker-scaling", `Scaling target "workers-scaling-target" suspends dynamic scaling in; the guide's CPU and memory thresholds would no longer move the task count.`, urn),
    ]);
  });

  it("its preset bounds are the presets' worker bounds, and its targets the guide's", () => {
    const fromPresets = Object.fromEntries(Object.entries(SCALE_PRESETS).map(([name, p]) => [name, { minCapacity: p.workers.minTasks, maxCapacity: p.workers.maxTasks }]));
    expect(WORKER_SCALING.presets).toEqual(fromPresets);
    expect(fromPresets).toEqual({ current: { minCapacity: 1, maxCapacity: 10 }, "10x": { minCapacity: 5, maxCapacity: 10 }, "100x": { minCapacity: 20, maxCapacity: 40 } });
    expect([WORKER_SCALING.targetCpuPercent, WORKER_SCALING.targetMemoryPercent, WORKER_SCALING.scaleOutCooldownSeconds, WORKER_SCALING.scaleInCooldownSeconds]).toEqual([
      GUIDE.autoScaling.targetCpuPercent,
      GUIDE.autoScaling.targetMemoryPercent,
      GUIDE.autoScaling.scaleUpCooldownSeconds,
      GUIDE.autoScaling.scaleDownCooldownSeconds,
    ]);
  });
});

describe("iam-least-privilege", () => {
  const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
  const ROLE = "aws:iam/role:Role";
  const withStatement = (statement: Record<string, unknown>) => (i: Record<string, unknown>) => {
    const doc = JSON.parse(String(i.policy));
    doc.Statement = [statement];
    i.policy = JSON.stringify(doc);
  };
  it.each<[string, string, string, (i: Record<string, unknown>) => void, string]>([
    ["NotResource", ROLE_POLICY, "workers-task-policy", withStatement({ Sid: "Consume", Effect: "Allow", Action: "sqs:ReceiveMessage", NotResource: "arn:aws:sqs:eu-west-2:1:other" }), 'IAM RolePolicy "workers-task-policy" policy: statement "Consume" uses NotResource (grants every other resource). Name the resources and principals it needs.'],
    [
      "a role anyone may assume",
      ROLE,
      "workers-task-role",
      (i) => (i.assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] })),
      'IAM Role "workers-task-role" assumeRolePolicy: statement #0 lets any principal ("*") assume the role. Name the resources and principals it needs.',
    ],
  ])("refuses %s", async (_t, type, suffix, change, message) => {
    const { resources, urn } = mutate(type, suffix, change);
    expect(await violationsOf("iam-least-privilege", resources, CONFIG)).toEqual([violation("iam-least-privilege", message, urn)]);
  });

  it.each([
    ["aws:sqs/queuePolicy:QueuePolicy", "sqs:SendMessage"],
    ["aws:secretsmanager/secretPolicy:SecretPolicy", "secretsmanager:GetSecretValue"],
    ["aws:ecr/repositoryPolicy:RepositoryPolicy", "ecr:BatchGetImage"],
  ])("refuses a %s that lets any principal in without a condition, and accepts it narrowed by one", async (type, action) => {
    const policy = (extra: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: action, Resource: "arn:aws:x:eu-west-2:111111111111:thing", ...extra }] });
    const open = planned(type, "open", { policy: policy({}) });
    expect(await violationsOf("iam-least-privilege", [...tier, open], CONFIG)).toEqual([violation("iam-least-privilege", `IAM ${type.split(":").pop()} "open" policy: statement "Open" ${OPEN_TO_ANYONE}`, open.urn)]);
    const narrowed = planned(type, "open", { policy: policy({ Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } } }) });
    expect(await violationsOf("iam-least-privilege", [...tier, narrowed], CONFIG)).toEqual([]);
  });

  const OPEN_TO_ANYONE =
    'allows any principal ("*") without a condition that names the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID, … with a matching operator and no wildcard). Name the resources and principals it needs.';
  const queuePolicy = (statement: Record<string, unknown>) =>
    planned("aws:sqs/queuePolicy:QueuePolicy", "open", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Open", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-2:111111111111:q", ...statement }] }) });

  it.each<[string, Record<string, unknown>]>([
    ["TLS only (anyone, over TLS)", { Bool: { "aws:SecureTransport": "true" } }],
    ["…IfExists (holds on a direct call, which has no source)", { ArnEqualsIfExists: { "aws:SourceArn": "arn:aws:sns:eu-west-2:111111111111:t" } }],
    ["a Not operator (everyone else)", { StringNotEquals: { "aws:PrincipalAccount": "222222222222" } }],
    ["ForAllValues (holds for an empty set)", { "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": ["o-abc/r-1/"] } }],
    ["a wildcard value", { StringLike: { "aws:SourceArn": "arn:aws:sns:*" } }],
    ["an empty operator block", { StringEquals: {} }],
    ["a caller key with no value", { StringEquals: { "aws:SourceAccount": [] } }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, written as IAM takes it
    ["a policy variable (IAM fills it in from the request, so it matches every caller)", { ArnEquals: { "aws:PrincipalArn": "${aws:PrincipalArn}" } }],
  ])("refuses Principal \"*\" whose condition narrows nothing: %s", async (_label, condition) => {
    const open = queuePolicy({ Principal: "*", Condition: condition });
    expect(await violationsOf("iam-least-privilege", [...tier, open], CONFIG)).toEqual([violation("iam-least-privilege", `IAM QueuePolicy "open" policy: statement "Open" ${OPEN_TO_ANYONE}`, open.urn)]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["aws:SourceArn (a service's resource)", { ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-2:111111111111:t" } }],
    ["aws:PrincipalOrgID, key in another case, ForAnyValue", { "ForAnyValue:StringEquals": { "AWS:principalorgid": ["o-abc123"] } }],
  ])("accepts Principal \"*\" narrowed to a caller: %s", async (_label, condition) => {
    expect(await violationsOf("iam-least-privilege", [...tier, queuePolicy({ Principal: "*", Condition: condition })], CONFIG)).toEqual([]);
  });

  it("refuses an Allow with NotPrincipal (every other principal), even with a caller condition", async () => {
    const open = queuePolicy({ NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } });
    expect(await violationsOf("iam-least-privilege", [...tier, open], CONFIG)).toEqual([
      violation("iam-least-privilege", 'IAM QueuePolicy "open" policy: statement "Open" is an Allow with NotPrincipal (lets in every other principal). Name the resources and principals it needs.', open.urn),
    ]);
  });

  it("reads resource policies under every input name AWS resources use (policyDocument, resourcePolicy, accessPolicy)", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "logs:PutLogEvents", Resource: "*" }] });
    const logs = planned("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "logs-open", { policyName: "x", policyDocument: doc });
    const glacier = planned("aws:glacier/vault:Vault", "vault-open", { name: "v", accessPolicy: doc });
    const found = await violationsOf("iam-least-privilege", [...tier, logs, glacier], CONFIG);
    expect(found.map((v) => v.urn)).toEqual([logs.urn, glacier.urn]);
  });

  it("refuses a policy document that is not valid JSON", async () => {
    const broken = planned("aws:sqs/queuePolicy:QueuePolicy", "broken", { policy: '{"Statement": [' });
    expect(await violationsOf("iam-least-privilege", [...tier, broken], CONFIG)).toEqual([violation("iam-least-privilege", 'IAM QueuePolicy "broken" policy: is not valid JSON. Name the resources and principals it needs.', broken.urn)]);
  });

  it("in a preview, an unknown input beside the trust policy does not stop it being checked", async () => {
    const { resources, urn } = mutate(ROLE, "workers-task-role", (i) => {
      i.assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });
      i.permissionsBoundary = undefined; // unknown until another resource is created
      i.description = undefined;
    });
    expect(await violationsOf("iam-least-privilege", resources, CONFIG)).toEqual([
      violation("iam-least-privilege", 'IAM Role "workers-task-role" assumeRolePolicy: statement #0 lets any principal ("*") assume the role. Name the resources and principals it needs.', urn),
    ]);
  });

  it("in a preview, an unknown trust policy makes both IAM policies report that they cannot run, not pass", async () => {
    const { resources, urn } = mutate(ROLE, "workers-task-role", (i) => {
      i.assumeRolePolicy = undefined; // unknown: built from another resource's output
    });
    for (const policy of ["iam-least-privilege", "iam-no-wildcard-actions"]) {
      expect(await violationsOf(policy, resources, CONFIG)).toEqual([cannotRun(policy, urn, "assumeRolePolicy")]);
    }
  });

  it("in a preview, unknown inline policies make the IAM check report that it cannot run, not that there is no document", async () => {
    const { resources, urn } = mutate(ROLE, "workers-task-role", (i) => {
      i.inlinePolicies = undefined; // unknown: a list of documents built from other resources' outputs
    });
    expect(await violationsOf("iam-no-wildcard-actions", resources, CONFIG)).toEqual([cannotRun("iam-no-wildcard-actions", urn, "inlinePolicies")]);
  });

  it("finds a policy document by its content under an input name it does not list", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] });
    const novel = planned("aws:newservice/thing:Thing", "novel", { accessControlDocument: doc, settings: { nested: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] } } });
    expect((await violationsOf("iam-no-wildcard-actions", [...tier, novel], CONFIG)).map((v) => v.message.split("\n")[1])).toEqual([
      'novel: accessControlDocument has Allow of "s3:*". List the actions the workload needs by name.',
      'novel: settings.nested has Allow of "sqs:*". List the actions the workload needs by name.',
    ]);
  });

  it("in a preview, a document given as an object still stops the check at an unknown it reads", async () => {
    // A document object (not JSON text) whose action is unknown: the policy reads the action
    // through the engine's proxy, which throws, so the check is reported as unable to run.
    const { resources, urn } = mutate(ROLE_POLICY, "vercel-enqueue-send", (i) => {
      i.policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: undefined, Resource: "arn:aws:sqs:eu-west-2:1:q" }] };
    });
    expect(await violationsOf("iam-no-wildcard-actions", resources, CONFIG)).toEqual([cannotRun("iam-no-wildcard-actions", urn, "policy.Statement.0.Action")]);
  });

  it("refuses ? wildcards in actions like *", async () => {
    const { resources } = mutate(ROLE_POLICY, "vercel-enqueue-send", withStatement({ Effect: "Allow", Action: "iam:Create????", Resource: "arn:aws:iam::1:role/x" }));
    expect((await violationsOf("iam-no-wildcard-actions", resources, CONFIG)).map((v) => v.message.split("\n")[1])).toEqual(['vercel-enqueue-send: policy has Allow of "iam:Create????". List the actions the workload needs by name.']);
  });

  it("leaves wildcard actions to iam-no-wildcard-actions, which refuses them in these roles too", async () => {
    const { resources } = mutate(ROLE_POLICY, "vercel-enqueue-send", withStatement({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:eu-west-2:1:q" }));
    expect(await violationsOf("iam-least-privilege", resources, CONFIG)).toEqual([]);
    expect((await violationsOf("iam-no-wildcard-actions", resources, CONFIG)).map((v) => v.message.split("\n")[1])).toEqual(['vercel-enqueue-send: policy has Allow of "sqs:*". List the actions the workload needs by name.']);
  });
});

describe("stateful-resources-protected", () => {
  it("refuses an unprotected replication group where protection is required", async () => {
    const group = one(tier, GROUP);
    const resources = tier.map((r) => (r === group ? { ...r, protect: false } : r));
    expect(await violationsOf("stateful-resources-protected", resources, CONFIG)).toEqual([
      violation("stateful-resources-protected", 'ElastiCache replication group "cache-group" is not protected. Register it with protect: true (the stack\'s protection setting) so `pulumi destroy` or a replacement cannot delete it.', group.urn),
    ]);
  });
});
