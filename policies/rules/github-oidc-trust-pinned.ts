/**
 * github-oidc-trust-pinned: every IAM role GitHub Actions may assume (its trust federates to the
 * account's `token.actions.githubusercontent.com` provider) pins the audience `sts.amazonaws.com`
 * and one exact subject (`repo:<owner>/<repo>:environment:<name>` or `…:pull_request`) with
 * StringEquals. Without it, other repositories, branches or environments could assume the role.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import { federatesToGithub, STS_AUDIENCE, trustPinningProblems } from "../lib/github-oidc";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    audience: {
      type: "string",
      description: "The audience the roles must pin (aws-actions/configure-aws-credentials requests sts.amazonaws.com).",
      default: STS_AUDIENCE,
    },
  },
} as const;

export function validateGithubTrust(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const text = args.type === AWS_TYPES.role ? args.props.assumeRolePolicy : undefined;
  let doc: unknown;
  try {
    doc = typeof text === "string" ? JSON.parse(text) : text;
  } catch {
    doc = undefined;
  }
  const statements = (doc as { Statement?: unknown } | undefined)?.Statement;
  const trustsGithub = (Array.isArray(statements) ? statements : [statements]).some((s) => s && federatesToGithub(s as object));
  if (!trustsGithub) {
    args.notApplicable("Policy only applies to IAM roles that trust GitHub's OIDC provider.");
    return;
  }
  const { audience } = configFrom<{ audience: string }>(configSchema, args);
  for (const problem of trustPinningProblems(doc, undefined, audience)) {
    reportViolation(`${args.name}: the trust policy's ${problem}. Pin aud = ${audience} and sub = repo:<owner>/<repo>:environment:<name> (or :pull_request) with StringEquals.`);
  }
}

export const githubOidcTrustPinned: ResourceValidationPolicy = {
  name: "github-oidc-trust-pinned",
  description: "Roles GitHub Actions assumes through OIDC trust one exact repository and environment (StringEquals on aud and sub, no wildcards).",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateGithubTrust,
};
