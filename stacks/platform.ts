import * as awsProvider from "@pulumi/aws/provider";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vercel from "@pulumiverse/vercel";
import { appEdgeFacts, composeApp } from "./compose/app";
import { composeCache } from "./compose/cache";
import { composeBackups } from "./compose/backups";
import { composeCi } from "./compose/ci";
import { composeDatabase } from "./compose/database";
import { composeEdge } from "./compose/edge";
import { composeMonitoring } from "./compose/monitoring";
import { composeNetwork } from "./compose/network";
import { composeWorkers } from "./compose/workers";
import { workersEnabled } from "./schema/cache";
import { composeVpn } from "./compose/vpn";
import type { LayerContext } from "./compose/types";
import { platformTags } from "../components/shared/tags";
import type { PlatformConfig } from "./config";

/**
 * The whole platform for one stack: explicit providers, then the layers in dependency order —
 * AWS foundation → database (Supabase) → edge (Cloudflare; needs only the app's constants) →
 * monitoring (on the foundation's topics and the edge's zone) → app (Vercel, fed by the
 * database's URL and keys; its log drain waits for the monitoring layer's intake). Returns the
 * stack outputs.
 */
export function buildPlatform(config: PlatformConfig) {
  const providers = createProviders(config);
  const ctx: LayerContext = { config, providers };

  // The cache (database segment) always exists; the workers add the application segment.
  const aws = composeNetwork(ctx, workersEnabled(config.workers) ? ["application", "database"] : ["database"]);
  const vpn = composeVpn(ctx, aws.shared, aws.network);
  const database = composeDatabase(ctx);
  const cache = composeCache(ctx, aws.shared, aws.network);
  const workers = composeWorkers(ctx, aws.shared, aws.network, database.outputs, cache.outputs);
  // The edge needs only the app's constants, so it comes first: the log intake lives on its zone,
  // and the app's log drain must wait for the intake (stacks/compose/monitoring.ts).
  const edge = composeEdge(ctx, appEdgeFacts(config));
  const monitoring = composeMonitoring(ctx, aws.shared, edge.outputs);
  const app = composeApp(ctx, database.outputs, { cache: cache.outputs, queue: workers.queue }, monitoring.drain);
  const ci = composeCi(ctx, aws.shared);
  const backups = composeBackups(ctx, aws.shared, ci.githubOidcProviderArn);

  return {
    environment: config.environment,
    scalePreset: config.scalePreset,
    database: database.stackOutputs,
    app: app.stackOutputs,
    edge: edge.stackOutputs,
    aws: { ...aws.stackOutputs, ...cache.stackOutputs, ...workers.stackOutputs },
    vpn: vpn.stackOutputs,
    ci: ci.stackOutputs,
    backups: backups.stackOutputs,
    monitoring: monitoring.stackOutputs,
  };
}

/**
 * One explicit provider per cloud, configured from validated config. Default providers are
 * disabled in Pulumi.yaml, so a resource that forgets its provider fails loudly instead of
 * silently using ambient credentials.
 */
function createProviders(config: PlatformConfig): Record<string, pulumi.ProviderResource> {
  const secrets = config.secrets.required;
  return {
    cloudflare: new cloudflare.Provider("cloudflare", { apiToken: secrets.cloudflareApiToken }),
    vercel: new vercel.Provider("vercel", { apiToken: secrets.vercelApiToken, team: config.app.team }),
    // Credentials come from the environment (CI: GitHub OIDC role); the provider refuses any
    // account but the stack's, and tags every resource it can with the platform's tags.
    aws: new awsProvider.Provider("aws", {
      region: config.aws.region,
      allowedAccountIds: [config.aws.accountId],
      defaultTags: { tags: platformTags(config.project, config.environment) },
    }),
    // Generated secrets (database password, log drain signing secret) are made locally.
    random: new random.Provider("random"),
  };
}
