/**
 * The cache layer and the application tier inside the whole program, through the offline plan of
 * real stack files: both stacks plan clean, prod at 10x/100x records exactly the presets' cache
 * and scaling numbers, the tier-on fixture proves the whole tier, bad stack files are refused by
 * key, and neither REDIS_URL nor the AUTH token reaches the plan output.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { isConfigError } from "../../components/shared/errors";
import { markdownReport } from "../../scripts/lib/plan-report";
import type { PlanOutcome } from "../../scripts/lib/run-plan";
import { SCALE_PRESETS } from "../../stacks/presets";
import { leakedSecrets, planSecrets } from "../helpers/plan-secrets";
import { one, ofType, platformConfigFor, planStack, REPO_ROOT } from "../helpers/pulumi";

const T = {
  group: "aws:elasticache/replicationGroup:ReplicationGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  target: "aws:appautoscaling/target:Target",
  envVar: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  password: "random:index/randomPassword:RandomPassword",
};
const DIGEST = `sha256:${"3f".repeat(32)}`;
const FIXTURE = path.join(REPO_ROOT, "tests/fixtures/stacks/cache-tier-on.yaml");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cache-plan-"));

/** A copy of a stack file with `promptandpause:<key>` values set (comments kept). */
function stackFileWith(base: string, name: string, set: Record<string, unknown>): string {
  const doc = parseDocument(fs.readFileSync(base, "utf8"));
  for (const [key, value] of Object.entries(set)) doc.setIn(["config", `promptandpause:${key}`], value);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, doc.toString());
  return file;
}

function planned(outcome: PlanOutcome): Extract<PlanOutcome, { kind: "planned" }> {
  if (outcome.kind !== "planned") throw new Error(`did not plan:\n${outcome.problems.join("\n")}`);
  return outcome;
}

const PROD = path.join(REPO_ROOT, "Pulumi.prod.yaml");
const plans: Record<string, Extract<PlanOutcome, { kind: "planned" }>> = {};
beforeAll(async () => {
  // Staging's own plan is the tier-on fixture's base; tests/edge/plan.test.ts plans staging clean too.
  plans.prod = planned(await planStack("prod"));
  for (const preset of ["10x", "100x"] as const) {
    const file = stackFileWith(PROD, `prod-${preset}`, { scale: { preset }, workers: { imageDigest: DIGEST } });
    plans[preset] = planned(await planStack({ file, stack: "prod" }));
  }
  plans.tier = planned(await planStack({ file: FIXTURE, stack: "staging" }));
});

describe.each(["prod"] as const)("the %s stack", (stack) => {
  it("plans clean with one cluster-mode cache node, the workers off and the ECR repository ready", () => {
    const { document, resources } = plans[stack] as Extract<PlanOutcome, { kind: "planned" }>;
    expect(document.policies.violations).toEqual([]);
    expect(one(resources, T.group).inputs).toMatchObject({ clusterMode: "enabled", numNodeGroups: 1, replicasPerNodeGroup: 0, multiAzEnabled: false, transitEncryptionMode: "required" });
    expect(one(resources, T.group).protect).toBe(stack === "prod");
    expect(ofType(resources, T.target)).toEqual([]);
    expect(ofType(resources, "aws:ecr/repository:Repository")).toHaveLength(1);
    expect(document.outputs.aws).toMatchObject({ workersEnabled: false, appRedis: "serverless (promptandpause:redisUrl)" });
  });

  it("says once which Redis the app uses", () => {
    const { document } = plans[stack] as Extract<PlanOutcome, { kind: "planned" }>;
    expect(document.warnings.filter((w) => w.startsWith("Cache: the Vercel app uses the serverless Redis in promptandpause:redisUrl"))).toHaveLength(1);
  });

  it("does not warn about the AUTH token strategy while it is ROTATE", () => {
    const { document } = plans[stack] as Extract<PlanOutcome, { kind: "planned" }>;
    expect(document.warnings.filter((w) => w.includes("authTokenUpdateStrategy"))).toEqual([]);
  });
});

describe.each(["10x", "100x"] as const)("prod at %s", (preset) => {
  const expected = SCALE_PRESETS[preset];
  it("reshards the same replication group to the preset's shards, replicas and node type", () => {
    const { resources, document } = plans[preset] as Extract<PlanOutcome, { kind: "planned" }>;
    expect(document.policies.violations).toEqual([]);
    const group = one(resources, T.group);
    expect(group.inputs).toMatchObject({
      replicationGroupId: "promptandpause-prod-cache",
      numNodeGroups: expected.cache.shards,
      replicasPerNodeGroup: expected.cache.replicasPerShard,
      nodeType: expected.cache.nodeType,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
    });
    expect(group.urn).toBe(one(plans.prod?.resources ?? [], T.group).urn);
    const nodes = expected.cache.shards * (1 + expected.cache.replicasPerShard);
    expect(ofType(resources, T.alarm).filter((a) => a.inputs.namespace === "AWS/ElastiCache")).toHaveLength(nodes * 4);
  });

  it("scales the workers between the preset's bounds", () => {
    const target = one((plans[preset] as Extract<PlanOutcome, { kind: "planned" }>).resources, T.target);
    expect([target.inputs.minCapacity, target.inputs.maxCapacity]).toEqual([expected.workers.minTasks, expected.workers.maxTasks]);
    expect((target.inputs.tags as Record<string, string>)["scale-preset"]).toBe(preset);
  });

  it.each([["10x", 2, 1, 5, 10] as const, ["100x", 5, 1, 20, 40] as const].filter(([p]) => p === preset))("records %s as %i shards × %i replica(s), %i–%i tasks", (_p, shards, replicas, min, max) => {
    const { resources } = plans[preset] as Extract<PlanOutcome, { kind: "planned" }>;
    expect([one(resources, T.group).inputs.numNodeGroups, one(resources, T.group).inputs.replicasPerNodeGroup]).toEqual([shards, replicas]);
    expect([one(resources, T.target).inputs.minCapacity, one(resources, T.target).inputs.maxCapacity]).toEqual([min, max]);
  });
});

describe("the tier-on fixture (Secure Compute + workers)", () => {
  it("plans clean with the peering, the queue, the Vercel role, the service and its scaling", () => {
    const { document, resources } = plans.tier as Extract<PlanOutcome, { kind: "planned" }>;
    expect(document.policies.violations).toEqual([]);
    for (const type of [
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
      "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
      "aws:ecs/service:Service",
      "aws:ecs/taskDefinition:TaskDefinition",
      T.target,
    ]) {
      expect(ofType(resources, type), type).toHaveLength(1);
    }
    expect(ofType(resources, "aws:appautoscaling/policy:Policy")).toHaveLength(2);
    // Vercel's team issuer, next to the CI layer's GitHub one.
    expect(ofType(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").filter((p) => p.inputs.url === "https://oidc.vercel.com/promptandpause")).toHaveLength(1);
    // The application segment's group now exists, and the workers run in it.
    const appSg = resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && (r.inputs.tags as Record<string, string>).segment === "application");
    expect(appSg).toBeDefined();
    expect(one(resources, "aws:ecs/service:Service").propertyDependencies.networkConfiguration).toContain(appSg?.urn);
    expect(document.warnings.some((w) => w.startsWith("Cache:"))).toBe(false);
    expect(document.outputs.aws).toMatchObject({ workersEnabled: true, appRedis: "elasticache (Vercel Secure Compute)" });
  });

  it("gives the Vercel app ElastiCache's URL and the queue it may send to", () => {
    const { resources } = plans.tier as Extract<PlanOutcome, { kind: "planned" }>;
    const env = (key: string) => ofType(resources, T.envVar).find((r) => r.inputs.key === key);
    const redis = env("REDIS_URL");
    expect(redis?.inputs.value).toMatch(/^rediss:\/\/:[A-Za-z0-9!$&-]{64}@clustercfg\.promptandpause-staging-cache\./);
    expect(redis?.inputs.sensitive).toBe(true);
    expect(redis?.propertyDependencies.value).toContain(one(resources, T.group).urn);
    expect(env("AWS_ROLE_ARN")?.inputs.value).toBe("arn:aws:iam::210987654321:role/promptandpause-staging-vercel-enqueue");
    expect(env("WORK_QUEUE_URL")?.inputs.value).toBe("https://sqs.eu-west-2.amazonaws.com/210987654321/promptandpause-staging-work");
    expect(env("AWS_REGION")?.inputs.value).toBe("eu-west-2");
  });
});

describe("REDIS_URL and the AUTH token never reach the plan output", () => {
  it.each([
    ["without Secure Compute (prod)", "prod"],
    ["with Secure Compute (tier-on fixture)", "tier"],
  ] as const)("%s", (_t, which) => {
    const { document, resources } = plans[which] as Extract<PlanOutcome, { kind: "planned" }>;
    const secrets = planSecrets(resources);
    const redis = ofType(resources, T.envVar).find((r) => r.inputs.key === "REDIS_URL");
    const token = one(resources, T.group).inputs.authToken as string;
    // Both values are among the collected secrets, so the leak check below covers them.
    expect(secrets.map((s) => s.value)).toEqual(expect.arrayContaining([redis?.inputs.value, token]));
    expect(leakedSecrets(secrets, { json: JSON.stringify(document), markdown: markdownReport(document) })).toEqual([]);
    expect(JSON.stringify(document)).not.toContain(token);
    expect(document.outputs.aws).toMatchObject({ cacheUrl: "[secret]" });
  });
});

describe("revoking the old AUTH token (authTokenUpdateStrategy SET)", () => {
  it("sends SET and warns to set it back to ROTATE once applied", async () => {
    const file = stackFileWith(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "auth-set", { cache: { snapshotRetentionDays: 1, authTokenUpdateStrategy: "SET" } });
    const outcome = planned(await planStack({ file, stack: "staging" }));
    expect(one(outcome.resources, T.group).inputs.authTokenUpdateStrategy).toBe("SET");
    expect(outcome.document.warnings.filter((w) => w.includes("authTokenUpdateStrategy"))).toEqual([expect.stringContaining("set it back to ROTATE")]);
  });
});

describe("stack files the platform refuses, by key", () => {
  const STAGING = path.join(REPO_ROOT, "Pulumi.staging.yaml");
  it.each<[string, Record<string, unknown>, string]>([
    ["transit encryption off", { cache: { transitEncryption: "preferred" } }, 'promptandpause:cache.transitEncryption: must be "required": the cache never accepts plaintext connections'],
    ["a cache open to a world range", { app: { team: "promptandpause", gitRepository: { repo: "promptandpause/web" }, secureCompute: { cidr: "0.0.0.0/0", peeringConnectionId: "pcx-0a1b2c3d4e5f67890" } } }, "promptandpause:app.secureCompute.cidr: together cover a world range: the cache must not be open to the internet"],
    ["a worker secret in plain environment", { workers: { imageDigest: DIGEST, environment: { RESEND_API_KEY: "re_fakeresend_key000000" } } }, "promptandpause:workers.environment.RESEND_API_KEY: is named like a secret (matches /API_KEY/i) but would sit in plaintext in the task definition"],
    ["workers on without a digest", { workers: { enabled: true } }, "promptandpause:workers.enabled: is true but no image digest is configured"],
  ])("%s", async (name, set, line) => {
    const outcome = await planStack({ file: stackFileWith(STAGING, name.replace(/\W+/g, "-"), set), stack: "staging" });
    expect(outcome.kind).toBe("invalid-config");
    const problems = outcome.kind === "invalid-config" ? outcome.problems : [];
    expect(problems.some((p) => p.startsWith(line)), problems.join("\n")).toBe(true);
    expect(problems.join("\n")).not.toContain("re_fakeresend_key000000");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a plain redis:// URL", { "promptandpause:redisUrl": "redis://default:hunter2hunter2@redis.example.com:6379" }, "promptandpause:redisUrl: must be a rediss:// URL: redis:// sends the password and every cached value in clear text (got [secret])."],
    ["no scheme at all", { "promptandpause:redisUrl": "hunter2hunter2" }, "promptandpause:redisUrl: must be a rediss:// URL (TLS), e.g. rediss://default:<password>@<host>:6379 (got [secret])."],
    [
      "both the serverless URL and Secure Compute",
      { "promptandpause:redisUrl": "rediss://default:hunter2hunter2@redis.example.com:6379", "promptandpause:app": { team: "promptandpause", gitRepository: { repo: "promptandpause/web" }, aiProviders: ["openai", "anthropic"], secureCompute: { cidr: "10.200.0.0/20", peeringConnectionId: "pcx-0a1b2c3d4e5f67890" } } },
      "promptandpause:redisUrl: is set but promptandpause:app.secureCompute is configured",
    ],
  ])("the app's Redis: %s (the decrypted secret, as `pulumi up` sees it)", (_t, overrides, message) => {
    let error: unknown;
    try {
      platformConfigFor("staging", overrides);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("accepts a rediss:// URL", () => {
    expect(platformConfigFor("staging", { "promptandpause:redisUrl": "rediss://default:hunter2hunter2@redis.example.com:6379" }).secrets.redisUrl).toBeDefined();
  });
});
