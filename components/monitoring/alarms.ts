/**
 * One way to make an alarm, so every alarm of every layer is wired the same: `alarmActions` and
 * `okActions` on the alert topic (plus any extra topics), missing data not breaching, names
 * through `physicalName`. And one way to count log lines into a metric for such an alarm.
 */
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";

/** Alarm thresholds (counts per period), defaults here, in one place; the scale preset may raise them. */
export const ALARM_DEFAULTS = {
  /** Evaluation period of the count alarms (s). CloudWatch takes 10, 30 or a multiple of 60. */
  periodSeconds: 300,
  /** The intake's `error`/`critical` lines per period. */
  appErrors: 10,
  /** Failed sign-ins (the app's `auth.sign_in_failed` lines) per period: credential stuffing. */
  failedSignIns: 20,
  /** AWS console sign-in failures per period (CIS AWS Foundations 4.6 uses ≥ 1; 3 tolerates typos). */
  consoleSignInFailures: 3,
  /** Unauthorized AWS API calls per period (CIS 4.1 counts any; 5 tolerates probing by tools). */
  unauthorizedApiCalls: 5,
  /** Log intake Lambda errors per period: any error means lost or delayed logs. */
  intakeFunctionErrors: 1,
  /** Log intake API 5xx answers per period (Vercel retries them). */
  intakeApi5xx: 5,
} as const;

export type AlarmThresholds = { -readonly [K in keyof typeof ALARM_DEFAULTS]: number };

export interface CountAlarmSpec {
  /** Logical suffix and physical-name part, e.g. `app-errors`. */
  role: string;
  description: string;
  namespace: pulumi.Input<string>;
  metricName: pulumi.Input<string>;
  dimensions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Alarm at or above this count per period. */
  threshold: number;
  periodSeconds: number;
  /** Topics told when the alarm fires and clears; the first is always the alert topic. */
  topics: readonly pulumi.Input<string>[];
}

/** A Sum ≥ threshold alarm over one period, on the alert topic (alarm and OK). */
export function countAlarm(parent: pulumi.Resource, name: string, namePrefix: string, spec: CountAlarmSpec): cloudwatch.MetricAlarm {
  return new cloudwatch.MetricAlarm(
    `${name}-${spec.role}-alarm`,
    {
      name: physicalName("aws-alarm", [namePrefix, spec.role]),
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      ...(spec.dimensions ? { dimensions: spec.dimensions } : {}),
      statistic: "Sum",
      period: spec.periodSeconds,
      evaluationPeriods: 1,
      threshold: spec.threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      // A count with no data points means nothing happened.
      treatMissingData: "notBreaching",
      alarmActions: [...spec.topics],
      okActions: [...spec.topics],
    },
    { parent },
  );
}

export interface LogCountSpec extends Omit<CountAlarmSpec, "namespace" | "metricName" | "dimensions"> {
  logGroupName: pulumi.Input<string>;
  /** CloudWatch Logs filter pattern (JSON `{ $.field = "value" }` or text terms). */
  pattern: string;
  /** Metric namespace, e.g. `PromptAndPause/prod`. */
  namespace: string;
  metricName: string;
}

/** A metric filter that counts matching lines (1 each, 0 when none) and its count alarm. */
export function logCountAlarm(parent: pulumi.Resource, name: string, namePrefix: string, spec: LogCountSpec): { filter: cloudwatch.LogMetricFilter; alarm: cloudwatch.MetricAlarm } {
  const filter = new cloudwatch.LogMetricFilter(
    `${name}-${spec.role}-filter`,
    {
      name: physicalName("aws-alarm", [namePrefix, spec.role]),
      logGroupName: spec.logGroupName,
      pattern: spec.pattern,
      // defaultValue 0: the metric reads 0 (not missing) in periods without a match.
      metricTransformation: { name: spec.metricName, namespace: spec.namespace, value: "1", defaultValue: "0", unit: "Count" },
    },
    { parent },
  );
  const alarm = countAlarm(parent, name, namePrefix, { ...spec, namespace: spec.namespace, metricName: spec.metricName });
  return { filter, alarm };
}
