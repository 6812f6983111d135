import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { type PolicyDocument, wildcardActionProblems } from "../shared/iam";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import type { PolicyGroup } from "./aws-actions";
import { groupPolicies, roleRulesPolicy, selfGuardPolicy, statePolicy } from "./role-policies";
import { type CiRoleKind, ciRoleName } from "./state-access";
import { type GithubSubject, githubTrustPolicy, subjectProblems } from "./trust";

export interface CiRolesArgs {
  /** AWS account the roles live in (12 digits); names the roles' and policies' ARNs in the guard. */
  accountId: string;
  /** AWS partition. @default "aws" */
  partition?: string;
  /** Project and environment label: the roles' fixed names (`<project>-<environment>-ci-deploy`). */
  project: string;
  environment: string;
  /** The Pulumi stack whose state the roles may read (preview) or write (deploy). */
  stack: string;
  /** GitHub repository `owner/name`, exactly as GitHub spells it (the `sub` claim is compared case-sensitively). */
  repository: string;
  /** The GitHub environment the deploy job runs in (`environment:` of the job); the only subject the deploy role trusts. */
  deployEnvironment: string;
  /** ARN of the account's GitHub OIDC provider (GithubOidcProvider.arn). */
  oidcProviderArn: pulumi.Input<string>;
  /** The state bucket (bootstrap/), by name. */
  stateBucket: string;
  /** ARN of the stack-secrets KMS key (bootstrap/; the key ARN, not the alias: IAM matches key ARNs). */
  secretsKmsKeyArn: string;
  /**
   * Physical name of the stack's role boundary policy (components/aws-shared/role-boundary.ts):
   * the deploy role writes roles only while they carry it, and may never change it.
   */
  roleBoundaryName: string;
  /**
   * Longest deploy session, seconds (IAM MaxSessionDuration: 3600-43200). The workflow asks for
   * 5400 s, the deploy job's timeout. @default 7200
   */
  deploySessionSeconds?: number;
  /** Tags on the roles and policies (the provider's default tags come first). @default {} */
  tags?: Tags;
}

/**
 * The two roles GitHub Actions assumes for this stack, through the account's OIDC provider:
 *
 * - **deploy** — trusted only by `repo:<owner>/<repo>:environment:<deployEnvironment>` (the
 *   deploy job, bound to that GitHub environment and its protection rules). Reads and writes the
 *   services the platform uses (components/ci/aws-actions.ts, listed actions, no wildcards), the
 *   stack's keys in the state bucket, and decrypts/generates data keys with the secrets key. It
 *   may not change the CI roles, their policies, the OIDC provider or the role boundary (an
 *   explicit Deny), and writes or passes only the stack's own roles, only while they carry the
 *   role boundary.
 * - **preview** — trusted only by `repo:<owner>/<repo>:pull_request` (pull-request jobs without
 *   an environment). Metadata reads of the same services, read-only state, kms:Decrypt. A
 *   pull request's code runs with it, so it reads no data: no objects but the stack's state, no
 *   secret values, no parameters.
 *
 * Both trust policies use StringEquals on aud (`sts.amazonaws.com`) and sub: a wildcard in the
 * repository or environment is refused before anything is registered.
 */
export class CiRoles extends pulumi.ComponentResource {
  readonly deployRoleArn: pulumi.Output<string>;
  readonly previewRoleArn: pulumi.Output<string>;
  readonly deployRoleName: string;
  readonly previewRoleName: string;

  constructor(name: string, args: CiRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfIssues(ciRolesArgProblems(args), `CiRoles "${name}": invalid arguments`);
    super("promptandpause:ci:CiRoles", name, {}, opts);
    const partition = args.partition ?? "aws";
    const roleNames: Record<CiRoleKind, string> = {
      deploy: ciRoleName(args.project, args.environment, "deploy"),
      preview: ciRoleName(args.project, args.environment, "preview"),
    };
    const policyName = (kind: CiRoleKind, group: PolicyGroup) => physicalName("aws-iam-role", [roleNames[kind], group]);
    const state = { partition, bucket: args.stateBucket, project: args.project, stack: args.stack, secretsKmsKeyArn: args.secretsKmsKeyArn };
    const subjects: Record<CiRoleKind, GithubSubject> = {
      deploy: { kind: "environment", repository: args.repository, environment: args.deployEnvironment },
      preview: { kind: "pull_request", repository: args.repository },
    };

    const roles = {} as Record<CiRoleKind, iam.Role>;
    for (const kind of ["deploy", "preview"] as const) {
      const role = this.createRole(`${name}-${kind}`, {
        roleName: roleNames[kind],
        trust: pulumi.output(args.oidcProviderArn).apply((arn) => JSON.stringify(githubTrustPolicy(arn, subjects[kind]))),
        sessionSeconds: kind === "deploy" ? (args.deploySessionSeconds ?? 7200) : 3600,
        description: kind === "deploy" ? `pulumi up of ${args.stack} from GitHub environment ${args.deployEnvironment}` : `pulumi preview of ${args.stack} from pull requests`,
        tags: args.tags,
      });
      this.inlinePolicy(`${name}-${kind}-state`, role, "state", statePolicy(kind, state));
      for (const [group, doc] of Object.entries(groupPolicies(kind)) as [PolicyGroup, PolicyDocument][]) {
        this.managedPolicy(`${name}-${kind}-${group}`, role, policyName(kind, group), doc, args.tags);
      }
      roles[kind] = role;
    }
    this.inlinePolicy(`${name}-deploy-guard`, roles.deploy, "no-self-change", selfGuardPolicy({ partition, accountId: args.accountId, roleNames, policyName, boundaryName: args.roleBoundaryName }));
    this.inlinePolicy(
      `${name}-deploy-roles`,
      roles.deploy,
      "role-rules",
      roleRulesPolicy({ partition, accountId: args.accountId, rolePrefix: `${args.project}-${args.environment}`, boundaryName: args.roleBoundaryName }),
    );

    this.deployRoleName = roleNames.deploy;
    this.previewRoleName = roleNames.preview;
    this.deployRoleArn = roles.deploy.arn;
    this.previewRoleArn = roles.preview.arn;
    this.registerOutputs({ deployRoleArn: this.deployRoleArn, previewRoleArn: this.previewRoleArn });
  }

  private createRole(name: string, a: { roleName: string; trust: pulumi.Output<string>; sessionSeconds: number; description: string; tags?: Tags }): iam.Role {
    return new iam.Role(
      name,
      {
        name: a.roleName,
        description: a.description,
        assumeRolePolicy: a.trust,
        maxSessionDuration: a.sessionSeconds,
        tags: mergeTags(a.tags, { Name: a.roleName }),
      },
      { parent: this },
    );
  }

  private inlinePolicy(name: string, role: iam.Role, policyName: string, doc: PolicyDocument): iam.RolePolicy {
    return new iam.RolePolicy(name, { role: role.name, name: policyName, policy: JSON.stringify(doc) }, { parent: this });
  }

  private managedPolicy(name: string, role: iam.Role, policyName: string, doc: PolicyDocument, tags: Tags | undefined): void {
    const policy = new iam.Policy(name, { name: policyName, policy: JSON.stringify(doc), tags: mergeTags(tags, { Name: policyName }) }, { parent: this });
    new iam.RolePolicyAttachment(`${name}-attach`, { role: role.name, policyArn: policy.arn }, { parent: this });
  }
}

/** Argument problems, all at once: unpinned subjects, wildcard actions, bad session length. */
export function ciRolesArgProblems(args: CiRolesArgs): ConfigIssue[] {
  const issues: ConfigIssue[] = [
    ...subjectProblems({ kind: "environment", repository: args.repository, environment: args.deployEnvironment }, "ci").map((i) =>
      i.path === "ci.environment" ? { ...i, path: "ci.deployEnvironment" } : i,
    ),
  ];
  const session = args.deploySessionSeconds ?? 7200;
  if (!Number.isInteger(session) || session < 3600 || session > 43_200) {
    issues.push({ path: "ci.deploySessionSeconds", problem: "must be an integer from 3600 to 43200 (IAM MaxSessionDuration)", got: session });
  }
  if (!/^\d{12}$/.test(args.accountId)) issues.push({ path: "ci.accountId", problem: "must be a 12-digit AWS account id", got: args.accountId });
  for (const kind of ["deploy", "preview"] as const) {
    for (const p of Object.values(groupPolicies(kind)).flatMap((d) => wildcardActionProblems(d, `${kind} policy`))) {
      issues.push({ path: "components/ci/aws-actions.ts", problem: p, got: kind });
    }
  }
  return issues;
}
