/**
 * Backup retention: the figures, the AWS limits they must respect, and what they cost a month.
 * Pure functions, used by the config schema (every problem at once, before any resource) and by
 * the component (which refuses bad arguments the same way).
 */
import type { ConfigIssue } from "../shared/errors";

/** How long backups are kept and where. */
export interface BackupRetention {
  /**
   * Object Lock mode of every new object. `GOVERNANCE`: users with s3:BypassGovernanceRetention
   * can still delete early (staging). `COMPLIANCE`: nobody, root included, can delete or shorten
   * the lock, and a bucket holding locked objects cannot be deleted (prod).
   */
  objectLockMode: "GOVERNANCE" | "COMPLIANCE";
  /** Days each object is locked against deletion and overwrite. */
  objectLockDays: number;
  /** Days after which objects move to S3 Glacier Deep Archive (long-term archival). */
  coldAfterDays: number;
  /** Days after which objects expire (deleted once their lock has ended). */
  expireAfterDays: number;
}

/** Sizes the monthly cost is estimated from. */
export interface BackupVolume {
  /** Size of one daily database dump (custom format, compressed), GiB. */
  dumpGiB: number;
  /** Total size of Supabase Storage objects, GiB (copied once a month, then deduplicated). */
  storageGiB: number;
}

/** List prices, USD. Defaults: AWS's published us-east-1 prices; set your region's in config. */
export interface BackupPrices {
  /** S3 Standard, per GB-month. @default 0.023 */
  standardGbMonth: number;
  /** S3 Glacier Deep Archive, per GB-month. @default 0.00099 */
  deepArchiveGbMonth: number;
  /** Inter-region data transfer (replication), per GB. @default 0.02 */
  interRegionGb: number;
  /** One KMS customer managed key (each multi-Region replica counts as one), per month. @default 1 */
  kmsKeyMonth: number;
}

export const DEFAULT_PRICES: BackupPrices = { standardGbMonth: 0.023, deepArchiveGbMonth: 0.00099, interRegionGb: 0.02, kmsKeyMonth: 1 };

/**
 * AWS's limits and ours, each with its source:
 * - S3 Glacier Deep Archive bills at least 180 days per object (early deletion is charged as if
 *   stored 180 days): S3 pricing, "minimum storage duration".
 * - AWS Backup's lifecycle rule: cold storage 0 or ≥ 30 days and delete ≥ cold + 90 days
 *   (AWS Backup Lifecycle API; validated the same way by lgallard/terraform-aws-backup). Kept for
 *   S3 too: the last 30 days of dumps stay restorable without a 12–48 h Deep Archive retrieval.
 * - A lifecycle expiration cannot remove an object before its Object Lock retention ends, so an
 *   expiry shorter than the lock only leaves objects billed past their expiry.
 * - S3 Object Lock default retention: 1 day to 100 years (36,500 days).
 */
export const RETENTION_LIMITS = {
  minColdAfterDays: 30,
  deepArchiveMinimumDays: 180,
  backupDeleteAfterColdDays: 90,
  maxObjectLockDays: 36_500,
} as const;

/** Every problem with a retention setting, each naming the key, the value and the fix. */
export function retentionIssues(r: BackupRetention, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const L = RETENTION_LIMITS;
  for (const key of ["objectLockDays", "coldAfterDays", "expireAfterDays"] as const) {
    if (!Number.isInteger(r[key]) || r[key] < 1) issues.push({ path: `${path}.${key}`, problem: "must be a whole number of days, at least 1", got: r[key] });
  }
  if (issues.length > 0) return issues;
  if (r.objectLockDays > L.maxObjectLockDays) {
    issues.push({ path: `${path}.objectLockDays`, problem: `must be at most ${L.maxObjectLockDays} (S3 Object Lock allows up to 100 years)`, got: r.objectLockDays });
  }
  if (r.coldAfterDays < L.minColdAfterDays) {
    issues.push({
      path: `${path}.coldAfterDays`,
      problem: `must be at least ${L.minColdAfterDays} days (cold storage ≥ 30 days; the last month of dumps must restore without a Deep Archive retrieval)`,
      got: r.coldAfterDays,
      fix: `Set it to ${L.minColdAfterDays} or more.`,
    });
  }
  const minExpire = r.coldAfterDays + Math.max(L.deepArchiveMinimumDays, L.backupDeleteAfterColdDays);
  if (r.expireAfterDays < minExpire) {
    issues.push({
      path: `${path}.expireAfterDays`,
      problem: `must be at least coldAfterDays + ${L.deepArchiveMinimumDays} = ${minExpire} (Glacier Deep Archive bills 180 days per object; AWS's delete ≥ cold + 90 rule)`,
      got: r.expireAfterDays,
      fix: `Set it to ${minExpire} or more, or lower coldAfterDays.`,
    });
  }
  if (r.expireAfterDays < r.objectLockDays) {
    issues.push({
      path: `${path}.expireAfterDays`,
      problem: `must be at least objectLockDays (${r.objectLockDays}): a locked object cannot expire before its lock ends`,
      got: r.expireAfterDays,
      fix: `Set it to ${r.objectLockDays} or more, or shorten objectLockDays.`,
    });
  }
  return issues;
}

/** Days the month-scoped Storage blobs are kept beyond everything else (scripts/backup/copy-storage.ts). */
export const STORAGE_BLOB_EXTRA_DAYS = 31;

/** Steady-state monthly cost of the backups, USD, by item. */
export interface MonthlyCost {
  standard: number;
  deepArchive: number;
  replicationTransfer: number;
  kms: number;
  total: number;
}

const DAYS_PER_MONTH = 30.4;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Steady state once retention is full: one dump a day kept `expireAfterDays` (the first
 * `coldAfterDays` in S3 Standard, the rest in Deep Archive), one Storage copy a month kept 31 days
 * longer, in both the primary and the DR bucket, plus the replication transfer and two KMS keys
 * (the primary and its DR replica). Request charges and the configuration exports are cents.
 */
export function monthlyCost(r: BackupRetention, v: BackupVolume, p: BackupPrices = DEFAULT_PRICES): MonthlyCost {
  const hotDumps = Math.min(r.coldAfterDays, r.expireAfterDays);
  const coldDumps = Math.max(r.expireAfterDays - r.coldAfterDays, 0);
  const blobDays = r.expireAfterDays + STORAGE_BLOB_EXTRA_DAYS;
  const hotCopies = Math.min(r.coldAfterDays, blobDays) / DAYS_PER_MONTH;
  const coldCopies = Math.max(blobDays - r.coldAfterDays, 0) / DAYS_PER_MONTH;
  const buckets = 2;
  const gb = 1.073741824; // GiB → GB (AWS prices per GB)
  const standard = buckets * (hotDumps * v.dumpGiB + hotCopies * v.storageGiB) * gb * p.standardGbMonth;
  const deepArchive = buckets * (coldDumps * v.dumpGiB + coldCopies * v.storageGiB) * gb * p.deepArchiveGbMonth;
  const replicationTransfer = (DAYS_PER_MONTH * v.dumpGiB + v.storageGiB) * gb * p.interRegionGb;
  const kms = 2 * p.kmsKeyMonth;
  return {
    standard: round2(standard),
    deepArchive: round2(deepArchive),
    replicationTransfer: round2(replicationTransfer),
    kms: round2(kms),
    total: round2(standard + deepArchive + replicationTransfer + kms),
  };
}
