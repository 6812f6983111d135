import { z } from "zod";
import { ENVIRONMENT_PATTERN, REPOSITORY_PATTERN } from "../../components/ci/trust";
import type { ConfigIssue } from "../../components/shared/errors";
import { isPhysicalName } from "../../components/shared/naming";
import { arnAccount, githubOidcProviderSingleton, kmsKeyArn } from "./aws-shared";
import { safeText } from "./common";

/**
 * `promptandpause:ci` — the roles GitHub Actions assumes for this stack (components/ci). The
 * trust policies pin the repository and the GitHub environment exactly: no wildcards.
 */
export const ciConfigSchema = z.strictObject({
  /** GitHub repository `owner/name` whose workflows may assume the roles, exactly as GitHub spells it. */
  repository: safeText({ max: 140, pattern: REPOSITORY_PATTERN, problem: 'must be one exact GitHub repository "owner/name" (no wildcards: the trust policy would let other repositories in)' }),
  /**
   * The GitHub environment of this stack's deploy job (deploy.yml: `staging`, `production`). The
   * deploy role trusts `repo:<repository>:environment:<deployEnvironment>` and nothing else, so
   * the environment's protection rules (reviewers, branches) guard the role.
   */
  deployEnvironment: safeText({ max: 255, pattern: ENVIRONMENT_PATTERN, problem: "must be one exact GitHub environment name (letters, digits, . _ -; no wildcards: other environments could deploy)" }),
  /** The state bucket the bootstrap created (bootstrap/ output `stateBucket`). */
  stateBucket: safeText({
    max: 63,
    pattern: /^[a-z0-9-]+$/,
    problem: "must be an S3 bucket name: 3-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    check: (b) => (b.length >= 3 && isPhysicalName("aws-s3-bucket", b) ? undefined : "must be an S3 bucket name: 3-63 lower-case letters, digits and '-', starting and ending with a letter or digit"),
  }),
  /** ARN of the stack-secrets key the bootstrap created (bootstrap/ output `secretsKeyArn`). */
  secretsKmsKeyArn: kmsKeyArn,
  /** The account's GitHub OIDC provider: `{ create: true }` in one stack per account, `{ arn }` in the others. */
  githubOidcProvider: githubOidcProviderSingleton,
});

export type CiSettings = z.output<typeof ciConfigSchema>;

/** Cross-key checks: every ARN is in the stack's AWS account. */
export function checkCiConfig(ci: CiSettings, accountId: string | undefined): ConfigIssue[] {
  if (accountId === undefined) return [];
  const issues: ConfigIssue[] = [];
  const check = (key: string, arn: string) => {
    const account = arnAccount(arn);
    if (account !== accountId) {
      issues.push({ path: `promptandpause:ci.${key}`, problem: `must be in the stack's AWS account ${accountId} (promptandpause:aws.accountId)`, got: arn });
    }
  };
  check("secretsKmsKeyArn", ci.secretsKmsKeyArn);
  if ("arn" in ci.githubOidcProvider && ci.githubOidcProvider.arn !== undefined) check("githubOidcProvider.arn", ci.githubOidcProvider.arn);
  return issues;
}
