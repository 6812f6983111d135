import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { throwIfIssues } from "../shared/errors";
import { physicalName } from "../shared/naming";
import { statefulOptions } from "../shared/stateful";
import { mergeTags, type Tags } from "../shared/tags";
import { type BackupRetention, retentionIssues, STORAGE_BLOB_EXTRA_DAYS } from "./retention";
import { platformKey } from "../shared/kms-key";
import { hardenBucket } from "../shared/s3-bucket";
import { kmsKeyPolicy } from "../shared/kms-policy";

/**
 * Where the backups live: an S3 bucket in the primary region and its replica in the DR region,
 * both versioned, Object-Locked (mode and days from config), encrypted with a customer managed
 * KMS key (a multi-Region key; the DR bucket uses its replica in the DR region), public access
 * blocked, ACLs off, TLS-only, with a lifecycle to Glacier Deep Archive and expiry.
 *
 * Replication carries KMS-encrypted objects for real: the rule selects them
 * (`sourceSelectionCriteria.sseKmsEncryptedObjects`), re-encrypts with the replica key
 * (`replicaKmsKeyId`), and the replication role may decrypt with the source key and encrypt with
 * the replica key, each only through S3 in its region (AWS S3 User Guide, "Replicating objects
 * created with server-side encryption (SSE-KMS)"). Delete markers are not replicated: a deletion
 * in the primary never reaches the DR copy. Object Lock retention is replicated with each object.
 *
 * Cost: see retention.ts `monthlyCost` (storage in both regions, transfer, two KMS keys).
 */

export interface BackupStorageArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** AWS account id (12 digits): part of the globally unique bucket names. */
  accountId: string;
  /** Primary region (the provider's), e.g. `eu-west-2`. */
  region: string;
  /** DR region for the replica bucket and key, e.g. `eu-west-1`. Must differ from `region`. */
  drRegion: string;
  /** Prefix of physical names, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** Object Lock, archival and expiry. Validated against AWS's limits (retention.ts). */
  retention: BackupRetention;
  /**
   * Days KMS waits before deleting a key scheduled for deletion (7–30). Deleting the key makes
   * every backup unreadable. @default 30
   */
  keyDeletionWindowDays?: number;
  /** Protect buckets and keys from deletion (prod). @default false */
  protect?: boolean;
  /** Extra tags on every child (the provider's default tags carry the platform tags). @default {} */
  tags?: Tags;
}

/** Key prefixes the jobs write (scripts/backup) and how long each is kept beyond `expireAfterDays`. */
export const BACKUP_PREFIXES = [
  { prefix: "database/", extraDays: 0 },
  { prefix: "config/", extraDays: 0 },
  { prefix: "storage/manifests/", extraDays: 0 },
  { prefix: "storage/blobs/", extraDays: STORAGE_BLOB_EXTRA_DAYS },
] as const;

interface Side {
  bucket: s3.Bucket;
  versioning: s3.BucketVersioning;
}

export class BackupStorage extends pulumi.ComponentResource {
  /** Primary bucket name. */
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** DR-region replica bucket name. */
  public readonly replicaBucketName: pulumi.Output<string>;
  public readonly replicaBucketArn: pulumi.Output<string>;
  /** Primary-region KMS key (multi-Region primary) the jobs encrypt with. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** Its replica in the DR region, used by the replica bucket. */
  public readonly replicaKmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    const issues = retentionIssues(args.retention, `${name}.retention`);
    if (args.drRegion === args.region) issues.push({ path: `${name}.drRegion`, problem: "must differ from the primary region (a replica in the same region survives no regional outage)", got: args.drRegion });
    throwIfIssues(issues, `BackupStorage ${name}`);
    super("promptandpause:backups:BackupStorage", name, {}, opts);

    const protect = args.protect ?? false;
    const { key, replicaKey } = this.createKeys(name, args, protect);
    const primary = this.createBucket(name, "primary", args.region, args, key.arn, protect);
    const replica = this.createBucket(name, "replica", args.drRegion, args, replicaKey.arn, protect);
    this.createReplication(name, args, primary, replica, key, replicaKey);

    this.bucketName = primary.bucket.bucket;
    this.bucketArn = primary.bucket.arn;
    this.replicaBucketName = replica.bucket.bucket;
    this.replicaBucketArn = replica.bucket.arn;
    this.kmsKeyArn = key.arn;
    this.replicaKmsKeyArn = replicaKey.arn;
    this.registerOutputs({ bucketName: this.bucketName, replicaBucketName: this.replicaBucketName, kmsKeyArn: this.kmsKeyArn, replicaKmsKeyArn: this.replicaKmsKeyArn });
  }

  /** A multi-Region key (rotated yearly) and its replica in the DR region, each with a key policy that leaves access to IAM (no `kms:*`). */
  private createKeys(name: string, args: BackupStorageArgs, protect: boolean): { key: kms.Key; replicaKey: kms.ReplicaKey } {
    const deletionWindowInDays = args.keyDeletionWindowDays ?? 30;
    const key = platformKey(
      `${name}-key`,
      {
        description: `${args.namePrefix} backups (S3 SSE-KMS)`,
        accountId: args.accountId,
        multiRegion: true,
        deletionWindowInDays,
        alias: [args.namePrefix, "backups"],
        tags: mergeTags(args.tags, { Name: `${args.namePrefix}-backups` }),
      },
      { parent: this, ...statefulOptions(protect) },
    );
    const replicaKey = new kms.ReplicaKey(
      `${name}-replica-key`,
      {
        region: args.drRegion,
        primaryKeyArn: key.arn,
        description: `${args.namePrefix} backups, DR replica (S3 SSE-KMS)`,
        // A replica keeps a key policy of its own; without one AWS gives the account root kms:*.
        policy: kmsKeyPolicy(args.accountId),
        deletionWindowInDays,
        tags: mergeTags(args.tags, { Name: `${args.namePrefix}-backups-dr` }),
      },
      { parent: this, ...statefulOptions(protect) },
    );
    return { key, replicaKey };
  }

  private createBucket(name: string, role: "primary" | "replica", region: string, args: BackupStorageArgs, keyArn: pulumi.Output<string>, protect: boolean): Side {
    const id = `${name}-${role}`;
    const bucketName = physicalName("aws-s3-bucket", [args.namePrefix, "backups", args.accountId, region]);
    const bucket = new s3.Bucket(
      id,
      { bucket: bucketName, region, objectLockEnabled: true, forceDestroy: false, tags: mergeTags(args.tags, { Name: bucketName, "backup-role": role }) },
      { parent: this, ...statefulOptions(protect) },
    );
    const child = { parent: this };
    const { versioning, publicAccess } = hardenBucket(id, { bucket: bucket.bucket, kmsKeyArn: keyArn, region }, child);
    new s3.BucketObjectLockConfiguration(
      `${id}-object-lock`,
      { bucket: bucket.bucket, region, rule: { defaultRetention: { mode: args.retention.objectLockMode, days: args.retention.objectLockDays } } },
      { ...child, dependsOn: [versioning] },
    );
    new s3.BucketPolicy(`${id}-policy`, { bucket: bucket.bucket, region, policy: tlsOnlyPolicy(bucket.arn) }, { ...child, dependsOn: [publicAccess] });
    new s3.BucketLifecycleConfiguration(`${id}-lifecycle`, { bucket: bucket.bucket, region, rules: lifecycleRules(args.retention) }, { ...child, dependsOn: [versioning] });
    return { bucket, versioning };
  }

  private createReplication(name: string, args: BackupStorageArgs, primary: Side, replica: Side, key: kms.Key, replicaKey: kms.ReplicaKey): void {
    const role = new iam.Role(
      `${name}-replication-role`,
      {
        name: physicalName("aws-iam-role", [args.namePrefix, "backup-replication"]),
        permissionsBoundary: args.permissionsBoundary,
        description: "S3 replication of the backup bucket to the DR region",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        tags: mergeTags(args.tags, { Name: `${args.namePrefix}-backup-replication` }),
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: primary.bucket.arn },
            {
              Sid: "ReadSourceVersions",
              Effect: "Allow",
              Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
              Resource: pulumi.interpolate`${primary.bucket.arn}/*`,
            },
            { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateTags"], Resource: pulumi.interpolate`${replica.bucket.arn}/*` },
            {
              Sid: "DecryptSource",
              Effect: "Allow",
              Action: ["kms:Decrypt"],
              Resource: key.arn,
              Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
            },
            {
              Sid: "EncryptReplica",
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:GenerateDataKey"],
              Resource: replicaKey.arn,
              Condition: { StringEquals: { "kms:ViaService": `s3.${args.drRegion}.amazonaws.com` } },
            },
          ],
        }),
      },
      { parent: this },
    );
    new s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: primary.bucket.bucket,
        region: args.region,
        role: role.arn,
        rules: [
          {
            id: "backups-to-dr-region",
            status: "Enabled",
            priority: 1,
            filter: { prefix: "" },
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: replica.bucket.arn,
              storageClass: "STANDARD",
              encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
              // Replication metrics (latency, pending bytes/operations) in CloudWatch; 15 is the only value S3 accepts.
              metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
            },
          },
        ],
      },
      { parent: this, dependsOn: [primary.versioning, replica.versioning] },
    );
  }
}

/** Deny every request not made over TLS (AWS S3 User Guide, "aws:SecureTransport" bucket policy example). */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/**
 * One rule per job prefix: to DEEP_ARCHIVE after `coldAfterDays`, expire after `expireAfterDays`
 * (+31 for month-scoped Storage blobs), noncurrent versions removed a day after they stop being
 * current (once unlocked); plus housekeeping: abort stale multipart uploads, drop expired delete
 * markers. Objects under 128 KB (manifests, roles.sql) stay in Standard: S3's default
 * `transitionDefaultMinimumObjectSize` (varies_by_storage_class) does not transition them.
 */
export function lifecycleRules(r: BackupRetention): s3.BucketLifecycleConfigurationArgs["rules"] {
  return [
    ...BACKUP_PREFIXES.map(({ prefix, extraDays }) => ({
      id: `archive-then-expire-${prefix.replace(/\/$/, "").replace(/\//g, "-")}`,
      status: "Enabled",
      filter: { prefix },
      transitions: [{ days: r.coldAfterDays, storageClass: "DEEP_ARCHIVE" }],
      expiration: { days: r.expireAfterDays + extraDays },
      noncurrentVersionExpiration: { noncurrentDays: 1 },
    })),
    { id: "housekeeping", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }, expiration: { expiredObjectDeleteMarker: true } },
  ];
}
