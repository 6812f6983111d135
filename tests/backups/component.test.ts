/**
 * components/backups under the mocks: the buckets and their guarantees (versioning, Object Lock
 * with the configured mode, SSE-KMS with a DR-region replica key, public access blocked, TLS
 * only, lifecycle to Deep Archive), replication that carries KMS objects, the job roles' trust
 * and least privilege, and the alarms. Retention limits and cost are pure functions (table tests).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_HEARTBEATS } from "../../components/backups/backup-alarms";
import { Backups, type BackupsArgs } from "../../components/backups/backups";
import { type BackupRetention, monthlyCost, retentionIssues } from "../../components/backups/retention";
import { formatIssue } from "../../components/shared/errors";
import type { RecordedRun } from "../../scripts/lib/record-program";
import { one, ofType, type PlannedResource, recordProgram } from "../helpers/pulumi";

const RETENTION: BackupRetention = { objectLockMode: "COMPLIANCE", objectLockDays: 35, coldAfterDays: 30, expireAfterDays: 400 };
const ARGS: BackupsArgs = {
  accountId: "123456789012",
  region: "eu-west-2",
  drRegion: "eu-west-1",
  namePrefix: "promptandpause-prod",
  stack: "prod",
  retention: RETENTION,
  volume: { dumpGiB: 1, storageGiB: 10 },
  githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  repository: "promptandpause/infra",
  githubEnvironment: "backup-production",
  alertTopicArn: "arn:aws:sns:eu-west-2:123456789012:promptandpause-prod-alerts",
  drillRestoreAlarmMinutes: 120,
  protect: true,
  permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary",
};

let run: RecordedRun<Backups>;
let resources: PlannedResource[];
const inputs = (r: PlannedResource) => r.inputs as Record<string, unknown>;
const policyOf = (r: PlannedResource) => JSON.parse(String(inputs(r).policy ?? inputs(r).assumeRolePolicy)) as { Statement: Record<string, unknown>[] };
const bucketNamed = (role: "primary" | "replica") => one(resources, "aws:s3/bucket:Bucket", `-${role}`);

beforeAll(async () => {
  run = await recordProgram(() => new Backups("backups", ARGS), { skipEngineExtras: true, config: { "promptandpause:aws": JSON.stringify({ accountId: "123456789012", region: "eu-west-2" }) } });
  resources = run.resources;
});

describe("buckets", () => {
  it("puts the primary in the primary region and the replica in the DR region, object-locked, protected, never force-destroyed", () => {
    expect(inputs(bucketNamed("primary"))).toMatchObject({ bucket: "promptandpause-prod-backups-123456789012-eu-west-2", region: "eu-west-2", objectLockEnabled: true, forceDestroy: false });
    expect(inputs(bucketNamed("replica"))).toMatchObject({ bucket: "promptandpause-prod-backups-123456789012-eu-west-1", region: "eu-west-1", objectLockEnabled: true });
    expect([bucketNamed("primary"), bucketNamed("replica")].every((b) => b.protect && b.retainOnDelete)).toBe(true);
  });

  it.each(["primary", "replica"] as const)("%s: versioned, default retention from config, public access blocked, ACLs off", (role) => {
    const name = bucketNamed(role).name;
    const bucket = inputs(bucketNamed(role)).bucket;
    expect(inputs(one(resources, "aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`))).toMatchObject({ bucket, versioningConfiguration: { status: "Enabled" } });
    expect(inputs(one(resources, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", `${name}-object-lock`))).toMatchObject({
      bucket,
      rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } },
    });
    expect(inputs(one(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-public-access`))).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(inputs(one(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-ownership`))).toMatchObject({ rule: { objectOwnership: "BucketOwnerEnforced" } });
  });

  it("encrypts the primary with the multi-Region key and the replica with its DR-region replica key", () => {
    const key = inputs(one(resources, "aws:kms/key:Key"));
    expect(key).toMatchObject({ multiRegion: true, enableKeyRotation: true, deletionWindowInDays: 30 });
    const replicaKey = inputs(one(resources, "aws:kms/replicaKey:ReplicaKey"));
    expect(replicaKey.region).toBe("eu-west-1");
    expect(String(replicaKey.primaryKeyArn)).toMatch(/^arn:aws:kms:eu-west-2:123456789012:key\/mrk-/);
    const sse = (role: string) => inputs(one(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `-${role}-encryption`)).rules as Record<string, Record<string, unknown>>[];
    expect(sse("primary")[0]?.applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "aws:kms", kmsMasterKeyId: replicaKey.primaryKeyArn });
    expect(String(sse("replica")[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId)).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/mrk-/);
  });

  it("denies every request without TLS", () => {
    const policy = policyOf(one(resources, "aws:s3/bucketPolicy:BucketPolicy", "-primary-policy"));
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::promptandpause-prod-backups-123456789012-eu-west-2", "arn:aws:s3:::promptandpause-prod-backups-123456789012-eu-west-2/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("archives every job prefix to DEEP_ARCHIVE after coldAfterDays and expires it, Storage blobs 31 days later", () => {
    const rules = inputs(one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "-primary-lifecycle")).rules as Record<string, unknown>[];
    const byPrefix = Object.fromEntries(rules.map((r) => [(r.filter as { prefix?: string }).prefix ?? "(all)", r]));
    for (const prefix of ["database/", "config/", "storage/manifests/"]) {
      expect(byPrefix[prefix]).toMatchObject({ status: "Enabled", transitions: [{ days: 30, storageClass: "DEEP_ARCHIVE" }], expiration: { days: 400 } });
    }
    expect(byPrefix["storage/blobs/"]).toMatchObject({ expiration: { days: 431 } });
    expect(byPrefix["(all)"]).toMatchObject({ abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }, expiration: { expiredObjectDeleteMarker: true } });
  });
});

describe("replication", () => {
  it("replicates KMS-encrypted objects to the replica, re-encrypted with the replica key, without delete markers, after both buckets are versioned", () => {
    const config = one(resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    const rule = (inputs(config).rules as Record<string, unknown>[])[0];
    const replicaSse = inputs(one(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "-replica-encryption")).rules as Record<string, Record<string, unknown>>[];
    const replicaKeyArn = replicaSse[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
    expect(String(replicaKeyArn)).toMatch(/^arn:aws:kms:eu-west-1:/);
    expect(rule).toMatchObject({
      status: "Enabled",
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: "arn:aws:s3:::promptandpause-prod-backups-123456789012-eu-west-1", encryptionConfiguration: { replicaKmsKeyId: replicaKeyArn } },
    });
    const versionings = ofType(resources, "aws:s3/bucketVersioning:BucketVersioning").map((v) => v.urn);
    expect(config.dependencies).toEqual(expect.arrayContaining(versionings));
  });

  it("lets the replication role decrypt with the source key and encrypt with the replica key, each only through S3 in its region", () => {
    const trust = policyOf(one(resources, "aws:iam/role:Role", "-replication-role"));
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" });
    const statements = policyOf(one(resources, "aws:iam/rolePolicy:RolePolicy", "-replication-policy")).Statement;
    const sid = (s: string) => statements.find((x) => x.Sid === s);
    expect(sid("DecryptSource")).toMatchObject({ Action: ["kms:Decrypt"], Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-2.amazonaws.com" } } });
    expect(String(sid("DecryptSource")?.Resource)).toContain(":eu-west-2:");
    expect(sid("EncryptReplica")).toMatchObject({ Action: ["kms:Encrypt", "kms:GenerateDataKey"], Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } });
    expect(String(sid("EncryptReplica")?.Resource)).toContain(":eu-west-1:");
    expect(sid("ReadSourceVersions")?.Action).toEqual(expect.arrayContaining(["s3:GetObjectVersionForReplication", "s3:GetObjectRetention"]));
  });
});

describe("job roles", () => {
  it.each(["writer", "drill"])("%s: trusted only by the repository's runs in the backup environment", (role) => {
    const trust = policyOf(one(resources, "aws:iam/role:Role", `-roles-${role}`));
    expect(trust.Statement).toEqual([
      {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: ARGS.githubOidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:promptandpause/infra:environment:backup-production" } },
      },
    ]);
  });

  it("writer: PutObject under the job prefixes only, KMS through S3, the heartbeat namespace, and deletes denied", () => {
    const statements = policyOf(one(resources, "aws:iam/rolePolicy:RolePolicy", "-roles-writer-policy")).Statement;
    const allowed = statements.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action as string[]);
    expect(allowed.sort()).toEqual(["cloudwatch:PutMetricData", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "s3:AbortMultipartUpload", "s3:PutObject"]);
    const bucket = "arn:aws:s3:::promptandpause-prod-backups-123456789012-eu-west-2";
    expect(statements.find((s) => s.Sid === "WriteBackups")?.Resource).toEqual([`${bucket}/database/*`, `${bucket}/storage/*`, `${bucket}/config/*`]);
    expect(statements.find((s) => s.Sid === "PublishBackupMetrics")?.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "PromptAndPause/Backups" } });
    expect(statements.find((s) => s.Sid === "NeverDeleteOrUnlock")?.Action).toEqual(expect.arrayContaining(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]));
  });

  it("drill: lists and reads database/ only", () => {
    const statements = policyOf(one(resources, "aws:iam/rolePolicy:RolePolicy", "-roles-drill-policy")).Statement;
    expect(statements.find((s) => s.Sid === "ReadDumps")).toMatchObject({ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::promptandpause-prod-backups-123456789012-eu-west-2/database/*" });
    expect(statements.flatMap((s) => s.Action as string[])).not.toContain("s3:PutObject");
  });
});

describe("alarms", () => {
  const alarm = (suffix: string) => inputs(one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", suffix));

  it.each(BACKUP_HEARTBEATS.map((h) => [h.step, h] as const))("heartbeat of the %s: no success in 26 hourly periods alarms, missing data breaching, to the alert topic", (_step, h) => {
    expect(alarm(`-alarms-${h.logicalSuffix}`)).toMatchObject({
      name: `promptandpause-prod-${h.alarm}`,
      namespace: "PromptAndPause/Backups",
      metricName: h.metricName,
      dimensions: { Stack: "prod" },
      statistic: "Sum",
      period: 3600,
      evaluationPeriods: 26,
      datapointsToAlarm: 26,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [ARGS.alertTopicArn],
      okActions: [ARGS.alertTopicArn],
    });
  });

  it("drill failure and drill duration alarm to the alert topic", () => {
    expect(alarm("-drill-failed")).toMatchObject({ metricName: "RestoreDrillSucceeded", comparisonOperator: "LessThanThreshold", threshold: 1, alarmActions: [ARGS.alertTopicArn] });
    expect(alarm("-drill-slow")).toMatchObject({ metricName: "RestoreDrillRestoreSeconds", comparisonOperator: "GreaterThanThreshold", threshold: 7200, alarmActions: [ARGS.alertTopicArn] });
  });
});

describe("retention limits", () => {
  it.each<[string, Partial<BackupRetention>, string[]]>([
    ["cold storage under 30 days", { coldAfterDays: 7, expireAfterDays: 400 }, ["r.coldAfterDays: must be at least 30 days"]],
    ["expiry inside Deep Archive's 180-day minimum", { coldAfterDays: 30, expireAfterDays: 150 }, ["r.expireAfterDays: must be at least coldAfterDays + 180 = 210"]],
    ["expiry before the lock ends", { objectLockDays: 500, expireAfterDays: 400 }, ["r.expireAfterDays: must be at least objectLockDays (500)"]],
    ["a lock over 100 years", { objectLockDays: 40_000, expireAfterDays: 40_000 }, ["r.objectLockDays: must be at most 36500"]],
    ["a fractional day", { objectLockDays: 1.5 }, ["r.objectLockDays: must be a whole number of days"]],
  ])("refuses %s", (_what, change, expected) => {
    const messages = retentionIssues({ ...RETENTION, ...change }, "r").map(formatIssue);
    expect(messages).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) expect(messages[i]).toContain(e);
  });

  it("accepts the configured figures", () => {
    expect(retentionIssues(RETENTION, "r")).toEqual([]);
  });

  it("refuses a DR region equal to the primary before registering anything", () => {
    expect(() => new Backups("same", { ...ARGS, drRegion: "eu-west-2" })).toThrow("same-storage.drRegion: must differ from the primary region");
  });

  it("costs a month: dumps hot for 30 days then archived, in two regions, plus transfer and two keys", () => {
    const cost = monthlyCost(RETENTION, { dumpGiB: 1, storageGiB: 0 });
    // 2 buckets × 30 GiB × 1.0737 GB/GiB × $0.023 = $1.48; 2 × 370 × 1.0737 × $0.00099 = $0.79; 30.4 × 1.0737 × $0.02 = $0.65; 2 keys = $2.
    expect(cost).toEqual({ standard: 1.48, deepArchive: 0.79, replicationTransfer: 0.65, kms: 2, total: 4.92 });
  });
});
