/**
 * The monitoring layer in a real stack (the full offline plan of Pulumi.prod.yaml; staging differs
 * by data only, and its plan runs in tests/plan): every alarm of every layer fires and clears on
 * the alert topic, the maintenance window has a target and a task on it, and the log drain shares
 * one generated secret with its own stack's intake and is created after it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkMonitoringConfig } from "../../stacks/schema/monitoring";
import { type PlannedResource, ofType, one, planStack, platformConfigFor } from "../helpers/pulumi";

const plans: Record<"prod", PlannedResource[]> = {} as never;

beforeAll(async () => {
  const outcome = await planStack("prod");
  if (outcome.kind !== "planned") throw new Error(`prod did not plan:\n${outcome.problems.join("\n")}`);
  plans.prod = outcome.resources;
});

describe("each stack's drain goes to its own intake", () => {
  it.each([
    ["staging", "https://logs.promptandpause-staging.com/vercel"],
    ["prod", "https://logs.promptandpause.com/vercel"],
  ] as const)("%s → %s", (stack, endpoint) => {
    expect(platformConfigFor(stack).app.logDrain?.endpoint).toBe(endpoint);
  });

  it("a drain pointed at another stack's host is a config error naming the fix", () => {
    const config = platformConfigFor("staging");
    const wrong = { ...config, app: { ...config.app, logDrain: { ...config.app.logDrain, endpoint: "https://logs.promptandpause.com/vercel/staging" } } };
    expect(checkMonitoringConfig(wrong as never)).toEqual([
      {
        path: "promptandpause:app.logDrain.endpoint",
        problem: "must point at this stack's own log intake (logs.promptandpause-staging.com); each stack's drain goes to its own logs.<domain>",
        got: "https://logs.promptandpause.com/vercel/staging",
        fix: "Set it to https://logs.promptandpause-staging.com/vercel.",
      },
    ]);
  });
});

describe.each([["prod", "promptandpause.com"]] as const)("%s plan", (stack, domain) => {
  const rs = () => plans[stack];
  const alertTopic = () => ofType(rs(), "aws:sns/topic:Topic").find((t) => String(t.inputs.name).endsWith("-alerts")) as PlannedResource;

  it("every alarm of every layer has alarm and OK actions on the alert topic", () => {
    const alarms = ofType(rs(), "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    const topic = alertTopic();
    for (const alarm of alarms) {
      expect(alarm.propertyDependencies.alarmActions, alarm.name).toContain(topic.urn);
      expect(alarm.propertyDependencies.okActions, alarm.name).toContain(topic.urn);
      expect(alarm.inputs.actionsEnabled, alarm.name).not.toBe(false);
    }
  });

  it("the maintenance window has a target (the foundation's patch group) and a patch task on it", () => {
    const window = one(rs(), "aws:ssm/maintenanceWindow:MaintenanceWindow");
    const targets = ofType(rs(), "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget").filter((t) => t.dependencies.includes(window.urn));
    const tasks = ofType(rs(), "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask").filter((t) => t.dependencies.includes(window.urn));
    expect(targets).toHaveLength(1);
    expect(targets[0]?.inputs.targets).toEqual([{ key: "tag:Patch Group", values: [`promptandpause-${stack}`] }]);
    expect(tasks.map((t) => t.inputs.taskArn)).toEqual(["AWS-RunPatchBaseline"]);
    expect(tasks[0]?.propertyDependencies.targets).toContain(targets[0]?.urn);
  });

  it("the drain points at this stack's own intake, after it, signed with the intake's secret", () => {
    const drain = one(rs(), "vercel:index/logDrain:LogDrain");
    expect(drain.inputs.endpoint).toBe(`https://logs.${domain}/vercel`);
    const secret = one(rs(), "random:index/randomPassword:RandomPassword", "log-drain-secret");
    expect(ofType(rs(), "random:index/randomPassword:RandomPassword").filter((r) => r.name.includes("log-drain"))).toHaveLength(1);
    expect(drain.propertyDependencies.secret).toEqual([secret.urn]);
    const fn = one(rs(), "aws:lambda/function:Function", "log-intake-function");
    expect(fn.propertyDependencies.environment).toContain(secret.urn);
    const record = ofType(rs(), "cloudflare:index/dnsRecord:DnsRecord").find((r) => r.inputs.name === `logs.${domain}`) as PlannedResource;
    expect(record.inputs.proxied).toBe(false);
    expect(drain.dependencies).toEqual(expect.arrayContaining([record.urn, one(rs(), "aws:apigatewayv2/apiMapping:ApiMapping").urn, fn.urn]));
  });
});
