import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sqs from "@pulumi/aws/sqs";
import * as pulumi from "@pulumi/pulumi";
import { alarmTargets } from "../shared/aws";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/** Defaults of the work queue (SQS limits from the CreateQueue API reference, seconds). */
export const WORK_QUEUE_DEFAULTS = {
  /** Longer than a worker's longest job (AI calls, SMTP), so a message is not handed out twice. 0–43200. */
  visibilityTimeoutSeconds: 300,
  /** 4 days (SQS default); 60–1209600. */
  messageRetentionSeconds: 345_600,
  /** The dead-letter queue keeps failures for the SQS maximum, 14 days, for inspection and redrive. */
  deadLetterRetentionSeconds: 1_209_600,
  /** Deliveries before a message moves to the dead-letter queue (1–1000). */
  maxReceiveCount: 5,
  /** Long polling: workers wait up to 20 s (the maximum) for a message instead of polling empty. */
  receiveWaitTimeSeconds: 20,
} as const;

/** Arguments of {@link WorkQueue}. */
export interface WorkQueueArgs {
  /** Prefix of the physical names, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** Visibility timeout, seconds (0–43200). @default 300 */
  visibilityTimeoutSeconds?: number;
  /** How long an unprocessed message is kept, seconds (60–1209600). @default 345600 (4 days) */
  messageRetentionSeconds?: number;
  /** Deliveries before dead-lettering (1–1000). @default 5 */
  maxReceiveCount?: number;
  /** SNS topic the dead-letter alarm notifies, when it fires and when it clears. */
  alertTopicArn: pulumi.Input<string>;
  /** Tags on every child. */
  tags?: Tags;
}

export function validateWorkQueueArgs(a: Required<Omit<WorkQueueArgs, "tags" | "alertTopicArn">>, component: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const range = (key: string, value: number, min: number, max: number, unit: string) => {
    if (!Number.isInteger(value) || value < min || value > max) issues.push({ path: `${component}.${key}`, problem: `must be ${min}-${max} ${unit}`, got: value });
  };
  range("visibilityTimeoutSeconds", a.visibilityTimeoutSeconds, 0, 43_200, "seconds");
  range("messageRetentionSeconds", a.messageRetentionSeconds, 60, 1_209_600, "seconds");
  range("maxReceiveCount", a.maxReceiveCount, 1, 1000, "deliveries");
  return issues;
}

/**
 * The workers' job queue: SQS with server-side encryption (SSE-SQS, so senders need no KMS
 * permission), long polling, a redrive policy into an encrypted dead-letter queue that only this
 * queue may use, and an alarm as soon as anything lands in the dead-letter queue.
 *
 * Cost: $0.40 per million requests after the first million a month (standard queue); a
 * long-polling consumer makes ~130 000 empty receives a month per task (one per 20 s).
 */
export class WorkQueue extends pulumi.ComponentResource {
  public readonly queueUrl: pulumi.Output<string>;
  public readonly queueArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;

  constructor(name: string, args: WorkQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = {
      visibilityTimeoutSeconds: args.visibilityTimeoutSeconds ?? WORK_QUEUE_DEFAULTS.visibilityTimeoutSeconds,
      messageRetentionSeconds: args.messageRetentionSeconds ?? WORK_QUEUE_DEFAULTS.messageRetentionSeconds,
      maxReceiveCount: args.maxReceiveCount ?? WORK_QUEUE_DEFAULTS.maxReceiveCount,
      namePrefix: args.namePrefix,
    };
    throwIfIssues(validateWorkQueueArgs(a, name), `WorkQueue "${name}": invalid arguments`);
    super("promptandpause:app:WorkQueue", name, {}, opts);
    const tags = (nameTag: string) => mergeTags({ component: "workers" }, args.tags, { Name: nameTag });

    const dlqName = physicalName("aws-sqs-queue", [a.namePrefix, "work", "dlq"]);
    const dlq = new sqs.Queue(
      `${name}-dlq`,
      { name: dlqName, sqsManagedSseEnabled: true, messageRetentionSeconds: WORK_QUEUE_DEFAULTS.deadLetterRetentionSeconds, tags: tags(dlqName) },
      { parent: this },
    );
    const queueName = physicalName("aws-sqs-queue", [a.namePrefix, "work"]);
    const queue = new sqs.Queue(
      `${name}-queue`,
      {
        name: queueName,
        sqsManagedSseEnabled: true,
        visibilityTimeoutSeconds: a.visibilityTimeoutSeconds,
        messageRetentionSeconds: a.messageRetentionSeconds,
        receiveWaitTimeSeconds: WORK_QUEUE_DEFAULTS.receiveWaitTimeSeconds,
        // SQS RedrivePolicy: JSON with deadLetterTargetArn and maxReceiveCount.
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: a.maxReceiveCount }),
        tags: tags(queueName),
      },
      { parent: this },
    );
    // Only this queue may dead-letter into the DLQ (RedriveAllowPolicy `byQueue`).
    new sqs.RedriveAllowPolicy(
      `${name}-dlq-allow`,
      { queueUrl: dlq.url, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }) },
      { parent: this },
    );
    new cloudwatch.MetricAlarm(
      `${name}-dlq-alarm`,
      {
        name: physicalName("aws-cloudwatch-alarm", [dlqName, "not-empty"]),
        alarmDescription: `Jobs failed ${a.maxReceiveCount} times and were dead-lettered into ${dlqName}: inspect them, fix the worker, then redrive.`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: dlq.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        ...alarmTargets(args.alertTopicArn),
        tags: tags(`${dlqName}-not-empty`),
      },
      { parent: this },
    );

    this.queueUrl = queue.url;
    this.queueArn = queue.arn;
    this.deadLetterQueueUrl = dlq.url;
    this.deadLetterQueueArn = dlq.arn;
    this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn, deadLetterQueueUrl: this.deadLetterQueueUrl });
  }
}
