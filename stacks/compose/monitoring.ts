import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vercel from "@pulumiverse/vercel";
import type { EdgeOutputs } from "../../components/edge/edge";
import { bundleLogIntake } from "../../components/monitoring/log-intake-bundle";
import { Monitoring } from "../../components/monitoring/monitoring";
import type { DrainWiring } from "./app";
import type { AwsSharedOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The monitoring layer (components/monitoring) on the AWS foundation and the edge's zone.
 *
 * Creation order the shared drain secret forces (one `pulumi up` does it all, in this order):
 *   1. the drain secret (`RandomPassword` log-drain-secret) and the team's verification code (invoke);
 *   2. the log intake: Lambda (secret + code in its environment), HTTP API, ACM certificate and its
 *      Cloudflare validation record, the API domain and mapping, the DNS-only `logs.<domain>` record;
 *   3. the Vercel log drain (components/app), created with the same secret and `dependsOn` the
 *      intake's function, mapping and record, because Vercel calls the endpoint when the drain is
 *      created and refuses it unless it answers 200 with `x-vercel-verify`.
 * So stacks/platform.ts builds the edge (the zone) before the app, and the app last.
 * Caveat: a fresh ACM/DNS setup can take minutes to resolve publicly; if Vercel's verification
 * runs before `logs.<domain>` resolves, the drain fails once and the next `pulumi up` creates it.
 */
export function composeMonitoring(
  ctx: LayerContext,
  aws: AwsSharedOutputs,
  edge: EdgeOutputs,
): { drain?: DrainWiring; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const { aws: awsProvider, cloudflare, vercel: vercelProvider, random: randomProvider } = ctx.providers;
  if (!awsProvider || !cloudflare || !vercelProvider || !randomProvider) throw new Error("composeMonitoring: ctx.providers needs aws, cloudflare, vercel and random (stacks/platform.ts createProviders)");
  const namePrefix = `${config.project}-${config.environment}`;
  const m = config.monitoring;

  let intake: { code: pulumi.asset.Archive; drainSecret: pulumi.Output<string>; verificationCode: pulumi.Output<string>; retentionDays: number; concurrency?: number } | undefined;
  if (m.logIntake.enabled) {
    // Generated once, handed to both the intake (Lambda environment) and the drain (Vercel signs with it).
    const secret = new random.RandomPassword("log-drain-secret", { length: 48, special: false }, { provider: randomProvider });
    intake = {
      code: bundleLogIntake(),
      drainSecret: secret.result,
      verificationCode: vercel.getEndpointVerificationOutput({}, { provider: vercelProvider }).verificationCode,
      retentionDays: m.logIntake.retentionDays,
      ...(m.logIntake.concurrency !== undefined ? { concurrency: m.logIntake.concurrency } : {}),
    };
  }

  const monitoring = new Monitoring(
    "monitoring",
    {
      namePrefix,
      accountId: aws.accountId,
      region: aws.region,
      domain: config.domain,
      alertTopicArn: aws.alertTopicArn,
      securityTopicArn: aws.securityTopicArn,
      alertTopicKmsKeyArn: aws.alertTopicKmsKeyArn,
      permissionsBoundary: aws.roleBoundaryArn,
      cloudflare: { accountId: config.edge.accountId, zoneId: edge.zoneId, plan: config.edge.plan, healthCheckId: edge.healthCheckId },
      contacts: { operations: config.contacts.operations, security: config.contacts.security },
      ...(intake ? { logIntake: intake } : {}),
      audit: m.audit,
      threatDetection: { guardDuty: m.guardDuty, inspector: m.inspector },
      // The foundation tags its instances `Patch Group = <project>-<environment>` (stacks/compose/network.ts).
      maintenance: { patchGroups: [namePrefix] },
      thresholds: config.scale.alarms,
      protect: config.protectStatefulResources,
    },
    { providers: [awsProvider, cloudflare] },
  );

  const li = monitoring.logIntake;
  return {
    ...(li && intake ? { drain: { secret: intake.drainSecret, dependsOn: [li.dnsRecord, li.apiMapping, li] } } : {}),
    stackOutputs: {
      dashboardName: monitoring.dashboardName,
      trailArn: monitoring.trailArn,
      maintenanceWindowId: monitoring.maintenanceWindowId,
      ...(li ? { logIntakeEndpoint: li.endpoint } : {}),
    },
  };
}
