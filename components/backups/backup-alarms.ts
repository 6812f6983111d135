import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/**
 * Alarms on the backup jobs' own metrics (published by .github/workflows/backup.yml):
 * - a heartbeat per step of the daily job ({@link BACKUP_HEARTBEATS}: the database dump, the
 *   Storage copy, the configuration backup), each on its own `…Succeeded` metric (1 per success).
 *   No data point in 26 consecutive hours (a daily job plus two hours' slack) alarms; missing data
 *   is breaching, so a step that stops running at all (a disabled schedule, a lost secret, an
 *   earlier step failing) alarms too. One alarm per step: a dump that succeeds does not hide a
 *   Storage copy that fails every night.
 * - drill failed: `RestoreDrillSucceeded` 0 in a day.
 * - drill slow: `RestoreDrillRestoreSeconds` above the threshold that keeps the 4 h RTO safe.
 * Every alarm notifies the alert topic on ALARM and on OK.
 *
 * CloudWatch limits (PutMetricAlarm): period 10, 20, 30 or a multiple of 60 s; period ×
 * evaluationPeriods ≤ 604,800 s (7 days) for periods of an hour or more. 26 × 3600 s is within it.
 */

/** The daily backup job's steps, each with the metric it publishes on success and its alarm. */
export const BACKUP_HEARTBEATS = [
  // The dump's alarm keeps the names it had before the other steps got theirs, so it is not replaced.
  { step: "database dump", metricName: "DatabaseDumpSucceeded", alarm: "backup-heartbeat", logicalSuffix: "heartbeat" },
  { step: "Storage objects copy", metricName: "StorageCopySucceeded", alarm: "storage-copy-heartbeat", logicalSuffix: "storage-copy-heartbeat" },
  { step: "configuration backup", metricName: "ConfigBackupSucceeded", alarm: "config-backup-heartbeat", logicalSuffix: "config-backup-heartbeat" },
] as const;

export interface BackupAlarmsArgs {
  /** SNS topic every alarm notifies (the foundation's encrypted alert topic). */
  alertTopicArn: pulumi.Input<string>;
  /** CloudWatch namespace the jobs publish to. */
  metricNamespace: string;
  /** Value of the `Stack` dimension the jobs publish (the stack name). */
  stack: string;
  /** Hours without a success of a step before its heartbeat alarms (1–168). @default 26 */
  heartbeatHours?: number;
  /** Restore duration, minutes, above which the drill alarms (the RTO's restore budget with margin). */
  drillRestoreAlarmMinutes: number;
  /** Prefix of alarm names, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** Extra tags. @default {} */
  tags?: Tags;
}

export class BackupAlarms extends pulumi.ComponentResource {
  /** Every step's heartbeat, by metric name. */
  public readonly heartbeatAlarmArns: Record<(typeof BACKUP_HEARTBEATS)[number]["metricName"], pulumi.Output<string>>;
  public readonly drillFailedAlarmArn: pulumi.Output<string>;
  public readonly drillSlowAlarmArn: pulumi.Output<string>;

  constructor(name: string, args: BackupAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    const hours = args.heartbeatHours ?? 26;
    if (!Number.isInteger(hours) || hours < 1 || hours > 168) {
      throw new Error(`BackupAlarms ${name}.heartbeatHours: must be a whole number from 1 to 168 (CloudWatch evaluates at most 7 days) (got ${hours})`);
    }
    super("promptandpause:backups:BackupAlarms", name, {}, opts);
    const common = {
      namespace: args.metricNamespace,
      dimensions: { Stack: args.stack },
      alarmActions: [args.alertTopicArn],
      okActions: [args.alertTopicArn],
      tags: mergeTags(args.tags),
    };
    const alarmName = (what: string) => physicalName("aws-cloudwatch-alarm", [args.namePrefix, what]);

    const heartbeat = (h: (typeof BACKUP_HEARTBEATS)[number]) =>
      new cloudwatch.MetricAlarm(
        `${name}-${h.logicalSuffix}`,
        {
          ...common,
          name: alarmName(h.alarm),
          alarmDescription: `No ${h.step} has succeeded in ${hours} h (a step of the daily backup job; missing data counts as breaching). Runbook: docs/runbooks/backups.md`,
          metricName: h.metricName,
          statistic: "Sum",
          period: 3600,
          evaluationPeriods: hours,
          datapointsToAlarm: hours,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          treatMissingData: "breaching",
        },
        { parent: this },
      ).arn;
    this.heartbeatAlarmArns = Object.fromEntries(BACKUP_HEARTBEATS.map((h) => [h.metricName, heartbeat(h)])) as BackupAlarms["heartbeatAlarmArns"];

    this.drillFailedAlarmArn = new cloudwatch.MetricAlarm(
      `${name}-drill-failed`,
      {
        ...common,
        name: alarmName("restore-drill-failed"),
        alarmDescription: "The weekly restore drill found a mismatch or could not restore. Its report names every problem. Runbook: docs/runbooks/backups.md",
        metricName: "RestoreDrillSucceeded",
        statistic: "Minimum",
        period: 86_400,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // The drill runs weekly: days without a drill are not failures.
        treatMissingData: "notBreaching",
      },
      { parent: this },
    ).arn;

    this.drillSlowAlarmArn = new cloudwatch.MetricAlarm(
      `${name}-drill-slow`,
      {
        ...common,
        name: alarmName("restore-drill-slow"),
        alarmDescription: `The restore drill took longer than ${args.drillRestoreAlarmMinutes} min: the 4 h RTO is at risk as the database grows. Runbook: docs/runbooks/disaster-recovery.md`,
        metricName: "RestoreDrillRestoreSeconds",
        statistic: "Maximum",
        period: 86_400,
        evaluationPeriods: 1,
        threshold: args.drillRestoreAlarmMinutes * 60,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      },
      { parent: this },
    ).arn;

    this.registerOutputs({ heartbeatAlarmArns: this.heartbeatAlarmArns, drillFailedAlarmArn: this.drillFailedAlarmArn, drillSlowAlarmArn: this.drillSlowAlarmArn });
  }
}
