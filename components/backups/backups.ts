import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "../shared/tags";
import { BackupAlarms } from "./backup-alarms";
import { BackupJobRoles } from "./backup-job-roles";
import { BackupStorage } from "./backup-storage";
import { type BackupPrices, type BackupRetention, type BackupVolume, DEFAULT_PRICES, type MonthlyCost, monthlyCost } from "./retention";

/**
 * The guide's backup strategy on AWS (docs/runbooks/backups.md maps every line): the backup
 * bucket and its DR-region replica (BackupStorage), the roles the scheduled jobs assume
 * (BackupJobRoles), and the alarms on their heartbeat and the restore drill (BackupAlarms).
 *
 * AWS Backup is not used: nothing stateful here needs it. The database is Supabase's (PITR +
 * our dumps), the cache is rebuilt from the database (and AWS Backup cannot protect ElastiCache),
 * and the backup bucket is already versioned, Object-Locked and replicated to another region;
 * a same-account Backup vault would be a third copy under the same account's control, at extra
 * cost, protecting against nothing the Object Lock does not.
 *
 * Cost: `estimatedMonthlyCostUsd` (retention.ts monthlyCost) for the configured volume.
 */

export interface BackupsArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  accountId: string;
  region: string;
  drRegion: string;
  /** Prefix of physical names, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** Stack name, the `Stack` dimension of the job metrics. */
  stack: string;
  retention: BackupRetention;
  /** Sizes for the cost estimate. */
  volume: BackupVolume;
  /** Prices for the cost estimate. @default DEFAULT_PRICES (us-east-1 list prices) */
  prices?: BackupPrices;
  /** GitHub OIDC provider ARN (foundation / CI roles). */
  githubOidcProviderArn: pulumi.Input<string>;
  /** `owner/repo` running .github/workflows/backup.yml. */
  repository: string;
  /** GitHub environment of the backup jobs. */
  githubEnvironment: string;
  /** Alert topic for every alarm. */
  alertTopicArn: pulumi.Input<string>;
  /** CloudWatch namespace of the job metrics. @default "PromptAndPause/Backups" */
  metricNamespace?: string;
  /** Restore-drill duration alarm, minutes. */
  drillRestoreAlarmMinutes: number;
  /** Protect buckets and keys. @default false */
  protect?: boolean;
  /** Extra tags. @default {} */
  tags?: Tags;
}

export const DEFAULT_METRIC_NAMESPACE = "PromptAndPause/Backups";

export class Backups extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly replicaBucketName: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly writerRoleArn: pulumi.Output<string>;
  public readonly drillRoleArn: pulumi.Output<string>;
  /** Steady-state monthly cost for the configured volume, USD (plain numbers: an estimate, not state). */
  public readonly estimatedMonthlyCostUsd: MonthlyCost;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:backups:Backups", name, {}, opts);
    const namespace = args.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    const storage = new BackupStorage(
      `${name}-storage`,
      { accountId: args.accountId, region: args.region, drRegion: args.drRegion, namePrefix: args.namePrefix, retention: args.retention, protect: args.protect, permissionsBoundary: args.permissionsBoundary, tags: args.tags },
      { parent: this },
    );
    const roles = new BackupJobRoles(
      `${name}-roles`,
      {
        githubOidcProviderArn: args.githubOidcProviderArn,
        repository: args.repository,
        environment: args.githubEnvironment,
        bucketArn: storage.bucketArn,
        kmsKeyArn: storage.kmsKeyArn,
        region: args.region,
        metricNamespace: namespace,
        namePrefix: args.namePrefix,
        permissionsBoundary: args.permissionsBoundary,
        tags: args.tags,
      },
      { parent: this },
    );
    new BackupAlarms(
      `${name}-alarms`,
      { alertTopicArn: args.alertTopicArn, metricNamespace: namespace, stack: args.stack, drillRestoreAlarmMinutes: args.drillRestoreAlarmMinutes, namePrefix: args.namePrefix, tags: args.tags },
      { parent: this },
    );
    this.bucketName = storage.bucketName;
    this.replicaBucketName = storage.replicaBucketName;
    this.kmsKeyArn = storage.kmsKeyArn;
    this.writerRoleArn = roles.writerRoleArn;
    this.drillRoleArn = roles.drillRoleArn;
    this.estimatedMonthlyCostUsd = monthlyCost(args.retention, args.volume, args.prices ?? DEFAULT_PRICES);
    this.registerOutputs({ bucketName: this.bucketName, replicaBucketName: this.replicaBucketName, writerRoleArn: this.writerRoleArn, drillRoleArn: this.drillRoleArn });
  }
}
