import { AUD_KEY, GITHUB_OIDC_HOST, STS_AUDIENCE, SUB_KEY } from "../../policies/lib/github-oidc";
import type { ConfigIssue } from "../shared/errors";
import { type PolicyDocument, policyDocument } from "../shared/iam";

/**
 * Trust policies for roles GitHub Actions assumes through OIDC (GitHub Docs, "Configuring OpenID
 * Connect in Amazon Web Services"; IAM User Guide, "Create a role for OIDC federation"):
 * `sts:AssumeRoleWithWebIdentity` from the account's GitHub OIDC provider, with
 * `token.actions.githubusercontent.com:aud` = `sts.amazonaws.com` (what
 * aws-actions/configure-aws-credentials requests) AND `…:sub` equal to one exact subject.
 * StringEquals, never StringLike: a `*` or `?` in the subject would let other branches,
 * environments or repositories assume the role.
 *
 * Subjects GitHub issues (GitHub Docs, "OpenID Connect reference", example subject claims):
 * - a job bound to an environment: `repo:<owner>/<repo>:environment:<name>`
 * - a pull_request-triggered job without an environment: `repo:<owner>/<repo>:pull_request`
 * A job with `environment:` never gets the pull_request subject, so the preview jobs run without one.
 */

export { AUD_KEY, GITHUB_OIDC_HOST, STS_AUDIENCE, SUB_KEY } from "../../policies/lib/github-oidc";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;

/** GitHub owner: 1-39 letters, digits or single hyphens, not at either end. Repository: 1-100 of letters, digits, `.`, `_`, `-`. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
/** GitHub environment names (we allow the subset that needs no escaping in the `sub` claim; no `:`, no wildcards). */
export const ENVIRONMENT_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;

export type GithubSubject = { kind: "environment"; repository: string; environment: string } | { kind: "pull_request"; repository: string };

export function subjectClaim(s: GithubSubject): string {
  return s.kind === "environment" ? `repo:${s.repository}:environment:${s.environment}` : `repo:${s.repository}:pull_request`;
}

/** Why a subject could match more than one repository or environment (empty when pinned). */
export function subjectProblems(s: GithubSubject, where: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!REPOSITORY_PATTERN.test(s.repository)) {
    issues.push({ path: `${where}.repository`, problem: 'must be one exact GitHub repository "owner/name" (no wildcards)', got: s.repository });
  }
  if (s.kind === "environment" && !ENVIRONMENT_PATTERN.test(s.environment)) {
    issues.push({ path: `${where}.environment`, problem: "must be one exact GitHub environment name (letters, digits, . _ -; no wildcards)", got: s.environment });
  }
  return issues;
}

/** The trust policy of a role one GitHub subject may assume. */
export function githubTrustPolicy(providerArn: string, subject: GithubSubject): PolicyDocument {
  return policyDocument([
    {
      Sid: "GitHubActionsOidc",
      Effect: "Allow",
      Principal: { Federated: providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: subjectClaim(subject) } },
    },
  ]);
}

/** The pinning check over recorded trust documents: the pack's (policies/lib/github-oidc.ts), so both judge alike. */
export { trustPinningProblems } from "../../policies/lib/github-oidc";
