/**
 * The monitoring layer under Pulumi mocks: every alarm on the alert topic, the maintenance window
 * with real targets and a patch task, the intake's domain, certificate and DNS-only record, the
 * CloudTrail trail and its bucket policy, the Cloudflare notifications a plan allows, account-wide
 * detectors referenced instead of created.
 */
import * as awsProvider from "@pulumi/aws/provider";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { notificationsFor } from "../../components/monitoring/cloudflare-notifications";
import { AUTH_SIGN_IN_FAILED_EVENT } from "../../components/monitoring/log-intake/log-entry";
import { Maintenance } from "../../components/monitoring/maintenance";
import { Monitoring, type MonitoringArgs } from "../../components/monitoring/monitoring";
import { ThreatDetection } from "../../components/monitoring/threat-detection";
import { type PlannedResource, ofType, one, recordProgram } from "../helpers/pulumi";

const ALERTS = "arn:aws:sns:eu-west-2:111122223333:promptandpause-prod-alerts";
const SECURITY = "arn:aws:sns:eu-west-2:111122223333:promptandpause-prod-security";
const KEY = "arn:aws:kms:eu-west-2:111122223333:key/0b5f7c8e-1111-2222-3333-444455556666";

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  window: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  target: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
  task: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  schedule: "aws:scheduler/schedule:Schedule",
  trail: "aws:cloudtrail/trail:Trail",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  record: "cloudflare:index/dnsRecord:DnsRecord",
  notification: "cloudflare:index/notificationPolicy:NotificationPolicy",
  fn: "aws:lambda/function:Function",
  domain: "aws:apigatewayv2/domainName:DomainName",
  detector: "aws:guardduty/detector:Detector",
  feature: "aws:guardduty/detectorFeature:DetectorFeature",
  inspector: "aws:inspector2/enabler:Enabler",
  rule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
};

function args(over: Partial<MonitoringArgs> = {}): MonitoringArgs {
  return {
    namePrefix: "promptandpause-prod",
    accountId: "111122223333",
    region: "eu-west-2",
    domain: "promptandpause.com",
    alertTopicArn: ALERTS,
    securityTopicArn: SECURITY,
    permissionsBoundary: "arn:aws:iam::111122223333:policy/promptandpause-prod-role-boundary",
    alertTopicKmsKeyArn: KEY,
    cloudflare: { accountId: "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", zoneId: "zone-1234", plan: "business", healthCheckId: "hc-1234" },
    contacts: { operations: "ops@promptandpause.com", security: "security@promptandpause.com" },
    logIntake: {
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
      drainSecret: pulumi.secret("drain-secret-0123456789abcdef0123456789abcdef"),
      verificationCode: "verify-code",
    },
    maintenance: { patchGroups: ["promptandpause-prod-admin", "promptandpause-prod-wireguard"] },
    ...over,
  };
}

async function record(a: MonitoringArgs): Promise<PlannedResource[]> {
  const run = await recordProgram(() => {
    const aws = new awsProvider.Provider("aws", { region: "eu-west-2", allowedAccountIds: ["111122223333"] });
    const cf = new cloudflare.Provider("cloudflare", { apiToken: pulumi.secret("token") });
    new Monitoring("monitoring", a, { providers: [aws, cf] });
    return {};
  });
  return run.resources;
}

let resources: PlannedResource[];
beforeAll(async () => {
  resources = await record(args());
});

describe("alarms", () => {
  it("every alarm fires and clears on the alert topic", () => {
    const alarms = ofType(resources, T.alarm);
    expect(alarms.map((a) => a.name).sort()).toEqual(
      [
        "monitoring-audit-console-sign-in-failures-alarm",
        "monitoring-audit-root-account-usage-alarm",
        "monitoring-audit-unauthorized-api-calls-alarm",
        "monitoring-log-intake-app-errors-alarm",
        "monitoring-log-intake-failed-sign-ins-alarm",
        "monitoring-log-intake-intake-api-5xx-alarm",
        "monitoring-log-intake-intake-function-errors-alarm",
        "monitoring-log-intake-intake-function-throttles-alarm",
      ].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).toContain(ALERTS);
      expect(alarm.inputs.okActions, alarm.name).toContain(ALERTS);
    }
  });

  it("failed sign-ins and AWS security alarms also reach the security topic", () => {
    for (const suffix of ["failed-sign-ins-alarm", "console-sign-in-failures-alarm", "unauthorized-api-calls-alarm"]) {
      expect(one(resources, T.alarm, suffix).inputs.alarmActions).toEqual([ALERTS, SECURITY]);
    }
    expect(one(resources, T.alarm, "app-errors-alarm").inputs.alarmActions).toEqual([ALERTS]);
  });

  it("the intake's filters count the app's error lines and its failed sign-in event", () => {
    expect(one(resources, T.filter, "app-errors-filter").inputs).toMatchObject({ pattern: '{ ($.level = "error") || ($.level = "critical") }', metricTransformation: { name: "AppErrors", value: "1", defaultValue: "0" } });
    expect(one(resources, T.filter, "failed-sign-ins-filter").inputs.pattern).toBe(`{ $.metadata.event = "${AUTH_SIGN_IN_FAILED_EVENT}" }`);
  });
});

describe("maintenance window", () => {
  it("is the guide's: first Sunday 02:00 UTC, 2 hours, cutoff 1", () => {
    expect(one(resources, T.window).inputs).toMatchObject({ schedule: "cron(0 2 ? * SUN#1 *)", scheduleTimezone: "Etc/UTC", duration: 2, cutoff: 1, allowUnassociatedTargets: false });
  });

  it("has a target of the tagged instances and a RunPatchBaseline task on that target", () => {
    const window = one(resources, T.window);
    const target = one(resources, T.target);
    const task = one(resources, T.task);
    expect(target.inputs).toMatchObject({ resourceType: "INSTANCE", targets: [{ key: "tag:Patch Group", values: ["promptandpause-prod-admin", "promptandpause-prod-wireguard"] }] });
    expect(target.dependencies).toContain(window.urn);
    expect(task.inputs).toMatchObject({ taskType: "RUN_COMMAND", taskArn: "AWS-RunPatchBaseline", maxConcurrency: "1" });
    expect(task.inputs.targets).toEqual([{ key: "WindowTargetIds", values: [expect.any(String)] }]);
    expect(task.dependencies).toContain(target.urn);
    expect((task.inputs.taskInvocationParameters as { runCommandParameters: { parameters: unknown } }).runCommandParameters.parameters).toEqual([
      { name: "Operation", values: ["Install"] },
      { name: "RebootOption", values: ["RebootIfNeeded"] },
    ]);
  });

  it("sends the notice on the month's last Sunday (7 days before) to the topic", () => {
    const notice = one(resources, T.schedule);
    expect(notice.inputs).toMatchObject({ scheduleExpression: "cron(0 2 ? * 1L *)", scheduleExpressionTimezone: "Etc/UTC", flexibleTimeWindow: { mode: "OFF" }, target: { arn: ALERTS } });
    expect(String((notice.inputs.target as { input: string }).input)).toMatch(/^Planned maintenance in 7 days: promptandpause-prod-monthly, first Sunday of the month, 02:00-04:00 UTC\./);
  });

  it("refuses a window without targets", async () => {
    await expect(
      recordProgram(() => new Maintenance("m", { namePrefix: "p", accountId: "111122223333", patchGroups: [], alertTopicArn: ALERTS, noticeTopicArn: ALERTS, noticeTopicKmsKeyArn: KEY, permissionsBoundary: "arn:aws:iam::111122223333:policy/p-role-boundary" })),
    ).rejects.toThrow('Maintenance "m": patchGroups is empty');
  });
});

describe("log intake", () => {
  it("logs.<domain> is a DNS-only CNAME to the API's regional domain, with a TLS 1.2 policy", () => {
    const record = ofType(resources, T.record).find((r) => r.inputs.name === "logs.promptandpause.com");
    expect(record?.inputs).toMatchObject({ type: "CNAME", proxied: false, zoneId: "zone-1234", content: expect.stringMatching(/^d-[0-9a-f]{10}\.execute-api\.eu-west-2\.amazonaws\.com$/) });
    expect(one(resources, T.domain).inputs).toMatchObject({ domainName: "logs.promptandpause.com", domainNameConfiguration: { endpointType: "REGIONAL", securityPolicy: "TLS_1_2" } });
  });

  it("the certificate is validated through a Cloudflare record named as ACM asks (without the trailing dot)", () => {
    const validation = one(resources, T.record, "certificate-validation-record");
    expect(validation.inputs).toMatchObject({ type: "CNAME", proxied: false, name: expect.stringMatching(/^_[0-9a-f]{32}\.logs\.promptandpause\.com$/), content: expect.stringMatching(/\.acm-validations\.aws$/) });
  });

  it("the function gets the drain secret as a secret, the verification code, its log group and the shared dedupe table", () => {
    const fn = one(resources, T.fn);
    expect(fn.secretPaths).toContain("environment.variables.LOG_DRAIN_SECRET");
    expect(fn.maskedInputs).toMatchObject({ environment: { variables: { LOG_DRAIN_SECRET: "[secret]", VERCEL_VERIFY_CODE: "verify-code", LOG_GROUP_NAME: "promptandpause-prod-app-logs" } } });
    expect(fn.inputs).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler" });
    expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
    const table = one(resources, "aws:dynamodb/table:Table");
    expect(table.inputs).toMatchObject({ billingMode: "PAY_PER_REQUEST", hashKey: "id", attributes: [{ name: "id", type: "S" }], ttl: { attributeName: "expiresAt", enabled: true } });
    expect(fn.inputs).toMatchObject({ environment: { variables: { DEDUPE_TABLE: "promptandpause-prod-log-intake-dedupe" } } });
  });
});

describe("the intake function's environment key", () => {
  it("is a rotated key of its own, administered by the account alone, and encrypts the function's environment", () => {
    const fn = one(resources, T.fn);
    const key = one(resources, "aws:kms/key:Key", "log-intake-env-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    // Lambda's default key would let anyone with lambda:GetFunctionConfiguration (the preview role) read the drain secret.
    expect(fn.propertyDependencies.kmsKeyArn).toEqual([key.urn]);
    expect(fn.inputs.kmsKeyArn).toMatch(/^arn:aws:kms:eu-west-2:\d{12}:key\//);
    const statements = (JSON.parse(String(key.inputs.policy)) as { Statement: Array<{ Principal: unknown; Action: string[] }> }).Statement;
    expect(statements.map((s) => s.Principal)).toEqual([{ AWS: "arn:aws:iam::111122223333:root" }]);
    expect(statements[0]?.Action).toContain("kms:Decrypt");
  });

  it("the function's role may decrypt with it by policy, not only through the grant Lambda makes", () => {
    const key = one(resources, "aws:kms/key:Key", "log-intake-env-key");
    const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "log-intake-role-policy");
    expect(policy.propertyDependencies.policy).toContain(key.urn);
    const statements = (JSON.parse(String(policy.inputs.policy)) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string }> }).Statement;
    expect(statements.find((s) => s.Sid === "DecryptEnvironment")).toMatchObject({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: expect.stringMatching(/^arn:aws:kms:/) });
  });
});

describe("access logs and threat detection", () => {
  it("CloudTrail is multi-region, validated, KMS-encrypted, into a bucket that admits only this trail", () => {
    const trail = one(resources, T.trail);
    expect(trail.inputs).toMatchObject({ name: "promptandpause-prod-audit", isMultiRegionTrail: true, enableLogFileValidation: true, includeGlobalServiceEvents: true, kmsKeyId: expect.stringMatching(/^arn:aws:kms:/) });
    const policy = JSON.parse(String(one(resources, T.bucketPolicy).inputs.policy)) as { Statement: { Sid: string; Condition?: { StringEquals?: Record<string, string> } }[] };
    const write = policy.Statement.find((s) => s.Sid === "AWSCloudTrailWrite");
    expect(write?.Condition?.StringEquals).toEqual({ "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": "arn:aws:cloudtrail:eu-west-2:111122223333:trail/promptandpause-prod-audit" });
    expect(trail.dependencies).toContain(one(resources, T.bucketPolicy).urn);
  });

  it("creates GuardDuty with its protection plans and Inspector for EC2 and ECR, findings to security", () => {
    expect(ofType(resources, T.detector)).toHaveLength(1);
    expect(ofType(resources, T.feature).map((f) => f.inputs.name)).toEqual(["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"]);
    expect(one(resources, T.inspector).inputs).toEqual({ accountIds: ["111122223333"], resourceTypes: ["EC2", "ECR"] });
    const findingTargets = ofType(resources, T.eventTarget).filter((t) => /findings-target$/.test(t.name));
    expect(findingTargets.map((t) => t.inputs.arn)).toEqual([SECURITY, SECURITY]);
  });

  it("one dashboard shows every alarm", () => {
    const body = JSON.parse(String(one(resources, T.dashboard).inputs.dashboardBody)) as { widgets: { type: string; properties: { alarms?: string[] } }[] };
    const shown = body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms ?? []);
    expect(shown).toHaveLength(ofType(resources, T.alarm).length);
  });
});

describe("Cloudflare notifications", () => {
  it("business: health check, origin, DDoS, security events and certificates, to the right contacts", () => {
    const policies = ofType(resources, T.notification);
    const byType = policies.map((p) => [p.inputs.alertType, (p.inputs.mechanisms as { emails: { id: string }[] }).emails.map((e) => e.id)]);
    expect(byType.sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([
      ["clickhouse_alert_fw_anomaly", ["security@promptandpause.com"]],
      ["dos_attack_l7", ["ops@promptandpause.com", "security@promptandpause.com"]],
      ["health_check_status_notification", ["ops@promptandpause.com"]],
      ["real_origin_monitoring", ["ops@promptandpause.com"]],
      ["universal_ssl_event_type", ["ops@promptandpause.com"]],
    ]);
    expect(one(resources, T.notification, "health-check").inputs.filters).toEqual({ healthCheckIds: ["hc-1234"], statuses: ["Unhealthy", "Healthy"] });
  });

  it.each([
    ["free", ["real_origin_monitoring", "dos_attack_l7", "universal_ssl_event_type"]],
    ["pro", ["health_check_status_notification", "real_origin_monitoring", "dos_attack_l7", "universal_ssl_event_type"]],
    ["enterprise", ["health_check_status_notification", "http_alert_origin_error", "dos_attack_l7", "clickhouse_alert_fw_anomaly", "universal_ssl_event_type"]],
  ] as const)("%s plan gets %j", (plan, types) => {
    expect(notificationsFor(plan).map((n) => n.alertType)).toEqual(types);
  });
});

describe("a second stack in the same account", () => {
  it("references the GuardDuty detector and Inspector instead of creating them", async () => {
    const run = await recordProgram(() => {
      const aws = new awsProvider.Provider("aws", { region: "eu-west-2" });
      new ThreatDetection(
        "threats",
        { namePrefix: "promptandpause-staging", accountId: "111122223333", securityTopicArn: SECURITY, guardDuty: { mode: "existing", detectorId: "12abc34d567e8fa901bc2d34e56789f0" }, inspector: { mode: "existing" } },
        { providers: [aws] },
      );
    });
    const second = run.resources;
    expect(ofType(second, T.detector)).toHaveLength(0);
    expect(ofType(second, T.feature)).toHaveLength(0);
    expect(ofType(second, T.inspector)).toHaveLength(0);
    expect(ofType(second, T.rule).filter((r) => /findings$/.test(r.name))).toHaveLength(2);
  });
});
