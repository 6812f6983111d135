import type * as pulumi from "@pulumi/pulumi";
import { Backups } from "../../components/backups/backups";
import type { AwsSharedOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The backups layer (components/backups): bucket + DR replica, the GitHub Actions job roles and
 * the heartbeat/drill alarms, from `promptandpause:backups`. The stack outputs are what
 * .github/workflows/backup.yml needs as environment variables (docs/runbooks/backups.md).
 *
 * `githubOidcProviderArn`: the account's GitHub OIDC provider. Until the CI-roles layer hands
 * its resource's ARN over, the documented ARN of that provider is used
 * (`arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`).
 */
export function composeBackups(
  ctx: LayerContext,
  shared: AwsSharedOutputs,
  githubOidcProviderArn: pulumi.Input<string> = `arn:aws:iam::${shared.accountId}:oidc-provider/token.actions.githubusercontent.com`,
): { stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeBackups: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const b = config.backups;
  const backups = new Backups(
    "backups",
    {
      accountId: shared.accountId,
      region: shared.region,
      drRegion: shared.drRegion,
      namePrefix: `${config.project}-${config.environment}`,
      stack: config.environment,
      retention: b.retention,
      volume: b.volume,
      prices: b.prices,
      githubOidcProviderArn,
      repository: b.github.repository ?? config.ci.repository,
      githubEnvironment: b.github.environment ?? `backup-${config.environment}`,
      alertTopicArn: shared.alertTopicArn,
      permissionsBoundary: shared.roleBoundaryArn,
      drillRestoreAlarmMinutes: b.drillRestoreAlarmMinutes,
      protect: config.protectStatefulResources,
    },
    { providers: [aws] },
  );
  return {
    stackOutputs: {
      bucketName: backups.bucketName,
      replicaBucketName: backups.replicaBucketName,
      kmsKeyArn: backups.kmsKeyArn,
      writerRoleArn: backups.writerRoleArn,
      drillRoleArn: backups.drillRoleArn,
      estimatedMonthlyCostUsd: backups.estimatedMonthlyCostUsd,
    },
  };
}
