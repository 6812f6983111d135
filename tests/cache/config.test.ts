/** The cache layer's settings: defaults, and every refusal naming its key (values of secrets never echoed). */
import { describe, expect, it } from "vitest";
import { isConfigError } from "../../components/shared/errors";
import { resolveScale, workerBounds } from "../../stacks/presets";
import { workersEnabled } from "../../stacks/schema/cache";
import { GUIDE } from "../../stacks/guide";
import { platformConfigFor } from "../helpers/pulumi";

const APP = { team: "promptandpause", gitRepository: { repo: "promptandpause/web" }, aiProviders: ["openai", "anthropic"] };
const SC = { cidr: "10.200.0.0/20", peeringConnectionId: "pcx-0a1b2c3d4e5f67890" };
const DIGEST = `sha256:${"ab".repeat(32)}`;

function problems(overrides: Record<string, unknown>): string[] {
  try {
    platformConfigFor("staging", overrides);
    return [];
  } catch (e) {
    if (!isConfigError(e)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.problem}`);
  }
}

describe("defaults", () => {
  it("Valkey 8.1, TLS required, workers off until a digest is set", () => {
    const c = platformConfigFor("staging");
    expect(c.cache).toMatchObject({ engine: "valkey", engineVersion: "8.1", transitEncryption: "required", slowLogRetentionDays: 30 });
    expect(workersEnabled(c.workers)).toBe(false);
    expect(workersEnabled(platformConfigFor("staging", { "promptandpause:workers": { imageDigest: DIGEST } }).workers)).toBe(true);
    expect(workersEnabled(platformConfigFor("staging", { "promptandpause:workers": { imageDigest: DIGEST, enabled: false } }).workers)).toBe(false);
  });

  it.each([
    ["redis", "6.2"],
    ["redis", "5.0"],
    ["valkey", "6.2"],
  ])("refuses %s %s, which cannot take TLS required (and whose parameter family is not <engine><major>)", (engine, engineVersion) => {
    expect(problems({ "promptandpause:cache": { engine, engineVersion } })).toEqual([expect.stringMatching(new RegExp(`^promptandpause:cache\\.engineVersion: must be a ${engine} version with major (7 or 8|7) \\(got "${engineVersion.replace(".", "\\.")}"\\)`))]);
  });

  it.each([
    ["redis", "7.1"],
    ["valkey", "7.2"],
    ["valkey", "8.1"],
  ])("accepts %s %s", (engine, engineVersion) => {
    expect(problems({ "promptandpause:cache": { engine, engineVersion } })).toEqual([]);
  });

  it("worker bounds: the table's instances as the floor, max(guide max 10, 2 × floor) as the ceiling", () => {
    expect([workerBounds(1), workerBounds(5), workerBounds(20)]).toEqual([
      { minTasks: 1, maxTasks: GUIDE.autoScaling.maxInstances },
      { minTasks: 5, maxTasks: 10 },
      { minTasks: 20, maxTasks: 40 },
    ]);
    expect(resolveScale("current").workers.minTasks).toBe(GUIDE.autoScaling.minInstances);
  });

  it("with Secure Compute the app's Redis URL is not required", () => {
    const c = platformConfigFor("staging", { "promptandpause:app": { ...APP, secureCompute: SC }, "promptandpause:redisUrl": undefined });
    expect(c.secrets.redisUrl).toBeUndefined();
    expect(c.app.secureCompute).toEqual(SC);
  });
});

describe("refusals", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["Secure Compute overlapping the VPC", { "promptandpause:app": { ...APP, secureCompute: { ...SC, cidr: "10.20.8.0/24" } }, "promptandpause:redisUrl": undefined }, "promptandpause:app.secureCompute.cidr: overlaps the VPC (network.cidr 10.20.0.0/16): traffic to it could not be routed"],
    ["Secure Compute on public addresses", { "promptandpause:app": { ...APP, secureCompute: { ...SC, cidr: "203.0.113.0/24" } }, "promptandpause:redisUrl": undefined }, "promptandpause:app.secureCompute.cidr: must be private address space (RFC 1918): Vercel Secure Compute networks use private ranges"],
    ["Secure Compute over the other stack's VPC", { "promptandpause:app": { ...APP, secureCompute: { ...SC, cidr: "10.10.0.0/20" } }, "promptandpause:redisUrl": undefined }, "promptandpause:app.secureCompute.cidr: overlaps prod-vpc (10.10.0.0/16) from network.reservedCidrs"],
    ["a bad peering id", { "promptandpause:app": { ...APP, secureCompute: { ...SC, peeringConnectionId: "vpc-1" } }, "promptandpause:redisUrl": undefined }, "promptandpause:app.secureCompute.peeringConnectionId: must be a VPC peering connection id like pcx-0a1b2c3d4e5f67890"],
    ["TLS off", { "promptandpause:cache": { transitEncryption: false } }, 'promptandpause:cache.transitEncryption: must be "required"'],
    ["no daily snapshots", { "promptandpause:cache": { snapshotRetentionDays: 0 } }, "promptandpause:cache.snapshotRetentionDays: must be >= 1"],
    ["AUTH removed (DELETE)", { "promptandpause:cache": { authTokenUpdateStrategy: "DELETE" } }, 'promptandpause:cache.authTokenUpdateStrategy: must be one of "ROTATE", "SET"'],
    ["a tag instead of a digest", { "promptandpause:workers": { imageDigest: "latest" } }, "promptandpause:workers.imageDigest: must be an image digest sha256:<64 lowercase hex>"],
    ["memory Fargate cannot pair", { "promptandpause:workers": { imageDigest: DIGEST, cpu: 256, memory: 4096 } }, "promptandpause:workers.memory: must be one of 512, 1024, 2048 MiB with 256 CPU units (Fargate task sizes)"],
    ["a platform variable", { "promptandpause:workers": { imageDigest: DIGEST, environment: { WORK_QUEUE_URL: "x" } } }, "promptandpause:workers.environment.WORK_QUEUE_URL: is set by the platform"],
    ["a secret value under a harmless name", { "promptandpause:workers": { imageDigest: DIGEST, environment: { MAIL: "re_fakeresend_key000000" } } }, "promptandpause:workers.environment.MAIL: value looks like a Resend API key"],
    ["a team id with the workers on", { "promptandpause:app": { ...APP, team: "team_abc123" }, "promptandpause:workers": { imageDigest: DIGEST } }, "promptandpause:app.team: is a team id, but Vercel's OIDC issuer and audience"],
    ["min above max", { "promptandpause:scale": { preset: "current", overrides: { workers: { minTasks: 12 } } } }, "promptandpause:scale.overrides.workers: minTasks (12) is above maxTasks (10)"],
  ])("%s", (_t, overrides, expected) => {
    const found = problems(overrides);
    expect(found.some((p) => p.startsWith(expected)), found.join("\n")).toBe(true);
    expect(found.join("\n")).not.toContain("re_fakeresend_key000000");
  });
});
