/**
 * backup-buckets and iam-no-wildcard-actions: the backups layer as components/backups registers
 * it (recorded under the mocks, prod policy config) passes; one changed field gives the exact
 * violation. And through the real plan CLI: a prod stack file that turns off versioning, Object
 * Lock or the DR replica is refused (exit 2, the key named).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { Backups } from "../../components/backups/backups";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { runPlanInProcess } from "../helpers/plan-cli";
import { recordProgram, REPO_ROOT } from "../helpers/pulumi";
import { violation, violationsOf } from "../policies/helpers";

const PRIMARY = "promptandpause-prod-backups-123456789012-eu-west-2";
let base: PlannedResource[];

beforeAll(async () => {
  const run = await recordProgram(
    () =>
      new Backups("backups", {
        accountId: "123456789012",
        region: "eu-west-2",
        drRegion: "eu-west-1",
        namePrefix: "promptandpause-prod",
        permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary",
        stack: "prod",
        retention: { objectLockMode: "COMPLIANCE", objectLockDays: 35, coldAfterDays: 30, expireAfterDays: 400 },
        volume: { dumpGiB: 1, storageGiB: 10 },
        githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        repository: "promptandpause/infrastructure",
        githubEnvironment: "backup-prod",
        alertTopicArn: "arn:aws:sns:eu-west-2:123456789012:alerts",
        drillRestoreAlarmMinutes: 120,
        protect: true,
      }),
    { skipEngineExtras: true, config: { "promptandpause:aws": JSON.stringify({ accountId: "123456789012", region: "eu-west-2" }) } },
  );
  base = run.resources;
});

/** A deep copy with `edit` applied to the one resource of `type` whose name ends with `suffix`. */
function mutate(type: string, suffix: string, edit: (inputs: Record<string, unknown>, r: PlannedResource) => void): PlannedResource[] {
  const copy = structuredClone(base);
  const target = copy.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (target.length !== 1) throw new Error(`test setup: ${target.length} ${type} *${suffix}`);
  edit(target[0]?.inputs as Record<string, unknown>, target[0] as PlannedResource);
  return copy;
}
const without = (type: string, suffix: string) => structuredClone(base).filter((r) => !(r.type === type && r.name.endsWith(suffix)));
const primaryUrn = () => base.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-primary"))?.urn ?? "";
const bucketViolation = (message: string) => violation("backup-buckets", `Backup bucket "${PRIMARY}" ${message}`, primaryUrn());

describe("backup-buckets", () => {
  it("passes the buckets components/backups builds", async () => {
    expect(await violationsOf("backup-buckets", base)).toEqual([]);
  });

  const S3 = (t: string) => `aws:s3/${t}`;
  it.each<[string, () => PlannedResource[], string]>([
    ["versioning suspended", () => mutate(S3("bucketVersioning:BucketVersioning"), "-primary-versioning", (i) => (i.versioningConfiguration = { status: "Suspended" })), 'has no aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".'],
    ["no versioning resource", () => without(S3("bucketVersioning:BucketVersioning"), "-primary-versioning"), 'has no aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".'],
    ["object lock not enabled at creation", () => mutate(S3("bucket:Bucket"), "-primary", (i) => (i.objectLockEnabled = false)), "is not created with objectLockEnabled: true (Object Lock can only be turned on at creation)."],
    ["no default retention", () => without(S3("bucketObjectLockConfiguration:BucketObjectLockConfiguration"), "-primary-object-lock"), "has no aws.s3.BucketObjectLockConfiguration default retention."],
    ["GOVERNANCE mode in prod", () => mutate(S3("bucketObjectLockConfiguration:BucketObjectLockConfiguration"), "-primary-object-lock", (i) => (i.rule = { defaultRetention: { mode: "GOVERNANCE", days: 35 } })), "locks objects in GOVERNANCE mode; this stack requires COMPLIANCE."],
    ["a lock below prod's floor", () => mutate(S3("bucketObjectLockConfiguration:BucketObjectLockConfiguration"), "-primary-object-lock", (i) => (i.rule = { defaultRetention: { mode: "COMPLIANCE", days: 7 } })), "locks objects for 7 days; this stack's floor is 30."],
    ["SSE-S3 instead of KMS", () => mutate(S3("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), "-primary-encryption", (i) => (i.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }])), "has no SSE-KMS default encryption with a customer managed key (aws.s3.BucketServerSideEncryptionConfiguration, sseAlgorithm aws:kms, kmsMasterKeyId)."],
    ["public policies allowed", () => mutate(S3("bucketPublicAccessBlock:BucketPublicAccessBlock"), "-primary-public-access", (i) => (i.blockPublicPolicy = false)), "has public access not fully blocked: blockPublicPolicy must be true."],
    ["expiry below prod's floor", () => mutate(S3("bucketLifecycleConfiguration:BucketLifecycleConfiguration"), "-primary-lifecycle", (i) => ((i.rules as { expiration?: { days?: number } }[])[0] = { ...(i.rules as object[])[0], expiration: { days: 90 } } as never)), 'expires objects after 90 days (lifecycle rule "archive-then-expire-database"); this stack keeps backups at least 365 days.'],
    ["an expiration on a fixed date", () => mutate(S3("bucketLifecycleConfiguration:BucketLifecycleConfiguration"), "-primary-lifecycle", (i) => ((i.rules as { expiration?: object }[])[0] = { ...(i.rules as object[])[0], expiration: { date: "2027-01-01T00:00:00Z" } } as never)), 'expires objects on a fixed date (2027-01-01T00:00:00Z, lifecycle rule "archive-then-expire-database"), whatever their age; expire by days (at least 365).'],
    ["not protected", () => mutate(S3("bucket:Bucket"), "-primary", (_i, r) => (r.protect = false)), "is not protected. Register it with protect: true so `pulumi destroy` or a replacement cannot delete the backups."],
  ])("%s", async (_what, resources, message) => {
    expect(await violationsOf("backup-buckets", resources())).toEqual([bucketViolation(message)]);
  });

  const REPLICATION = "is not replicated to the DR region: it needs an aws.s3.BucketReplicationConfig with an Enabled rule for the whole bucket (no prefix or tag filter) whose destination is a backup bucket in another region, sourceSelectionCriteria.sseKmsEncryptedObjects Enabled and destination.encryptionConfiguration.replicaKmsKeyId set.";
  const editRule = (change: (rule: Record<string, unknown>) => void) => () =>
    mutate(S3("bucketReplicationConfig:BucketReplicationConfig"), "-replication", (i) => change((i.rules as Record<string, unknown>[])[0] as Record<string, unknown>));
  it.each<[string, () => PlannedResource[]]>([
    ["no replication", () => without(S3("bucketReplicationConfig:BucketReplicationConfig"), "-replication")],
    ["the rule disabled", editRule((r) => (r.status = "Disabled"))],
    ["KMS objects not selected (they would silently not replicate)", editRule((r) => delete r.sourceSelectionCriteria)],
    ["no replica key", editRule((r) => delete (r.destination as Record<string, unknown>).encryptionConfiguration)],
    ["the replica in the primary region", () => mutate(S3("bucket:Bucket"), "-replica", (i) => (i.region = "eu-west-2"))],
    ["a rule for one prefix only (the other jobs' backups get no DR copy)", editRule((r) => (r.filter = { prefix: "database/" }))],
    ["a rule for tagged objects only", editRule((r) => (r.filter = { tag: { key: "dr", value: "yes" } }))],
  ])("refuses %s", async (_what, resources) => {
    expect(await violationsOf("backup-buckets", resources())).toEqual([bucketViolation(REPLICATION)]);
  });
});

describe("iam-no-wildcard-actions", () => {
  it("passes every policy document of the backups layer (the TLS-only Deny s3:* included)", async () => {
    expect(await violationsOf("iam-no-wildcard-actions", base)).toEqual([]);
  });

  const writerPolicy = (statement: Record<string, unknown>) =>
    mutate("aws:iam/rolePolicy:RolePolicy", "-roles-writer-policy", (i) => {
      const doc = JSON.parse(String(i.policy)) as { Statement: unknown[] };
      doc.Statement.push(statement);
      i.policy = JSON.stringify(doc);
    });
  const urn = () => base.find((r) => r.name.endsWith("-roles-writer-policy"))?.urn ?? "";
  it.each<[string, Record<string, unknown>, string]>([
    ["s3:*", { Sid: "All", Effect: "Allow", Action: ["s3:PutObject", "s3:*"], Resource: "*" }, 'Allow of "s3:*"'],
    ["*", { Effect: "Allow", Action: "*", Resource: "*" }, 'Allow of "*"'],
    ["NotAction", { Sid: "Rest", Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }, 'an Allow with NotAction (["iam:*"]) grants everything else'],
  ])("refuses an Allow of %s added to the writer role", async (_what, statement, problem) => {
    expect(await violationsOf("iam-no-wildcard-actions", writerPolicy(statement))).toEqual([
      violation("iam-no-wildcard-actions", `backups-roles-writer-policy: policy has ${problem}. List the actions the workload needs by name.`, urn()),
    ]);
  });

  it("allows a broad Deny", async () => {
    expect(await violationsOf("iam-no-wildcard-actions", writerPolicy({ Effect: "Deny", Action: "s3:*", Resource: "*" }))).toEqual([]);
  });
});

describe("a prod stack file that turns off a guarantee (the plan CLI's entry, in-process)", () => {
  it("is refused with exit 2, naming versioning, objectLock and drReplica", async () => {
    const doc = parseDocument(readFileSync(join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    for (const key of ["versioning", "objectLock", "drReplica"]) doc.setIn(["config", "promptandpause:backups", key], false);
    const file = join(mkdtempSync(join(tmpdir(), "pp-backups-stack-")), "Pulumi.prod.yaml");
    writeFileSync(file, doc.toString());
    const r = await runPlanInProcess(["--stack", "prod", "--config", file]);
    expect(r.code).toBe(2);
    for (const key of ["versioning", "objectLock", "drReplica"]) expect(r.stderr + r.stdout).toContain(`promptandpause:backups.${key}: cannot be turned off`);
  });
});
