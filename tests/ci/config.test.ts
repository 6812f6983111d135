/**
 * `promptandpause:ci` and the account-singleton shape: every bad value is refused with the key,
 * the value and the fix, and a wildcard in the repository or environment never gets through.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatIssue } from "../../components/shared/errors";
import { zodIssuesToConfigIssues } from "../../stacks/config";
import { accountSingleton, guardDutyDetectorSingleton, githubOidcProviderSingleton } from "../../stacks/schema/aws-shared";
import { checkCiConfig, ciConfigSchema } from "../../stacks/schema/ci";

const ACCOUNT = "123456789012";
const valid = {
  repository: "promptandpause/infra",
  deployEnvironment: "staging",
  stateBucket: "promptandpause-pulumi-state-123456789012",
  secretsKmsKeyArn: `arn:aws:kms:eu-west-2:${ACCOUNT}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`,
  githubOidcProvider: { create: true },
};

/** Messages as the plan prints them for `promptandpause:ci`. */
function messages(ci: unknown): string[] {
  const wrapped = z.strictObject({ ci: ciConfigSchema }).safeParse({ ci });
  return wrapped.success ? [] : zodIssuesToConfigIssues(wrapped.error.issues, { ci }).map(formatIssue);
}

describe("promptandpause:ci", () => {
  it("accepts the documented shape, creating or referencing the OIDC provider", () => {
    expect(messages(valid)).toEqual([]);
    expect(messages({ ...valid, githubOidcProvider: { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` } })).toEqual([]);
  });

  it.each([
    [{ repository: "promptandpause/*" }, 'promptandpause:ci.repository: must be one exact GitHub repository "owner/name" (no wildcards: the trust policy would let other repositories in) (got "promptandpause/*").'],
    [{ repository: "promptandpause" }, "promptandpause:ci.repository: must be one exact GitHub repository"],
    [{ repository: "-bad/infra" }, "promptandpause:ci.repository: must be one exact GitHub repository"],
    [{ deployEnvironment: "*" }, 'promptandpause:ci.deployEnvironment: must be one exact GitHub environment name (letters, digits, . _ -; no wildcards: other environments could deploy) (got "*").'],
    [{ deployEnvironment: "prod?" }, "promptandpause:ci.deployEnvironment: must be one exact GitHub environment name"],
    [{ deployEnvironment: "staging:ref:refs/heads/main" }, "promptandpause:ci.deployEnvironment: must be one exact GitHub environment name"],
    [{ stateBucket: "Promptandpause_State" }, "promptandpause:ci.stateBucket: must be an S3 bucket name"],
    [{ stateBucket: "ab" }, "promptandpause:ci.stateBucket: must be an S3 bucket name"],
    [{ secretsKmsKeyArn: "alias/promptandpause-pulumi" }, "promptandpause:ci.secretsKmsKeyArn: must be a KMS key ARN"],
    [{ secretsKmsKeyArn: `arn:aws:kms:eu-west-2:${ACCOUNT}:alias/promptandpause-pulumi` }, "promptandpause:ci.secretsKmsKeyArn: must be a KMS key ARN"],
    [{ githubOidcProvider: {} }, 'promptandpause:ci.githubOidcProvider: must be { create: true } (this stack creates the GitHub OIDC provider) or { arn: "…" } (another stack in the account created it)'],
    [{ githubOidcProvider: { create: false } }, "promptandpause:ci.githubOidcProvider.create: must be one of true (got false)"],
    [{ githubOidcProvider: { create: true, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` } }, "promptandpause:ci.githubOidcProvider: set either create: true (this stack creates the GitHub OIDC provider) or arn (another stack in the account created it), not both"],
    [{ githubOidcProvider: { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` } }, "promptandpause:ci.githubOidcProvider.arn: must be the ARN of the account's GitHub OIDC provider"],
    [{ githubOidcProvider: { id: "x" } }, "promptandpause:ci.githubOidcProvider.id: unknown key"],
    [{ subject: "repo:*" }, "promptandpause:ci.subject: unknown key"],
  ])("refuses %o", (override, expected) => {
    const out = messages({ ...valid, ...override });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((m) => m.startsWith("promptandpause:ci."))).toBe(true);
    expect(out.join("\n")).toContain(expected);
  });

  it("reports every bad key at once", () => {
    expect(messages({ ...valid, repository: "*", deployEnvironment: "*", stateBucket: "X" })).toHaveLength(3);
  });

  it("cross-checks that the key and the referenced provider are in the stack's account", () => {
    const other = "210987654321";
    const ci = ciConfigSchema.parse({ ...valid, secretsKmsKeyArn: valid.secretsKmsKeyArn.replace(ACCOUNT, other), githubOidcProvider: { arn: `arn:aws:iam::${other}:oidc-provider/token.actions.githubusercontent.com` } });
    expect(checkCiConfig(ci, ACCOUNT).map(formatIssue)).toEqual([
      `promptandpause:ci.secretsKmsKeyArn: must be in the stack's AWS account ${ACCOUNT} (promptandpause:aws.accountId) (got "arn:aws:kms:eu-west-2:${other}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d").`,
      `promptandpause:ci.githubOidcProvider.arn: must be in the stack's AWS account ${ACCOUNT} (promptandpause:aws.accountId) (got "arn:aws:iam::${other}:oidc-provider/token.actions.githubusercontent.com").`,
    ]);
    expect(checkCiConfig(ciConfigSchema.parse(valid), ACCOUNT)).toEqual([]);
  });
});

describe("accountSingleton (shared with the GuardDuty detector)", () => {
  it.each([
    [{ create: true }, true],
    [{ id: "0123456789abcdef0123456789abcdef" }, true],
    [{ id: "0123456789ABCDEF0123456789ABCDEF" }, false],
    [{}, false],
    [{ create: true, id: "0123456789abcdef0123456789abcdef" }, false],
    [{ arn: "x" }, false],
  ])("GuardDuty detector %o → valid %s", (value, ok) => {
    expect(guardDutyDetectorSingleton.safeParse(value).success).toBe(ok);
  });

  it("parses to the same two shapes for any reference key", () => {
    expect(githubOidcProviderSingleton.parse({ create: true })).toEqual({ create: true });
    const custom = accountSingleton("id", z.string().regex(/^d-[0-9]+$/), "the thing");
    expect(custom.parse({ id: "d-1" })).toEqual({ id: "d-1" });
  });
});
