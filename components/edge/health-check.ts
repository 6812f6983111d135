import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";

export interface HealthCheckArgs {
  zoneId: pulumi.Input<string>;
  /** `[project, environment]`, for the check's name. */
  nameParts: readonly string[];
  /** Host the app answers on (sent as Host and SNI). */
  host: string;
  /** Origin address probed (Vercel's CNAME target): health checks bypass the Cloudflare proxy. */
  originAddress: string;
  /** Path of the app's health endpoint. */
  path: string;
  /** Healthy status codes. @default ["200"] */
  expectedCodes?: string[];
  /** Probe timeout (s). @default 5 */
  timeoutSeconds?: number;
  /** Failures before unhealthy. @default 2 */
  consecutiveFails?: number;
  /** Regions probing the origin; owned by the monitoring layer. @default Cloudflare's choice */
  checkRegions?: string[];
  /** Seconds between probes; owned by the monitoring layer. @default Cloudflare's (60) */
  intervalSeconds?: number;
}

/** The traffic flow's "Health Checks": HTTPS probe of the app's health endpoint. Alerts are wired by the monitoring layer. */
export class HealthCheck extends pulumi.ComponentResource {
  readonly healthCheckId: pulumi.Output<string>;
  readonly healthCheckName: pulumi.Output<string>;

  constructor(name: string, args: HealthCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:HealthCheck", name, {}, opts);
    const check = new cloudflare.Healthcheck(
      `${name}-check`,
      {
        zoneId: args.zoneId,
        name: physicalName("cloudflare-healthcheck", [...args.nameParts, "app"]),
        description: `HTTPS ${args.host}${args.path}`,
        address: args.originAddress,
        type: "HTTPS",
        httpConfig: {
          method: "GET",
          path: args.path,
          port: 443,
          expectedCodes: args.expectedCodes ?? ["200"],
          followRedirects: false,
          allowInsecure: false,
          header: { Host: [args.host] },
        },
        timeout: args.timeoutSeconds ?? 5,
        consecutiveFails: args.consecutiveFails ?? 2,
        checkRegions: args.checkRegions,
        interval: args.intervalSeconds,
      },
      { parent: this },
    );
    this.healthCheckId = check.id;
    this.healthCheckName = check.name;
    this.registerOutputs({ healthCheckId: this.healthCheckId, healthCheckName: this.healthCheckName });
  }
}
