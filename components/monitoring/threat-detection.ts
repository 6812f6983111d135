import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as guardduty from "@pulumi/aws/guardduty";
import * as inspector2 from "@pulumi/aws/inspector2";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import type { Tags } from "../shared/tags";

/**
 * GuardDuty and Inspector are one per account and region. The first stack in an account creates
 * them (`create`); another stack in the same account references the detector by id (`existing`)
 * and leaves the account-wide settings to the owner, so two stacks never fight over them.
 */
export type AccountWide<T extends object = object> = ({ mode: "create" } & T) | { mode: "existing"; detectorId?: string };

/**
 * GuardDuty protection plans turned on with the detector (GuardDuty API DetectorFeatureConfiguration
 * `name`: S3_DATA_EVENTS | EKS_AUDIT_LOGS | EBS_MALWARE_PROTECTION | RDS_LOGIN_EVENTS |
 * EKS_RUNTIME_MONITORING | LAMBDA_NETWORK_LOGS | RUNTIME_MONITORING). EKS and RDS are not used
 * here (no EKS; the database is Supabase's). Runtime Monitoring covers the Fargate workers and the
 * EC2 admin host / gateway with GuardDuty-managed agents (`additionalConfiguration` names:
 * ECS_FARGATE_AGENT_MANAGEMENT, EC2_AGENT_MANAGEMENT).
 */
export const GUARDDUTY_FEATURES = [
  { name: "S3_DATA_EVENTS" },
  { name: "EBS_MALWARE_PROTECTION" },
  { name: "LAMBDA_NETWORK_LOGS" },
  { name: "RUNTIME_MONITORING", additional: ["ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"] },
] as const;

export interface ThreatDetectionArgs {
  namePrefix: string;
  accountId: string;
  /** Findings go here (the foundation's security topic). */
  securityTopicArn: pulumi.Input<string>;
  /** GuardDuty detector. @default { mode: "create" } */
  guardDuty?: AccountWide;
  /** Inspector v2 scanning of EC2 instances and ECR images. @default { mode: "create" } */
  inspector?: { mode: "create" | "existing" };
  /**
   * Lowest GuardDuty severity sent to the security contact (GuardDuty: 1–3.9 low, 4–6.9 medium,
   * 7–8.9 high, 9–10 critical). @default 4 (medium and above)
   */
  guardDutyMinSeverity?: number;
  /** Inspector severities sent. @default ["HIGH", "CRITICAL"] */
  inspectorSeverities?: readonly ("LOW" | "MEDIUM" | "HIGH" | "CRITICAL")[];
  tags?: Tags;
}

/**
 * The guide's "Threat Detection" and daily "Security scan": GuardDuty (threat detection over
 * CloudTrail, VPC flow, DNS logs, plus the protection plans above) and Amazon Inspector
 * (continuous vulnerability scanning of EC2 and ECR: rescans when new CVEs are published, which
 * is at least the guide's daily scan). EventBridge routes their findings to the security topic
 * with a one-line summary.
 *
 * Cost: GuardDuty per GB of events analysed and per protection plan; Inspector per instance
 * and image scanned per month. Both have 15-day free trials.
 */
export class ThreatDetection extends pulumi.ComponentResource {
  /** The detector id (created here or referenced). Undefined in `existing` mode without an id. */
  readonly detectorId?: pulumi.Output<string>;
  readonly ruleArns: pulumi.Output<string>[];

  constructor(name: string, args: ThreatDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:monitoring:ThreatDetection", name, {}, opts);
    const guard = args.guardDuty ?? { mode: "create" };
    const inspector = args.inspector ?? { mode: "create" };
    const tags = args.tags ?? {};

    if (guard.mode === "create") {
      const detector = new guardduty.Detector(
        `${name}-guardduty`,
        // FIFTEEN_MINUTES | ONE_HOUR | SIX_HOURS (GuardDuty API CreateDetector): updates of ongoing findings reach EventBridge this often.
        { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES", tags },
        { parent: this },
      );
      for (const f of GUARDDUTY_FEATURES) {
        new guardduty.DetectorFeature(
          `${name}-guardduty-${f.name.toLowerCase().replace(/_/g, "-")}`,
          {
            detectorId: detector.id,
            name: f.name,
            status: "ENABLED",
            ...("additional" in f ? { additionalConfigurations: f.additional.map((n) => ({ name: n, status: "ENABLED" })) } : {}),
          },
          { parent: this },
        );
      }
      this.detectorId = detector.id;
    } else if (guard.detectorId) {
      this.detectorId = pulumi.output(guard.detectorId);
    }

    if (inspector.mode === "create") {
      // Inspector API Enable: resourceTypes EC2 | ECR | LAMBDA | LAMBDA_CODE.
      new inspector2.Enabler(`${name}-inspector`, { accountIds: [args.accountId], resourceTypes: ["EC2", "ECR"] }, { parent: this });
    }

    const minSeverity = args.guardDutyMinSeverity ?? 4;
    const severities = [...(args.inspectorSeverities ?? ["HIGH", "CRITICAL"])];
    this.ruleArns = [
      this.route(name, args, tags, "guardduty-findings", "GuardDuty findings of medium severity and above → security", {
        // GuardDuty User Guide, "Creating custom responses to GuardDuty findings with EventBridge".
        pattern: { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", minSeverity] }] } },
        summary: { severity: "$.detail.severity", type: "$.detail.type", title: "$.detail.title", account: "$.account", region: "$.region" },
        template: '"GuardDuty finding, severity <severity>: <type>: <title> (account <account>, <region>). Open GuardDuty → Findings."',
      }),
      this.route(name, args, tags, "inspector-findings", "Inspector findings HIGH/CRITICAL → security", {
        // Inspector User Guide, "EventBridge events sent from Amazon Inspector" (detail-type "Inspector2 Finding").
        pattern: { source: ["aws.inspector2"], "detail-type": ["Inspector2 Finding"], detail: { severity: severities, status: ["ACTIVE"] } },
        summary: { severity: "$.detail.severity", title: "$.detail.title", resource: "$.detail.resources[0].id", account: "$.account", region: "$.region" },
        template: '"Inspector finding, <severity>: <title> on <resource> (account <account>, <region>). Open Inspector → Findings."',
      }),
    ];
    this.registerOutputs({ detectorId: this.detectorId, ruleArns: this.ruleArns });
  }

  /** An EventBridge rule and its SNS target with a readable one-line message. */
  private route(
    name: string,
    args: ThreatDetectionArgs,
    tags: Tags,
    role: string,
    description: string,
    r: { pattern: object; summary: Record<string, string>; template: string },
  ): pulumi.Output<string> {
    const rule = new cloudwatch.EventRule(
      `${name}-${role}`,
      { name: physicalName("aws-event-rule", [args.namePrefix, role]), description, eventPattern: JSON.stringify(r.pattern), tags },
      { parent: this },
    );
    new cloudwatch.EventTarget(
      `${name}-${role}-target`,
      { rule: rule.name, arn: args.securityTopicArn, inputTransformer: { inputPaths: r.summary, inputTemplate: r.template } },
      { parent: this },
    );
    return rule.arn;
  }
}
