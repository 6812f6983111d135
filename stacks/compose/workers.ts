import type * as pulumi from "@pulumi/pulumi";
import { ImageRepository } from "../../components/app/image-repository";
import { VercelQueueRole } from "../../components/app/vercel-queue-role";
import { WorkQueue } from "../../components/app/work-queue";
import { Workers } from "../../components/app/workers";
import { GUIDE } from "../guide";
import { workersEnabled } from "../schema/cache";
import { AI_PROVIDERS } from "../secrets";
import { AI_KEY_ENV_VARS, vercelProjectName } from "./app";
import type { AwsSharedOutputs, CacheOutputs, DatabaseOutputs, NetworkOutputs, WorkQueueOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The guide's application instances: the ECR repository always (an image must be pushed before
 * its digest can be configured), and with `workers.enabled` the work queue, the role the Vercel
 * app assumes to enqueue, and the Fargate service scaled by the preset within the guide's
 * auto-scaling numbers.
 */
export function composeWorkers(
  ctx: LayerContext,
  shared: AwsSharedOutputs,
  network: NetworkOutputs,
  database: DatabaseOutputs,
  cache: CacheOutputs,
): { queue?: WorkQueueOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeWorkers: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const namePrefix = `${config.project}-${config.environment}`;
  const opts = { providers: [aws] };

  const repo = new ImageRepository("workers-images", { namePrefix }, opts);
  if (!workersEnabled(config.workers) || !config.workers.imageDigest) return { stackOutputs: { workerRepositoryUrl: repo.repositoryUrl, workersEnabled: false } };

  const appSg = network.securityGroupIds.application;
  if (!appSg) throw new Error('composeWorkers: the application segment has no security group (composeNetwork must list "application" when the workers run)');
  const queue = new WorkQueue("work", { namePrefix, alertTopicArn: shared.alertTopicArn }, opts);
  const role = new VercelQueueRole(
    "vercel-enqueue",
    { namePrefix, teamSlug: config.app.team, projectName: vercelProjectName(config), environments: [...config.app.secretTargets], queueArn: queue.queueArn, permissionsBoundary: shared.roleBoundaryArn },
    opts,
  );

  const secrets: Record<string, pulumi.Input<string>> = {
    SUPABASE_SECRET_KEY: database.secretKey,
    RESEND_API_KEY: config.secrets.required.resendApiKey,
    // Inside the VPC the workers always use ElastiCache.
    REDIS_URL: cache.url,
  };
  for (const provider of AI_PROVIDERS) {
    const key = config.secrets.aiApiKeys[provider];
    if (config.app.aiProviders.includes(provider) && key) secrets[AI_KEY_ENV_VARS[provider]] = key;
  }
  const workers = new Workers(
    "workers",
    {
      namePrefix,
      accountId: shared.accountId,
      region: shared.region,
      repository: { url: repo.repositoryUrl, arn: repo.repositoryArn },
      imageDigest: config.workers.imageDigest,
      cpu: config.workers.cpu,
      memory: config.workers.memory,
      subnetIds: Object.values(network.subnetIds.application),
      securityGroupIds: [appSg],
      queue: { url: queue.queueUrl, arn: queue.queueArn },
      permissionsBoundary: shared.roleBoundaryArn,
      environment: { SUPABASE_URL: database.apiUrl, ...config.workers.environment },
      secrets,
      minTasks: config.scale.workers.minTasks,
      maxTasks: config.scale.workers.maxTasks,
      scaling: {
        targetCpuPercent: GUIDE.autoScaling.targetCpuPercent,
        targetMemoryPercent: GUIDE.autoScaling.targetMemoryPercent,
        scaleOutCooldownSeconds: GUIDE.autoScaling.scaleUpCooldownSeconds,
        scaleInCooldownSeconds: GUIDE.autoScaling.scaleDownCooldownSeconds,
      },
      logRetentionDays: config.workers.logRetentionDays,
      scalePreset: config.scalePreset,
    },
    opts,
  );
  return {
    queue: { roleArn: role.roleArn, queueUrl: queue.queueUrl, region: shared.region },
    stackOutputs: {
      workerRepositoryUrl: repo.repositoryUrl,
      workersEnabled: true,
      workQueueUrl: queue.queueUrl,
      workDeadLetterQueueUrl: queue.deadLetterQueueUrl,
      vercelEnqueueRoleArn: role.roleArn,
      workersCluster: workers.clusterName,
      workersService: workers.serviceName,
    },
  };
}
