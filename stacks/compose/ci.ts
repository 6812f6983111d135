import * as pulumi from "@pulumi/pulumi";
import { CiRoles } from "../../components/ci/ci-roles";
import { GithubOidcProvider } from "../../components/ci/github-oidc";
import type { AwsSharedOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The CI layer: the account's GitHub OIDC provider (created here or referenced, by
 * `promptandpause:ci.githubOidcProvider`) and this stack's deploy and preview roles, which write
 * workload roles only within the foundation's role boundary (`shared`). The state
 * keys the roles reach are the ones of the stack being deployed (`pulumi.getStack()`): data about
 * where this stack's state lives, not a branch on its name.
 */
export function composeCi(ctx: LayerContext, shared: AwsSharedOutputs): { githubOidcProviderArn: pulumi.Output<string>; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeCi: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const opts = { providers: [aws] };
  const ci = config.ci;
  const oidc = new GithubOidcProvider("github-oidc", { provider: "create" in ci.githubOidcProvider ? { create: true } : { arn: ci.githubOidcProvider.arn } }, opts);
  const roles = new CiRoles(
    "ci",
    {
      accountId: config.aws.accountId,
      project: config.project,
      environment: config.environment,
      stack: pulumi.getStack(),
      repository: ci.repository,
      deployEnvironment: ci.deployEnvironment,
      oidcProviderArn: oidc.arn,
      stateBucket: ci.stateBucket,
      secretsKmsKeyArn: ci.secretsKmsKeyArn,
      roleBoundaryName: shared.roleBoundaryName,
    },
    opts,
  );
  return { githubOidcProviderArn: oidc.arn, stackOutputs: { githubOidcProviderArn: oidc.arn, deployRoleArn: roles.deployRoleArn, previewRoleArn: roles.previewRoleArn } };
}
