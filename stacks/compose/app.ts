import * as pulumi from "@pulumi/pulumi";
import { App, DEFAULT_HEALTH_CHECK_PATH, VERCEL_DNS_TARGETS, VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES } from "../../components/app/app";
import type { EnvVarSpec, VercelTarget } from "../../components/app/env-vars";
import { physicalName } from "../../components/shared/naming";
import type { PlatformConfig } from "../config";
import { resolveFunctionRegions } from "../schema/app";
import { AI_PROVIDERS, type AiProvider } from "../secrets";
import type { AppOutputs, CacheOutputs, DatabaseOutputs, WorkQueueOutputs } from "./contracts";
import type { LayerContext } from "./types";

/** The env var each AI provider's SDK reads its key from (Vercel AI SDK conventions). */
export const AI_KEY_ENV_VARS: Record<AiProvider, string> = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  google: "GOOGLE_GENERATIVE_AI_API_KEY",
};

const ALL_TARGETS: VercelTarget[] = ["production", "preview", "development"];

/**
 * The app's environment variables, from the database layer's outputs (the guide's
 * `@supabase_url` / `@supabase_anon_key`) and the stack's secrets. Values stay Outputs: secret
 * ones are secret Outputs and are never turned into strings here.
 * `STRIPE_WEBHOOK_SECRET` is added by the App component from the endpoint it creates.
 */
export function appEnvironmentVariables(config: PlatformConfig, database: DatabaseOutputs, tier: AppTierInputs = {}): EnvVarSpec[] {
  const secretTargets: VercelTarget[] = [...config.app.secretTargets];
  const secret = (key: string, value: pulumi.Output<string>, comment: string): EnvVarSpec => ({ key, value: pulumi.secret(value), targets: secretTargets, secret: true, comment });
  const publicVar = (key: string, value: pulumi.Input<string>, comment: string): EnvVarSpec => ({ key, value, targets: ALL_TARGETS, secret: false, comment });

  const vars: EnvVarSpec[] = [
    publicVar("NEXT_PUBLIC_SUPABASE_URL", database.apiUrl, "Supabase API URL (database layer)"),
    // Public by design: the publishable key only grants what row-level security allows.
    publicVar("NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", database.publishableKey, "Supabase publishable key, public by design, protected by RLS (database layer)"),
    publicVar("NEXT_PUBLIC_SITE_URL", `https://${config.domain}`, "Canonical site URL"),
    secret("SUPABASE_SECRET_KEY", database.secretKey, "Supabase secret key (service role), bypasses RLS: server only (database layer)"),
    secret("STRIPE_SECRET_KEY", config.secrets.required.stripeSecretKey, "Stripe secret key (promptandpause:stripeSecretKey)"),
    secret("RESEND_API_KEY", config.secrets.required.resendApiKey, "Resend API key (promptandpause:resendApiKey)"),
    tier.cache
      ? secret("REDIS_URL", tier.cache.appRedisUrl, config.app.secureCompute ? "ElastiCache URL with its AUTH token, through Vercel Secure Compute (cache layer)" : "Serverless Redis URL with password (promptandpause:redisUrl)")
      : secret("REDIS_URL", requireRedisUrl(config), "Serverless Redis URL with password (promptandpause:redisUrl)"),
  ];
  if (tier.queue) {
    // Not secrets: the role is only assumable with this project's Vercel OIDC token.
    const queueVar = (key: string, value: pulumi.Input<string>, comment: string): EnvVarSpec => ({ key, value, targets: secretTargets, secret: false, comment });
    vars.push(
      queueVar("AWS_ROLE_ARN", tier.queue.roleArn, "Role the app assumes with its Vercel OIDC token to enqueue (workers layer)"),
      queueVar("WORK_QUEUE_URL", tier.queue.queueUrl, "SQS queue the workers consume (workers layer)"),
      queueVar("AWS_REGION", tier.queue.region, "AWS region of the queue (overrides the function region's preset AWS_REGION)"),
    );
  }
  for (const provider of AI_PROVIDERS) {
    if (!config.app.aiProviders.includes(provider)) continue;
    const key = config.secrets.aiApiKeys[provider];
    if (!key) throw new Error(`app: promptandpause:${provider}ApiKey is missing although app.aiProviders lists "${provider}" (the config loader should have refused this).`);
    vars.push(secret(AI_KEY_ENV_VARS[provider], key, `${provider} API key (promptandpause:${provider}ApiKey)`));
  }
  for (const [key, value] of Object.entries(config.app.publicEnv)) {
    vars.push(publicVar(key, value, "From promptandpause:app.publicEnv"));
  }
  return vars;
}

/** What the AWS layers hand the app: the Redis it uses and, with the workers, the queue it enqueues into. */
export interface AppTierInputs {
  cache?: CacheOutputs;
  queue?: WorkQueueOutputs;
}

function requireRedisUrl(config: PlatformConfig): pulumi.Output<string> {
  if (!config.secrets.redisUrl) throw new Error("app: no REDIS_URL: promptandpause:redisUrl is not set and no cache layer output was passed (the config loader should have refused this).");
  return config.secrets.redisUrl;
}

/** The Vercel project's name: configured, else `<project>-<environment>` (Vercel's OIDC `sub` names it too). */
export function vercelProjectName(config: PlatformConfig): string {
  return config.app.projectName ?? physicalName("vercel-project", [config.project, config.environment]);
}

/**
 * What the edge needs from the app, known before the Vercel project exists (constants and
 * config): so the edge (and the log intake on its zone) can be built before the app, whose log
 * drain must wait for the intake.
 */
export function appEdgeFacts(config: PlatformConfig): AppEdgeFacts {
  return { dnsTargets: { ...VERCEL_DNS_TARGETS }, healthCheckPath: DEFAULT_HEALTH_CHECK_PATH, webhookPaths: [config.app.stripe.webhookPath], maxRequestBodyBytes: VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES };
}

/** The part of AppOutputs that is constants and config (what the edge reads). */
export type AppEdgeFacts = Pick<AppOutputs, "dnsTargets" | "healthCheckPath" | "webhookPaths" | "maxRequestBodyBytes">;

/** The log drain's wiring to an intake built in this program (stacks/compose/monitoring.ts). */
export interface DrainWiring {
  /** The signing secret both sides share. Secret. */
  secret: pulumi.Input<string>;
  /** What must exist before Vercel verifies the endpoint. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The app layer: the Vercel project and everything around it, fed by the database layer. */
export function composeApp(
  ctx: LayerContext,
  database: DatabaseOutputs,
  tier: AppTierInputs = {},
  drain?: DrainWiring,
): { outputs: AppOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const vercelProvider = ctx.providers.vercel;
  if (!vercelProvider) throw new Error("app: ctx.providers.vercel is missing (stacks/platform.ts createProviders)");
  const randomProvider = ctx.providers.random;
  if (!randomProvider) throw new Error("app: ctx.providers.random is missing (stacks/platform.ts createProviders)");

  const projectName = vercelProjectName(config);
  const app = new App(
    "app",
    {
      projectName,
      domain: config.domain,
      gitRepository: config.app.gitRepository,
      productionBranch: config.app.productionBranch,
      rootDirectory: config.app.rootDirectory,
      nodeVersion: config.app.nodeVersion,
      functionMaxDurationSeconds: config.app.functionMaxDurationSeconds,
      functionRegions: resolveFunctionRegions(config.app, config.database.region),
      functionCpuType: config.scale.app.functionCpuType,
      deploymentProtection: config.app.deploymentProtection,
      skewProtection: config.app.skewProtection,
      environmentVariables: appEnvironmentVariables(config, database, tier),
      stripe: {
        apiKey: config.secrets.required.stripeSecretKey,
        webhookPath: config.app.stripe.webhookPath,
        events: config.app.stripe.events,
        apiVersion: config.app.stripe.apiVersion,
        secretTargets: [...config.app.secretTargets],
      },
      ...(config.app.logDrain ? { logDrain: { ...config.app.logDrain, ...(drain ? { secret: drain.secret, dependsOn: drain.dependsOn } : {}) } } : {}),
    },
    { providers: [vercelProvider, randomProvider] },
  );

  const outputs: AppOutputs = { ...appEdgeFacts(config), projectId: app.projectId, domains: app.domains, healthCheckPath: app.healthCheckPath };
  return {
    outputs,
    stackOutputs: {
      projectId: app.projectId,
      projectName: app.projectName,
      productionUrl: app.productionUrl,
      domains: app.domains,
      stripeWebhookUrl: app.stripeWebhookUrl,
      stripeWebhookEndpointId: app.stripeWebhookEndpointId,
      // Set it as `x-vercel-verify` on the aggregator's 200 response before enabling app.logDrain.
      logDrainVerificationCode: app.logDrainVerificationCode,
      ...(app.logDrainId && app.logDrainSecret ? { logDrainId: app.logDrainId, logDrainSecret: app.logDrainSecret } : {}),
    },
  };
}
