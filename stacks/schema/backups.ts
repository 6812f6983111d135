import { z } from "zod";
import { ENVIRONMENT_PATTERN, REPOSITORY_PATTERN } from "../../components/ci/trust";
import { safeText } from "./common";
import { DEFAULT_PRICES, retentionIssues } from "../../components/backups/retention";
import { RESTORE_BUDGET_MINUTES } from "../../components/backups/rto";
import type { ConfigIssue } from "../../components/shared/errors";

/**
 * `promptandpause:backups` — the guide's backup strategy on AWS (components/backups). Retention
 * figures are explicit per stack (Pulumi.<stack>.yaml) with their monthly cost in the README;
 * `checkBackupsConfig` holds them to AWS's limits (components/backups/retention.ts).
 */

const days = z.number().int().min(1).max(36_500);

/** A guarantee a stack file may restate but never turn off. */
const alwaysOn = (what: string) =>
  z
    .boolean()
    .refine((on) => on, { error: `cannot be turned off: ${what}. Remove the key (it is always on)` })
    .optional();

export const backupsConfigSchema = z.strictObject({
  /** Always true: Object Lock needs versioning, and versions are what make an overwrite recoverable. */
  versioning: alwaysOn("the backup buckets are always versioned (Object Lock requires it)"),
  /** Always true: every backup object is locked for retention.objectLockDays. */
  objectLock: alwaysOn("every backup object is Object-Locked; shorten retention.objectLockDays instead"),
  /** Always true: the bucket is replicated to aws.drRegion (the guide's cross-region replication). */
  drReplica: alwaysOn("the backups are always replicated to promptandpause:aws.drRegion (a region loss must not take them)"),
  retention: z.strictObject({
    /**
     * Object Lock mode. GOVERNANCE (staging): removable by a principal with
     * s3:BypassGovernanceRetention. COMPLIANCE (prod): nobody can delete a locked object or the
     * bucket holding it before the lock ends — not even the account root.
     */
    objectLockMode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
    /** Days every backup object is locked. */
    objectLockDays: days,
    /** Days before Glacier Deep Archive (≥ 30). */
    coldAfterDays: days,
    /** Days before expiry (≥ coldAfterDays + 180, ≥ objectLockDays). */
    expireAfterDays: days,
  }),
  /** Sizes for the monthly cost estimate (stack output backups.estimatedMonthlyCostUsd). */
  volume: z
    .strictObject({
      /** One daily dump, GiB. @default 1 */
      dumpGiB: z.number().min(0).max(100_000).default(1),
      /** All Supabase Storage objects, GiB. @default 10 */
      storageGiB: z.number().min(0).max(1_000_000).default(10),
    })
    .prefault({}),
  /** List prices for the estimate, USD. @default us-east-1 list prices (components/backups/retention.ts) */
  prices: z
    .strictObject({
      standardGbMonth: z.number().min(0).default(DEFAULT_PRICES.standardGbMonth),
      deepArchiveGbMonth: z.number().min(0).default(DEFAULT_PRICES.deepArchiveGbMonth),
      interRegionGb: z.number().min(0).default(DEFAULT_PRICES.interRegionGb),
      kmsKeyMonth: z.number().min(0).default(DEFAULT_PRICES.kmsKeyMonth),
    })
    .prefault({}),
  /** Where the scheduled jobs run (.github/workflows/backup.yml). */
  github: z.strictObject({
    /** `owner/repo` whose workflow may assume the backup roles. @default promptandpause:ci.repository */
    repository: safeText({ max: 140, pattern: REPOSITORY_PATTERN, problem: "must be owner/repo as GitHub spells it" }).optional(),
    /** GitHub environment of the jobs. @default "backup-<environment>" */
    environment: safeText({ max: 255, pattern: ENVIRONMENT_PATTERN, problem: "must be a GitHub environment name (letters, digits, . _ -)" }).optional(),
  }).prefault({}),
  /**
   * Restore-drill duration that alarms, minutes. At most the restore step's share of the 4 h RTO
   * (165 min; docs/runbooks/disaster-recovery.md). @default 120
   */
  drillRestoreAlarmMinutes: z.number().int().min(1).max(RESTORE_BUDGET_MINUTES).default(120),
});

export type BackupsSettings = z.output<typeof backupsConfigSchema>;

/** Retention against AWS's limits (retention.ts), all problems at once. */
export function checkBackupsConfig(b: BackupsSettings): ConfigIssue[] {
  return retentionIssues(b.retention, "promptandpause:backups.retention").map((i) => ({
    ...i,
    fix: `${i.fix ?? ""} Set it in Pulumi.<stack>.yaml under promptandpause:backups.retention.`.trim(),
  }));
}
