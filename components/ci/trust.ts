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

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** The audience configure-aws-credentials asks GitHub for (its `audience` input's default). */
export const STS_AUDIENCE = "sts.amazonaws.com";

export const AUD_KEY = `${GITHUB_OIDC_HOST}:aud`;
export const SUB_KEY = `${GITHUB_OIDC_HOST}:sub`;

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

/**
 * Checks a recorded trust policy that trusts GitHub's OIDC provider: every statement federating
 * to it pins aud and sub with StringEquals to wildcard-free values, and nothing else (StringLike,
 * ForAnyValue, …) mentions sub. Returns one problem per violation (empty when pinned). Used by the
 * tests over recorded resources and by the policy pack's counterpart.
 */
export function trustPinningProblems(doc: PolicyDocument, expectedSubject?: string): string[] {
  const problems: string[] = [];
  for (const [i, s] of doc.Statement.entries()) {
    const federated = s.Principal && s.Principal !== "*" ? ([] as string[]).concat(s.Principal.Federated ?? []) : [];
    if (!federated.some((p) => p.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`))) continue;
    const label = `statement ${s.Sid ?? i}`;
    if (s.Effect !== "Allow") continue;
    const eq = s.Condition?.StringEquals ?? {};
    const aud = eq[AUD_KEY];
    const sub = eq[SUB_KEY];
    if (aud !== STS_AUDIENCE) problems.push(`${label}: ${AUD_KEY} must be StringEquals "${STS_AUDIENCE}" (got ${JSON.stringify(aud)})`);
    if (typeof sub !== "string") problems.push(`${label}: ${SUB_KEY} must be StringEquals one subject (got ${JSON.stringify(sub)})`);
    else if (/[*?]/.test(sub)) problems.push(`${label}: ${SUB_KEY} contains a wildcard (${sub})`);
    else if (expectedSubject !== undefined && sub !== expectedSubject) problems.push(`${label}: ${SUB_KEY} is ${sub}, expected ${expectedSubject}`);
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
      if (operator !== "StringEquals" && Object.keys(keys).some((k) => k === SUB_KEY || k === AUD_KEY)) {
        problems.push(`${label}: ${operator} on ${Object.keys(keys).join(", ")} widens the trust; use StringEquals only`);
      }
    }
  }
  return problems;
}
