import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { kmsKeyPolicy } from "../shared/kms-policy";
import { physicalName } from "../shared/naming";
import { statefulOptions } from "../shared/stateful";
import { mergeTags, type Tags } from "../shared/tags";
import { ALARM_DEFAULTS, logCountAlarm } from "./alarms";
import { platformKey } from "../shared/kms-key";
import { hardenBucket } from "../shared/s3-bucket";

export interface AuditTrailArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  accountId: string;
  region: string;
  /** Every alarm's alarmActions and okActions (the foundation's alert topic). */
  alertTopicArn: pulumi.Input<string>;
  /** Security alarms also go here (the foundation's security topic). @default alert topic only */
  securityTopicArn?: pulumi.Input<string>;
  /** CloudWatch metric namespace of the filters. @default "PromptAndPause/<namePrefix>" */
  metricNamespace?: string;
  /**
   * Days the trail's log files stay in S3 (then expire). Cost: S3 Standard per GB-month; CloudTrail
   * itself charges nothing for the first copy of management events.
   * @default 365
   */
  bucketRetentionDays?: number;
  /**
   * Days the trail's events stay in CloudWatch Logs (what the metric filters read); one of
   * CloudWatch's allowed values (1, 3, 5, 7, 14, 30, 60, 90, …). Cost: ingestion per GB.
   * @default 90
   */
  logRetentionDays?: number;
  /** Thresholds per 5 minutes. @default ALARM_DEFAULTS (components/monitoring/alarms.ts) */
  thresholds?: { consoleSignInFailures?: number; unauthorizedApiCalls?: number };
  /** Protect the log bucket (prod). @default false */
  protect?: boolean;
  tags?: Tags;
}

/**
 * CIS-style CloudTrail alarms (AWS Security Hub controls CloudWatch.1–.3): each a metric filter
 * on the trail's log group. Patterns as Security Hub documents them.
 */
const TRAIL_FILTERS = [
  {
    role: "console-sign-in-failures",
    metricName: "ConsoleSignInFailures",
    // Security Hub CloudWatch.6 / CIS 4.6.
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    description: "AWS console sign-in failures (CloudTrail ConsoleLogin, Failed authentication): password guessing against IAM users.",
    threshold: (t: Thresholds) => t.consoleSignInFailures,
    security: true,
  },
  {
    role: "unauthorized-api-calls",
    metricName: "UnauthorizedApiCalls",
    // Security Hub CloudWatch.2 / CIS 4.1.
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    description: "AWS API calls refused for lack of permission: a leaked or over-narrow credential probing the account.",
    threshold: (t: Thresholds) => t.unauthorizedApiCalls,
    security: true,
  },
  {
    role: "root-account-usage",
    metricName: "RootAccountUsage",
    // Security Hub CloudWatch.1 / CIS 4.3.
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    description: "The AWS account root user was used: it should only ever be used for break-glass tasks.",
    threshold: () => 1,
    security: true,
  },
] as const;

type Thresholds = { consoleSignInFailures: number; unauthorizedApiCalls: number };

/**
 * The guide's "Access Logs" for AWS: one multi-region CloudTrail trail with log-file validation,
 * encrypted with its own rotating KMS key, into a private, versioned, SSE-KMS bucket whose policy
 * admits only this trail (CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"); the
 * events are also sent to a CloudWatch log group where metric filters alarm on console sign-in
 * failures, unauthorized API calls and root use.
 *
 * Cost: the first trail's management events are free; S3 storage, KMS requests and CloudWatch
 * Logs ingestion (per GB) are charged. A second stack in the same account adds a second trail,
 * whose management events are charged (about $2 per 100,000 events).
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly trailArn: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly alarmArns: pulumi.Output<string>[];

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = {
      metricNamespace: `PromptAndPause/${args.namePrefix}`,
      bucketRetentionDays: 365,
      logRetentionDays: 90,
      protect: false,
      tags: {},
      ...args,
      thresholds: { consoleSignInFailures: ALARM_DEFAULTS.consoleSignInFailures, unauthorizedApiCalls: ALARM_DEFAULTS.unauthorizedApiCalls, ...args.thresholds },
    };
    super("promptandpause:monitoring:AuditTrail", name, {}, opts);

    const trailName = physicalName("aws-cloudtrail", [a.namePrefix, "audit"]);
    // Known before the trail exists, so the bucket and key policies can name it (no cycle).
    const trailArn = `arn:aws:cloudtrail:${a.region}:${a.accountId}:trail/${trailName}`;
    const key = this.createKey(name, a, trailArn);
    const bucket = this.createBucket(name, a, key, trailArn);
    const logs = this.createLogGroup(name, a);

    const trail = new cloudtrail.Trail(
      `${name}-trail`,
      {
        name: trailName,
        s3BucketName: bucket.bucket.bucket,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        kmsKeyId: key.arn,
        // CloudTrail wants the log group ARN with its `:*` suffix (CloudTrail API CreateTrail, CloudWatchLogsLogGroupArn).
        cloudWatchLogsGroupArn: pulumi.interpolate`${logs.group.arn}:*`,
        cloudWatchLogsRoleArn: logs.role.arn,
        tags: mergeTags(a.tags, { Name: trailName }),
      },
      { parent: this, dependsOn: [bucket.policy, logs.policy] },
    );

    const topics = (security: boolean) => [args.alertTopicArn, ...(security && args.securityTopicArn ? [args.securityTopicArn] : [])];
    this.alarmArns = TRAIL_FILTERS.map(
      (f) =>
        logCountAlarm(this, name, a.namePrefix, {
          role: f.role,
          description: f.description,
          logGroupName: logs.group.name,
          pattern: f.pattern,
          namespace: a.metricNamespace,
          metricName: f.metricName,
          threshold: f.threshold(a.thresholds),
          periodSeconds: ALARM_DEFAULTS.periodSeconds,
          topics: topics(f.security),
        }).alarm.arn,
    );

    this.trailArn = trail.arn;
    this.bucketName = bucket.bucket.bucket;
    this.logGroupName = logs.group.name;
    this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName, logGroupName: this.logGroupName });
  }

  /** The trail's key: the account administers it by named actions; CloudTrail may generate data keys for this trail only. */
  private createKey(name: string, a: Required<Omit<AuditTrailArgs, "securityTopicArn">>, trailArn: string): kms.Key {
    // CloudWatch Logs keeps the copy encrypted with its own keys; this key is for the S3 log files.
    const base = JSON.parse(kmsKeyPolicy(a.accountId)) as { Statement: object[] };
    // CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": GenerateDataKey with the trail's encryption context, DescribeKey.
    base.Statement.push(
      {
        Sid: "CloudTrailEncryptsLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        // CloudTrail calls GenerateDataKey (the docs allow GenerateDataKey*; the pack allows no wildcard actions).
        Action: "kms:GenerateDataKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn }, StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${a.accountId}:trail/*` } },
      },
      { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
    );
    return platformKey(
      `${name}-key`,
      {
        description: `${a.namePrefix} CloudTrail logs`,
        accountId: a.accountId,
        policy: JSON.stringify(base),
        tags: mergeTags(a.tags, { Name: physicalName("aws-cloudtrail", [a.namePrefix, "audit"]) }),
      },
      { parent: this },
    );
  }

  private createBucket(name: string, a: Required<Omit<AuditTrailArgs, "securityTopicArn">>, key: kms.Key, trailArn: string) {
    const stateful = statefulOptions(a.protect);
    const bucket = new s3.Bucket(
      `${name}-bucket`,
      { bucket: physicalName("aws-s3-bucket", [a.namePrefix, "audit", a.accountId]), forceDestroy: false, tags: mergeTags(a.tags, { Name: physicalName("aws-s3-bucket", [a.namePrefix, "audit"]) }) },
      { parent: this, ...stateful },
    );
    const opts = { parent: this };
    hardenBucket(`${name}-bucket`, { bucket: bucket.id, kmsKeyArn: key.arn }, opts);
    new s3.BucketLifecycleConfiguration(
      `${name}-bucket-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-trail-logs",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { days: a.bucketRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      opts,
    );
    const policy = new s3.BucketPolicy(
      `${name}-bucket-policy`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (with aws:SourceArn).
            { Sid: "AWSCloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: bucket.arn, Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
            {
              Sid: "AWSCloudTrailWrite",
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucket.arn}/AWSLogs/${a.accountId}/*`,
              Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
            },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
          ],
        }),
      },
      opts,
    );
    return { bucket, policy };
  }

  /** The log group the trail also delivers to, and the role CloudTrail writes it with. */
  private createLogGroup(name: string, a: Required<Omit<AuditTrailArgs, "securityTopicArn">>) {
    const group = new cloudwatch.LogGroup(
      `${name}-logs`,
      { name: physicalName("aws-log-group", [a.namePrefix, "cloudtrail"]), retentionInDays: a.logRetentionDays, tags: a.tags },
      { parent: this },
    );
    const role = new iam.Role(
      `${name}-logs-role`,
      {
        name: physicalName("aws-iam-role", [a.namePrefix, "cloudtrail-logs"]),
        permissionsBoundary: a.permissionsBoundary,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": a.accountId } } }],
        }),
        tags: a.tags,
      },
      { parent: this },
    );
    const policy = new iam.RolePolicy(
      `${name}-logs-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${group.arn}:log-stream:*` }],
        }),
      },
      { parent: this },
    );
    return { group, role, policy };
  }
}
