import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as scheduler from "@pulumi/aws/scheduler";
import * as ssm from "@pulumi/aws/ssm";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { type Tags } from "../shared/tags";

/**
 * The guide's maintenance window: monthly, first Sunday, 02:00–04:00 UTC, 7 days' notice.
 * SSM takes nth-weekday cron (`SUN#1`); EventBridge Scheduler's `1L` is the month's last Sunday,
 * always exactly 7 days before the next month's first Sunday (shared/aws-facts.md).
 */
export const MAINTENANCE_DEFAULTS = {
  schedule: "cron(0 2 ? * SUN#1 *)",
  noticeSchedule: "cron(0 2 ? * 1L *)",
  timezone: "Etc/UTC",
  /** Hours (SSM CreateMaintenanceWindow Duration: 1–24). */
  durationHours: 2,
  /** Hours before the end when no new task starts (SSM Cutoff: 0–23, below Duration). */
  cutoffHours: 1,
} as const;

export interface MaintenanceArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  namePrefix: string;
  accountId: string;
  /** Values of the `Patch Group` tag the platform's instances carry (admin host, WireGuard gateway). At least one. */
  patchGroups: readonly string[];
  /** Failed or timed-out patch runs go here (the alert topic). */
  alertTopicArn: pulumi.Input<string>;
  /** The 7-day notice goes here (the contacts' topic). */
  noticeTopicArn: pulumi.Input<string>;
  /** KMS key of the notice topic (the scheduler's role must encrypt with it). */
  noticeTopicKmsKeyArn: pulumi.Input<string>;
  /** @default MAINTENANCE_DEFAULTS.schedule */
  schedule?: string;
  /** @default MAINTENANCE_DEFAULTS.noticeSchedule */
  noticeSchedule?: string;
  /** @default 2 */
  durationHours?: number;
  /** @default 1 */
  cutoffHours?: number;
  /** What the notice says is affected (one line). @default "the admin host and the VPN gateways" */
  affected?: string;
  tags?: Tags;
}

/**
 * The monthly window with real work: a target of every instance tagged with the platform's patch
 * groups and an `AWS-RunPatchBaseline` Install task (reboot if needed, one instance at a time so
 * the admin host and a gateway are never down together), an EventBridge rule that alerts when a
 * task fails, and the 7-day notice to the contacts through EventBridge Scheduler → SNS.
 *
 * Cost: SSM maintenance windows and Run Command are free for EC2; Scheduler's first 14 million
 * invocations a month are free.
 */
export class Maintenance extends pulumi.ComponentResource {
  readonly windowId: pulumi.Output<string>;
  readonly targetId: pulumi.Output<string>;
  readonly taskArn: string;
  readonly noticeScheduleArn: pulumi.Output<string>;

  constructor(name: string, args: MaintenanceArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.patchGroups.length === 0) throw new Error(`Maintenance "${name}": patchGroups is empty: a window without targets patches nothing`);
    const a = {
      schedule: MAINTENANCE_DEFAULTS.schedule,
      noticeSchedule: MAINTENANCE_DEFAULTS.noticeSchedule,
      durationHours: MAINTENANCE_DEFAULTS.durationHours,
      cutoffHours: MAINTENANCE_DEFAULTS.cutoffHours,
      affected: "the admin host and the VPN gateways",
      tags: {},
      ...args,
    };
    super("promptandpause:monitoring:Maintenance", name, {}, opts);
    const child = { parent: this };
    const windowName = physicalName("aws-ssm-window", [a.namePrefix, "monthly"]);

    const window = new ssm.MaintenanceWindow(
      `${name}-window`,
      {
        name: windowName,
        description: "Monthly maintenance: first Sunday 02:00-04:00 UTC (the guide's window)",
        schedule: a.schedule,
        scheduleTimezone: MAINTENANCE_DEFAULTS.timezone,
        duration: a.durationHours,
        cutoff: a.cutoffHours,
        allowUnassociatedTargets: false,
        enabled: true,
        tags: a.tags,
      },
      child,
    );
    const target = new ssm.MaintenanceWindowTarget(
      `${name}-target`,
      {
        windowId: window.id,
        name: physicalName("aws-ssm-window", [a.namePrefix, "patch-targets"]),
        description: `Instances tagged Patch Group = ${a.patchGroups.join(" | ")}`,
        resourceType: "INSTANCE",
        // SSM Targets: `tag:<key>` with up to 50 values (the admin host's `Patch Group` tag).
        targets: [{ key: "tag:Patch Group", values: [...a.patchGroups] }],
      },
      child,
    );
    this.taskArn = "AWS-RunPatchBaseline";
    new ssm.MaintenanceWindowTask(
      `${name}-patch`,
      {
        windowId: window.id,
        name: physicalName("aws-ssm-window", [a.namePrefix, "patch"]),
        description: "Install OS patches from the default patch baseline, reboot if needed",
        taskType: "RUN_COMMAND",
        taskArn: this.taskArn,
        priority: 1,
        // One instance at a time; stop after the first failure so a bad patch does not reach every host.
        maxConcurrency: "1",
        maxErrors: "1",
        cutoffBehavior: "CANCEL_TASK",
        targets: [{ key: "WindowTargetIds", values: [target.id] }],
        taskInvocationParameters: {
          runCommandParameters: {
            comment: "Monthly patching (promptandpause maintenance window)",
            // AWS-RunPatchBaseline parameters: Operation Scan|Install, RebootOption RebootIfNeeded|NoReboot.
            parameters: [
              { name: "Operation", values: ["Install"] },
              { name: "RebootOption", values: ["RebootIfNeeded"] },
            ],
            // Seconds the command may wait to start on an instance.
            timeoutSeconds: 600,
          },
        },
      },
      child,
    );

    // A failed, timed-out or cancelled patch run alerts operations (SSM EventBridge events).
    const failures = new cloudwatch.EventRule(
      `${name}-task-failed`,
      {
        name: physicalName("aws-event-rule", [a.namePrefix, "maintenance-failed"]),
        description: "A maintenance window task did not succeed",
        eventPattern: pulumi.jsonStringify({
          source: ["aws.ssm"],
          "detail-type": ["Maintenance Window Task Execution State-change Notification"],
          detail: { "window-id": [window.id], status: ["FAILED", "TIMED_OUT", "CANCELLED"] },
        }),
        tags: a.tags,
      },
      child,
    );
    new cloudwatch.EventTarget(`${name}-task-failed-target`, { rule: failures.name, arn: a.alertTopicArn }, child);

    this.noticeScheduleArn = this.createNotice(name, a, windowName);
    this.windowId = window.id;
    this.targetId = target.id;
    this.registerOutputs({ windowId: this.windowId, targetId: this.targetId, noticeScheduleArn: this.noticeScheduleArn });
  }

  /** The 7-day notice: Scheduler publishes a message to the contacts' topic with its own role. */
  private createNotice(name: string, a: Required<MaintenanceArgs>, windowName: string): pulumi.Output<string> {
    const child = { parent: this };
    const role = new iam.Role(
      `${name}-notice-role`,
      {
        name: physicalName("aws-iam-role", [a.namePrefix, "maintenance-notice"]),
        permissionsBoundary: a.permissionsBoundary,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": a.accountId } } }],
        }),
        tags: a.tags,
      },
      child,
    );
    // Publishing to an encrypted topic needs the key too (SNS Developer Guide, "Encryption at rest").
    new iam.RolePolicy(
      `${name}-notice-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "sns:Publish", Resource: a.noticeTopicArn },
            { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: a.noticeTopicKmsKeyArn },
          ],
        }),
      },
      child,
    );
    const schedule = new scheduler.Schedule(
      `${name}-notice`,
      {
        name: physicalName("aws-event-rule", [a.namePrefix, "maintenance-notice"]),
        description: "7 days before the monthly maintenance window",
        scheduleExpression: a.noticeSchedule,
        scheduleExpressionTimezone: MAINTENANCE_DEFAULTS.timezone,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          // SNS as a templated target: the topic ARN with `input` as the message (Scheduler User Guide, "Templated targets").
          arn: a.noticeTopicArn,
          roleArn: role.arn,
          input: [
            `Planned maintenance in 7 days: ${windowName}, first Sunday of the month, 02:00-04:00 UTC.`,
            `OS patches are installed on ${a.affected} (Patch Group ${a.patchGroups.join(", ")}), one host at a time, with a reboot where needed.`,
            "Expect short interruptions of SSH and VPN access. The app (Vercel, Supabase, Cloudflare) is not affected. Runbook: docs/runbooks/maintenance.md.",
          ].join("\n"),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      },
      child,
    );
    return schedule.arn;
  }
}
