/**
 * monitoring-alarm-actions: every CloudWatch alarm of every layer tells someone. An alarm fires
 * and clears on the platform's alert topic (the foundation's `<project>-<environment>-alerts`
 * SNS topic, subscribed by the operations contact): `alarmActions` and `okActions` both include it,
 * and actions are not disabled. An alarm without actions only changes colour in a console.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configFrom } from "../lib/util";

/** Type tokens read here (@pulumi/aws 7). */
export const MONITORING_TYPES = {
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  snsTopic: "aws:sns/topic:Topic",
} as const;

export const configSchema = {
  properties: {
    alertTopicNameSuffix: { type: "string", minLength: 1, description: "Name suffix of the SNS topic every alarm must notify (the foundation's alert topic).", default: "-alerts" },
  },
} as const;

const ACTION_FIELDS = ["alarmActions", "okActions"] as const;

/** Whether `field` of the alarm names the topic: by dependency (known in a real preview) or by literal ARN. */
function notifies(alarm: PolicyResource, field: string, topic: PolicyResource): boolean {
  if (alarm.propertyDependencies?.[field]?.some((d) => d.urn === topic.urn)) return true;
  const literal = alarm.props[field];
  return Array.isArray(literal) && typeof topic.props.arn === "string" && literal.includes(topic.props.arn);
}

export function validateAlarmActions(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const alarms = args.resources.filter((r) => r.type === MONITORING_TYPES.metricAlarm);
  if (alarms.length === 0) args.notApplicable("The stack has no CloudWatch alarms.");
  const { alertTopicNameSuffix } = configFrom<{ alertTopicNameSuffix: string }>(configSchema, args);
  const topics = args.resources.filter((r) => r.type === MONITORING_TYPES.snsTopic && typeof r.props.name === "string" && r.props.name.endsWith(alertTopicNameSuffix));
  if (topics.length === 0) {
    reportViolation(`The stack has ${alarms.length} CloudWatch alarm(s) but no SNS topic named *${alertTopicNameSuffix} for them to notify. Build the AWS foundation's AlertTopics (stacks/compose/network.ts).`);
    return;
  }
  for (const alarm of alarms) {
    if (alarm.props.actionsEnabled === false) {
      reportViolation(`Alarm "${alarm.name}" has actionsEnabled false: it would notify nobody. Remove actionsEnabled (default true).`, alarm.urn);
      continue;
    }
    const missing = ACTION_FIELDS.filter((field) => !topics.some((t) => notifies(alarm, field, t)));
    if (missing.length > 0) {
      reportViolation(`Alarm "${alarm.name}" does not notify the alert topic in ${missing.join(" and ")}. Put AwsSharedOutputs.alertTopicArn in both alarmActions and okActions (components/monitoring/alarms.ts countAlarm does).`, alarm.urn);
    }
  }
}

export const monitoringAlarmActions: StackValidationPolicy = {
  name: "monitoring-alarm-actions",
  description: "Every CloudWatch alarm notifies the alert topic when it fires and when it clears.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateAlarmActions,
};
