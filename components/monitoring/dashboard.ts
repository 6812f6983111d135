import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";

export interface DashboardArgs {
  namePrefix: string;
  region: string;
  /** Every alarm to show (all layers'); the alarm-status widget holds up to 100. */
  alarmArns: readonly pulumi.Input<string>[];
  /** Namespace of the platform's log metrics (AppErrors, FailedSignIns, CloudTrail counts). */
  metricNamespace: string;
  /** The log intake's function and API, when the stack has one. */
  intake?: { functionName: pulumi.Input<string>; apiId: pulumi.Input<string> };
}

/** CloudWatch dashboard widget limits (CloudWatch "Dashboard Body Structure and Syntax"): 24 columns wide, alarm widget ≤ 100 alarms. */
const MAX_ALARMS_PER_WIDGET = 100;

/**
 * One dashboard per stack: alarm states of every layer, the app's error and failed-sign-in
 * counts, the AWS security counts, and the log intake's traffic. Cost: $3 per dashboard-month
 * beyond the first three in an account.
 */
export class MonitoringDashboard extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:monitoring:Dashboard", name, {}, opts);
    const ns = args.metricNamespace;
    const metric = (title: string, metrics: unknown[][], x: number, y: number) => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: args.region, stat: "Sum", period: 300, view: "timeSeries", metrics },
    });
    const widgets: unknown[] = [];
    for (let i = 0; i < args.alarmArns.length; i += MAX_ALARMS_PER_WIDGET) {
      widgets.push({ type: "alarm", x: 0, y: widgets.length * 6, width: 24, height: 6, properties: { title: "Alarms (every layer)", alarms: args.alarmArns.slice(i, i + MAX_ALARMS_PER_WIDGET) } });
    }
    const y = widgets.length * 6;
    widgets.push(metric("App errors and failed sign-ins (log intake)", [[ns, "AppErrors"], [ns, "FailedSignIns"]], 0, y));
    widgets.push(metric("AWS account security (CloudTrail)", [[ns, "ConsoleSignInFailures"], [ns, "UnauthorizedApiCalls"], [ns, "RootAccountUsage"]], 12, y));
    if (args.intake) {
      widgets.push(
        metric("Log intake function", [["AWS/Lambda", "Invocations", "FunctionName", args.intake.functionName], ["AWS/Lambda", "Errors", "FunctionName", args.intake.functionName], ["AWS/Lambda", "Throttles", "FunctionName", args.intake.functionName]], 0, y + 6),
        metric("Log intake API", [["AWS/ApiGateway", "Count", "ApiId", args.intake.apiId, "Stage", "$default"], ["AWS/ApiGateway", "5xx", "ApiId", args.intake.apiId, "Stage", "$default"], ["AWS/ApiGateway", "4xx", "ApiId", args.intake.apiId, "Stage", "$default"]], 12, y + 6),
      );
    }
    const dashboard = new cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: physicalName("aws-dashboard", [args.namePrefix, "platform"]), dashboardBody: pulumi.jsonStringify({ widgets }) },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
