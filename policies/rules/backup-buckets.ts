/**
 * backup-buckets: every backup bucket (tag `backup-role`, or `-backups-` in its name) is
 * object-locked at creation and has, as side resources naming it: versioning Enabled, an Object
 * Lock default retention (mode and days no weaker than the stack's floors), SSE-KMS default
 * encryption with a KMS key, a public access block with all four settings on, and a lifecycle
 * that keeps objects at least the configured floor. Each `primary` bucket replicates, with an
 * Enabled rule that selects KMS-encrypted objects and re-encrypts them with a replica key, to a
 * backup bucket in another region. Where the stack requires it (prod), the buckets are protected.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configFrom } from "../lib/util";

export const BACKUP_TYPES = {
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

export const configSchema = {
  properties: {
    allowedObjectLockModes: {
      type: "array",
      items: { type: "string", enum: ["GOVERNANCE", "COMPLIANCE"] },
      minItems: 1,
      description: "Object Lock modes a backup bucket may use (prod: COMPLIANCE only).",
      default: ["GOVERNANCE", "COMPLIANCE"],
    },
    minObjectLockDays: { type: "integer", minimum: 1, description: "Shortest Object Lock default retention, days.", default: 1 },
    minExpireAfterDays: { type: "integer", minimum: 1, description: "Shortest lifecycle expiration of any backup object, days.", default: 1 },
    requireProtection: { type: "boolean", description: "Backup buckets must have protect: true.", default: true },
  },
} as const;

interface Config {
  allowedObjectLockModes: string[];
  minObjectLockDays: number;
  minExpireAfterDays: number;
  requireProtection: boolean;
}

type Props = Record<string, unknown>;
const props = (r: PolicyResource) => r.props as Props;
const rec = (v: unknown): Props => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Props) : {});
const list = (v: unknown): Props[] => (Array.isArray(v) ? v.map(rec) : []);

/** Whether a bucket holds backups: tagged by components/backups, or named like one. */
export function isBackupBucket(r: PolicyResource): boolean {
  return r.type === BACKUP_TYPES.bucket && (rec(props(r).tags)["backup-role"] !== undefined || String(props(r).bucket ?? "").includes("-backups-"));
}

export function validateBackupBuckets(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const buckets = args.resources.filter(isBackupBucket);
  if (buckets.length === 0) {
    args.notApplicable("The stack has no backup bucket.");
    return;
  }
  const cfg = configFrom<Config>(configSchema, args);
  const sideOf = (type: string, bucketName: string) => args.resources.filter((r) => r.type === type && props(r).bucket === bucketName);
  const arnOf = (b: PolicyResource) => `arn:aws:s3:::${String(props(b).bucket)}`;

  for (const b of buckets) {
    const name = String(props(b).bucket ?? b.name);
    const where = `Backup bucket "${name}"`;
    const v = (message: string) => reportViolation(`${where} ${message}`, b.urn);
    if (props(b).objectLockEnabled !== true) v("is not created with objectLockEnabled: true (Object Lock can only be turned on at creation).");
    if (cfg.requireProtection && !b.opts.protect) v("is not protected. Register it with protect: true so `pulumi destroy` or a replacement cannot delete the backups.");

    if (!sideOf(BACKUP_TYPES.versioning, name).some((r) => rec(props(r).versioningConfiguration).status === "Enabled")) {
      v('has no aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".');
    }

    const locks = sideOf(BACKUP_TYPES.objectLock, name).map((r) => rec(rec(props(r).rule).defaultRetention));
    const lock = locks[0];
    if (!lock) v("has no aws.s3.BucketObjectLockConfiguration default retention.");
    else {
      const days = Number(lock.days ?? (Number(lock.years ?? 0) * 365));
      if (!cfg.allowedObjectLockModes.includes(String(lock.mode))) v(`locks objects in ${String(lock.mode)} mode; this stack requires ${cfg.allowedObjectLockModes.join(" or ")}.`);
      if (!(days >= cfg.minObjectLockDays)) v(`locks objects for ${days} days; this stack's floor is ${cfg.minObjectLockDays}.`);
    }

    const sse = sideOf(BACKUP_TYPES.encryption, name).flatMap((r) => list(props(r).rules)).map((rule) => rec(rule.applyServerSideEncryptionByDefault));
    if (!sse.some((d) => String(d.sseAlgorithm).startsWith("aws:kms") && typeof d.kmsMasterKeyId === "string" && d.kmsMasterKeyId !== "")) {
      v("has no SSE-KMS default encryption with a customer managed key (aws.s3.BucketServerSideEncryptionConfiguration, sseAlgorithm aws:kms, kmsMasterKeyId).");
    }

    const pab = sideOf(BACKUP_TYPES.publicAccess, name).map(props)[0];
    const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
    if (!pab) v("has no aws.s3.BucketPublicAccessBlock.");
    else {
      const off = flags.filter((f) => pab[f] !== true);
      if (off.length > 0) v(`has public access not fully blocked: ${off.join(", ")} must be true.`);
    }

    for (const rule of sideOf(BACKUP_TYPES.lifecycle, name).flatMap((r) => list(props(r).rules))) {
      const { days, date } = rec(rule.expiration);
      if (rule.status === "Enabled" && typeof days === "number" && days < cfg.minExpireAfterDays) {
        v(`expires objects after ${days} days (lifecycle rule "${String(rule.id)}"); this stack keeps backups at least ${cfg.minExpireAfterDays} days.`);
      }
      // An expiration date removes every object it covers on that day, however new.
      if (rule.status === "Enabled" && date !== undefined && date !== null && date !== "") {
        v(`expires objects on a fixed date (${String(date)}, lifecycle rule "${String(rule.id)}"), whatever their age; expire by days (at least ${cfg.minExpireAfterDays}).`);
      }
    }

    if (rec(props(b).tags)["backup-role"] !== "replica") {
      const rules = sideOf(BACKUP_TYPES.replication, name).flatMap((r) => list(props(r).rules)).filter((r) => r.status === "Enabled");
      const region = String(props(b).region ?? "");
      const good = rules.some((r) => {
        const dest = rec(r.destination);
        const target = buckets.find((x) => arnOf(x) === dest.bucket);
        return (
          target !== undefined &&
          coversWholeBucket(r) &&
          String(props(target).region ?? "") !== region &&
          rec(rec(r.sourceSelectionCriteria).sseKmsEncryptedObjects).status === "Enabled" &&
          typeof rec(dest.encryptionConfiguration).replicaKmsKeyId === "string"
        );
      });
      if (!good) {
        v(
          "is not replicated to the DR region: it needs an aws.s3.BucketReplicationConfig with an Enabled rule for the whole bucket (no prefix or tag filter) whose destination is a backup bucket in another region, sourceSelectionCriteria.sseKmsEncryptedObjects Enabled and destination.encryptionConfiguration.replicaKmsKeyId set.",
        );
      }
    }
  }
}

/**
 * A replication rule copies the whole bucket when it has no filter, or a filter with an empty
 * prefix and no tag (S3 ReplicationRule Filter: Prefix, Tag, And). A prefix would leave every
 * other job's backups without a DR copy.
 */
function coversWholeBucket(rule: Record<string, unknown>): boolean {
  if (typeof rule.prefix === "string" && rule.prefix !== "") return false;
  const filter = rule.filter;
  if (filter === undefined || filter === null) return true;
  const f = rec(filter);
  return (f.prefix === undefined || f.prefix === "") && f.tag === undefined && f.and === undefined;
}

export const backupBuckets: StackValidationPolicy = {
  name: "backup-buckets",
  description: "Backup buckets are object-locked, versioned, SSE-KMS encrypted, not public, replicated to the DR region, and kept no shorter than the stack's floors.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateBackupBuckets,
};
