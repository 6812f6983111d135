/** Monitoring policies: a compliant stack passes, one changed field → the exact violation. */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { planned, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const TOPIC = "aws:sns/topic:Topic";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const ALERTS_ARN = "arn:aws:sns:eu-west-2:123456789012:promptandpause-prod-alerts";

const alerts = planned(TOPIC, "alerts-alerts", { name: "promptandpause-prod-alerts", arn: ALERTS_ARN });
const security = planned(TOPIC, "alerts-security", { name: "promptandpause-prod-security", arn: "arn:aws:sns:eu-west-2:123456789012:promptandpause-prod-security" });

function alarm(over: Record<string, unknown> = {}, deps: Record<string, string[]> = { alarmActions: [alerts.urn], okActions: [alerts.urn] }): PlannedResource {
  return planned(ALARM, "cache-cpu-alarm", { name: "promptandpause-prod-cache-cpu", alarmActions: [ALERTS_ARN], okActions: [ALERTS_ARN], ...over }, { propertyDependencies: deps });
}

const ALARM_URN = urnOf(ALARM, "cache-cpu-alarm");

describe("monitoring-alarm-actions", () => {
  it.each<[string, PlannedResource[], ReturnType<typeof violation>[]]>([
    ["an alarm on the alert topic (by dependency) passes", [alerts, alarm()], []],
    ["an alarm on the alert topic by literal ARN passes", [alerts, alarm({}, {})], []],
    [
      "no okActions",
      [alerts, alarm({ okActions: [] }, { alarmActions: [alerts.urn] })],
      [violation("monitoring-alarm-actions", 'Alarm "cache-cpu-alarm" does not notify the alert topic in okActions. Put AwsSharedOutputs.alertTopicArn in both alarmActions and okActions (components/monitoring/alarms.ts countAlarm does).', ALARM_URN)],
    ],
    [
      "only the security topic",
      [alerts, security, alarm({ alarmActions: [security.inputs.arn], okActions: [security.inputs.arn] }, { alarmActions: [security.urn], okActions: [security.urn] })],
      [violation("monitoring-alarm-actions", 'Alarm "cache-cpu-alarm" does not notify the alert topic in alarmActions and okActions. Put AwsSharedOutputs.alertTopicArn in both alarmActions and okActions (components/monitoring/alarms.ts countAlarm does).', ALARM_URN)],
    ],
    [
      "actions disabled",
      [alerts, alarm({ actionsEnabled: false })],
      [violation("monitoring-alarm-actions", 'Alarm "cache-cpu-alarm" has actionsEnabled false: it would notify nobody. Remove actionsEnabled (default true).', ALARM_URN)],
    ],
    [
      "no alert topic at all",
      [alarm({}, {})],
      [violation("monitoring-alarm-actions", "The stack has 1 CloudWatch alarm(s) but no SNS topic named *-alerts for them to notify. Build the AWS foundation's AlertTopics (stacks/compose/network.ts).")],
    ],
  ])("%s", async (_label, resources, expected) => {
    expect(await violationsOf("monitoring-alarm-actions", resources)).toEqual(expected);
  });
});

describe("maintenance-window-work", () => {
  const window = planned(WINDOW, "monitoring-maintenance-window", { schedule: "cron(0 2 ? * SUN#1 *)", id: "mw-0123456789abcdef0" });
  const target = planned(TARGET, "monitoring-maintenance-target", { windowId: "mw-0123456789abcdef0", resourceType: "INSTANCE" }, { propertyDependencies: { windowId: [window.urn] } });
  const task = (deps: Record<string, string[]> = { windowId: [window.urn], targets: [target.urn] }) =>
    planned(TASK, "monitoring-maintenance-patch", { windowId: "mw-0123456789abcdef0", taskArn: "AWS-RunPatchBaseline" }, { propertyDependencies: deps });
  const W = urnOf(WINDOW, "monitoring-maintenance-window");

  it.each<[string, PlannedResource[], ReturnType<typeof violation>[]]>([
    ["a window with a target and a task on it passes", [window, target, task()], []],
    ["no task", [window, target], [violation("maintenance-window-work", 'Maintenance window "monitoring-maintenance-window" has no task. Add an aws.ssm.MaintenanceWindowTask (e.g. AWS-RunPatchBaseline).', W)]],
    [
      "no target",
      [window, task({ windowId: [window.urn] })],
      [violation("maintenance-window-work", 'Maintenance window "monitoring-maintenance-window" has no target. Add an aws.ssm.MaintenanceWindowTarget (e.g. instances by their Patch Group tag).', W)],
    ],
    [
      "a task on no target of the window",
      [window, target, task({ windowId: [window.urn] })],
      [
        violation(
          "maintenance-window-work",
          'Task "monitoring-maintenance-patch" of maintenance window "monitoring-maintenance-window" runs on none of the window\'s targets. Set targets to [{ key: "WindowTargetIds", values: [<target>.id] }].',
          urnOf(TASK, "monitoring-maintenance-patch"),
        ),
      ],
    ],
  ])("%s", async (_label, resources, expected) => {
    expect(await violationsOf("maintenance-window-work", resources)).toEqual(expected);
  });
});
