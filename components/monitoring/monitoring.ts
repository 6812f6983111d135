import * as pulumi from "@pulumi/pulumi";
import type { PlanTier } from "../edge/plans";
import { type Tags } from "../shared/tags";
import { ALARM_DEFAULTS, type AlarmThresholds } from "./alarms";
import { AuditTrail } from "./audit-trail";
import { type Audience, CloudflareNotifications } from "./cloudflare-notifications";
import { MonitoringDashboard } from "./dashboard";
import { LogIntake } from "./log-intake";
import { Maintenance } from "./maintenance";
import { type AccountWide, ThreatDetection } from "./threat-detection";

export interface MonitoringArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  accountId: string;
  region: string;
  /** The stack's apex domain (the intake is `logs.<domain>`). */
  domain: string;
  /** The foundation's alert topic: EVERY alarm's alarmActions and okActions. */
  alertTopicArn: pulumi.Input<string>;
  /** The foundation's security topic: findings, failed sign-ins, security alarms. */
  securityTopicArn: pulumi.Input<string>;
  /** The topics' KMS key (the maintenance notice's publisher needs it). */
  alertTopicKmsKeyArn: pulumi.Input<string>;
  cloudflare: {
    accountId: pulumi.Input<string>;
    zoneId: pulumi.Input<string>;
    plan: PlanTier;
    /** The edge's health check. @default none (no health-check notification) */
    healthCheckId?: pulumi.Input<string>;
  };
  contacts: Record<Audience, string>;
  /** The Vercel log drain's intake; absent: no intake (the drain then has no endpoint). */
  logIntake?: {
    code: pulumi.asset.Archive;
    drainSecret: pulumi.Input<string>;
    verificationCode: pulumi.Input<string>;
    /** @default 90 */
    retentionDays?: number;
    /** Reserved concurrency. @default none (unreserved) */
    concurrency?: number;
  };
  audit?: { bucketRetentionDays?: number; logRetentionDays?: number };
  /** @default both created */
  threatDetection?: { guardDuty?: AccountWide; inspector?: { mode: "create" | "existing" } };
  maintenance: { patchGroups: readonly string[] };
  /** Alarm thresholds per 5 minutes (the scale preset's). @default ALARM_DEFAULTS */
  thresholds?: Partial<AlarmThresholds>;
  /** Other layers' alarms, shown on the dashboard too. @default none */
  otherAlarmArns?: readonly pulumi.Input<string>[];
  /** Protect the audit bucket. @default false */
  protect?: boolean;
  tags?: Tags;
}

/**
 * The guide's "Monitoring & Logging" on this platform: Cloudflare notifications (uptime, origin,
 * DDoS, security events, certificates), CloudTrail with its security alarms, GuardDuty and
 * Inspector with findings to security, the Vercel log drain's intake with its error and
 * failed-sign-in alarms, the monthly maintenance window and its notice, and one dashboard.
 * Every alarm here is on the alert topic.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly alarmArns: pulumi.Output<string>[];
  readonly logIntake?: LogIntake;
  readonly maintenanceWindowId: pulumi.Output<string>;
  readonly trailArn: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:monitoring:Monitoring", name, {}, opts);
    const child = { parent: this };
    const thresholds: AlarmThresholds = { ...ALARM_DEFAULTS, ...args.thresholds };
    const metricNamespace = `PromptAndPause/${args.namePrefix}`;
    const tags = args.tags ?? {};
    const topics = { alertTopicArn: args.alertTopicArn, securityTopicArn: args.securityTopicArn };
    const permissionsBoundary = args.permissionsBoundary;

    new CloudflareNotifications(`${name}-cloudflare`, { ...args.cloudflare, contacts: args.contacts, namePrefix: args.namePrefix }, child);
    const audit = new AuditTrail(
      `${name}-audit`,
      { namePrefix: args.namePrefix, accountId: args.accountId, region: args.region, ...topics, metricNamespace, ...args.audit, thresholds, protect: args.protect ?? false, permissionsBoundary, tags },
      child,
    );
    new ThreatDetection(`${name}-threats`, { namePrefix: args.namePrefix, accountId: args.accountId, securityTopicArn: args.securityTopicArn, ...args.threatDetection, tags }, child);
    this.logIntake = args.logIntake
      ? new LogIntake(
          `${name}-log-intake`,
          { namePrefix: args.namePrefix, accountId: args.accountId, domain: args.domain, zoneId: args.cloudflare.zoneId, ...topics, metricNamespace, ...args.logIntake, thresholds, permissionsBoundary, tags },
          child,
        )
      : undefined;
    const maintenance = new Maintenance(
      `${name}-maintenance`,
      { namePrefix: args.namePrefix, accountId: args.accountId, patchGroups: args.maintenance.patchGroups, alertTopicArn: args.alertTopicArn, noticeTopicArn: args.alertTopicArn, noticeTopicKmsKeyArn: args.alertTopicKmsKeyArn, permissionsBoundary, tags },
      child,
    );
    this.alarmArns = [...audit.alarmArns, ...(this.logIntake?.alarmArns ?? [])];
    const dashboard = new MonitoringDashboard(
      `${name}-dashboard`,
      {
        namePrefix: args.namePrefix,
        region: args.region,
        alarmArns: [...this.alarmArns, ...(args.otherAlarmArns ?? [])],
        metricNamespace,
        ...(this.logIntake ? { intake: { functionName: this.logIntake.functionName, apiId: this.logIntake.apiId } } : {}),
      },
      child,
    );
    this.maintenanceWindowId = maintenance.windowId;
    this.trailArn = audit.trailArn;
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ alarmArns: this.alarmArns, maintenanceWindowId: this.maintenanceWindowId, trailArn: this.trailArn, dashboardName: this.dashboardName, logIntakeEndpoint: this.logIntake?.endpoint });
  }
}
