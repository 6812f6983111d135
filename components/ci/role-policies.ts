import { type PolicyDocument, type PolicyStatement, policyDocument } from "../shared/iam";
import { POLICY_GROUPS, type PolicyGroup, qualified, SERVICE_ACTIONS } from "./aws-actions";
import { type CiRoleKind, stateBucketStatements, stateKeyStatement } from "./state-access";
import { GITHUB_OIDC_HOST } from "./trust";

/**
 * The CI roles' permission documents, as pure data (the component only registers them):
 * - per group of services, one managed policy (each under IAM's 6,144-character limit):
 *   preview gets the services' metadata reads, deploy reads + writes;
 * - the state policy (bucket keys of this stack, the secrets key);
 * - for deploy, a guard that denies changing the CI roles, their policies, the OIDC provider and
 *   the role boundary: CI cannot widen its own permissions. Changing them takes a person's
 *   `pulumi up`;
 * - for deploy, the role rules: it creates, changes and passes only the stack's own roles, and
 *   only while they carry the stack's role boundary (components/aws-shared/role-boundary.ts), so
 *   no role it makes can do more than the boundary allows.
 */

/** Services whose roles the platform passes, by the principal that receives them (iam:PassedToService). */
export const PASSED_TO_SERVICES = [
  "backup.amazonaws.com", // backup selections and restore testing
  "cloudtrail.amazonaws.com", // trail → CloudWatch Logs delivery role
  "ec2.amazonaws.com", // instance profiles (bastion, WireGuard gateway)
  "ecs-tasks.amazonaws.com", // task and execution roles
  "events.amazonaws.com", // EventBridge rule targets
  "lambda.amazonaws.com", // the log-intake function (CreateFunction passes its execution role)
  "s3.amazonaws.com", // bucket replication
  "scheduler.amazonaws.com", // EventBridge Scheduler targets
  "ssm.amazonaws.com", // maintenance-window task role
  "vpc-flow-logs.amazonaws.com", // flow logs → CloudWatch Logs
] as const;

export interface RolePolicyNames {
  partition: string;
  accountId: string;
  /** Physical names of the two CI roles. */
  roleNames: Record<CiRoleKind, string>;
  /** Physical name of each managed policy, by role and group. */
  policyName: (kind: CiRoleKind, group: PolicyGroup) => string;
  /** Physical name of the stack's role boundary policy. */
  boundaryName: string;
}

/**
 * The role writes of the deploy role's table that IAM authorizes against the role's permissions
 * boundary (`iam:PermissionsBoundary`: for CreateRole and PutRolePermissionsBoundary the boundary
 * asked for, for the rest the role's own). Service Authorization Reference, "Actions defined by
 * AWS Identity and Access Management"; tests/ci/role-boundary.test.ts checks the list against it.
 * DeleteRolePermissionsBoundary is not granted at all.
 */
export const BOUNDED_ROLE_ACTIONS = [
  "iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
] as const;

/** Role writes IAM cannot condition on the boundary: granted on the stack's own role names only. */
export const NAMED_ROLE_ACTIONS = ["iam:TagRole", "iam:UntagRole"] as const;

export interface RoleRuleNames {
  partition: string;
  accountId: string;
  /** The stack's physical-name prefix: every role it creates is named `<prefix>-…`. */
  rolePrefix: string;
  boundaryName: string;
}

const policyArn = (n: { partition: string; accountId: string }, name: string) => `arn:${n.partition}:iam::${n.accountId}:policy/${name}`;

/**
 * The deploy role's role rules (inline): it writes and passes only roles named with the stack's
 * prefix, writes them only while they carry the role boundary, passes them only to the services
 * that take the platform's roles, and never removes a boundary.
 */
export function roleRulesPolicy(n: RoleRuleNames): PolicyDocument {
  const ownRoles = [`arn:${n.partition}:iam::${n.accountId}:role/${n.rolePrefix}-*`];
  return policyDocument([
    {
      Sid: "OwnRolesWithinBoundary",
      Effect: "Allow",
      Action: [...BOUNDED_ROLE_ACTIONS],
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": policyArn(n, n.boundaryName) } },
    },
    { Sid: "TagOwnRoles", Effect: "Allow", Action: [...NAMED_ROLE_ACTIONS], Resource: ownRoles },
    { Sid: "PassOwnRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: ownRoles, Condition: { StringEquals: { "iam:PassedToService": [...PASSED_TO_SERVICES] } } },
    { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] },
  ]);
}

/** Service statements of one group for a role kind (empty groups have no policy). */
export function groupPolicy(kind: CiRoleKind, group: PolicyGroup): PolicyDocument | undefined {
  const statements: PolicyStatement[] = [];
  for (const service of SERVICE_ACTIONS.filter((s) => s.group === group)) {
    const actions = kind === "preview" ? qualified(service, "read") : [...qualified(service, "read"), ...qualified(service, "write")];
    if (service.prefix === "iam" && kind === "deploy") {
      // Role writes and PassRole are the role rules' (roleRulesPolicy): scoped to the stack's roles and the boundary.
      const ruled = new Set<string>(["iam:PassRole", ...BOUNDED_ROLE_ACTIONS, ...NAMED_ROLE_ACTIONS]);
      statements.push({ Sid: "Iam", Effect: "Allow", Action: actions.filter((a) => !ruled.has(a)).sort(), Resource: "*" });
      continue;
    }
    if (actions.length === 0) continue;
    statements.push({ Sid: sidOf(service.prefix), Effect: "Allow", Action: actions.sort(), Resource: "*" });
    if (service.prefix === "kms" && kind === "deploy") statements.push(KMS_THROUGH_LAMBDA);
  }
  return statements.length === 0 ? undefined : policyDocument(statements);
}

/**
 * A function whose environment is encrypted with a customer-managed key (the log intake's,
 * components/monitoring/log-intake.ts) can be created, updated and read only by a caller that may
 * use that key (Lambda Developer Guide, "Securing Lambda environment variables"). The deploy
 * role may encrypt and decrypt with any key only through Lambda (`kms:ViaService`, KMS Developer
 * Guide "AWS KMS condition keys"); this statement gives it no direct decryption (its kms
 * CreateGrant and PutKeyPolicy writes do, so it is no boundary against the deploy role itself).
 * The preview role gets no such statement: it cannot read the function's environment through
 * lambda:GetFunctionConfiguration, and it must never refresh (a refresh would record the
 * variables as gone).
 */
const KMS_THROUGH_LAMBDA: PolicyStatement = {
  Sid: "KmsThroughLambda",
  Effect: "Allow",
  Action: ["kms:Decrypt", "kms:Encrypt"],
  Resource: "*",
  Condition: { StringLike: { "kms:ViaService": "lambda.*.amazonaws.com" } },
};

/** Every managed policy of a role kind, by group. */
export function groupPolicies(kind: CiRoleKind): Partial<Record<PolicyGroup, PolicyDocument>> {
  const out: Partial<Record<PolicyGroup, PolicyDocument>> = {};
  for (const group of POLICY_GROUPS) {
    const doc = groupPolicy(kind, group);
    if (doc) out[group] = doc;
  }
  return out;
}

export interface StatePolicyArgs {
  partition: string;
  bucket: string;
  project: string;
  stack: string;
  secretsKmsKeyArn: string;
}

/** Every write action the service table grants for `prefix`, but `except`. */
function tableWrites(prefix: string, except: readonly string[]): string[] {
  const service = SERVICE_ACTIONS.find((s) => s.prefix === prefix);
  if (!service) throw new Error(`components/ci/aws-actions.ts has no ${prefix} entry`);
  return qualified(service, "write").filter((a) => !except.includes(a));
}

/**
 * What the deploy role may never do to the state backend (bootstrap/), whatever its service
 * permissions allow elsewhere: every S3 and KMS write its service table
 * (components/ci/aws-actions.ts) grants on `*` for the platform's own buckets and keys, except
 * creating one, so a write added to the table later is guarded too. Alias actions are authorised
 * on the key as well as the alias (AWS KMS Developer Guide, "Controlling access to aliases"), so
 * the Deny on the key stops repointing or deleting the `awskms://alias/…` the stacks encrypt
 * through. Two actions the table does not grant are denied as well, against a later grant:
 * `s3:PutBucketAcl` and `kms:DisableKey`. The bucket and key policies (bootstrap/policies.ts) do
 * not stop an identity policy of the same account.
 */
export const STATE_BACKEND_GUARD_ACTIONS = {
  bucket: [...tableWrites("s3", ["s3:CreateBucket"]), "s3:PutBucketAcl"].sort(),
  key: [...tableWrites("kms", ["kms:CreateKey"]), "kms:DisableKey"].sort(),
} as const;

/** State bucket and key access of one role (inline); for deploy, with the state backend guard. */
export function statePolicy(kind: CiRoleKind, a: StatePolicyArgs): PolicyDocument {
  const guard =
    kind === "deploy"
      ? [
          { Sid: "NoChangeToStateBucket", Effect: "Deny" as const, Action: [...STATE_BACKEND_GUARD_ACTIONS.bucket], Resource: [`arn:${a.partition}:s3:::${a.bucket}`] },
          { Sid: "NoChangeToSecretsKey", Effect: "Deny" as const, Action: [...STATE_BACKEND_GUARD_ACTIONS.key], Resource: [a.secretsKmsKeyArn] },
        ]
      : [];
  return policyDocument([...stateBucketStatements(kind, a), stateKeyStatement(kind, a.secretsKmsKeyArn), ...guard]);
}

/** IAM actions that would let the deploy role change what CI may do. */
export const SELF_CHANGE_ACTIONS = {
  role: [
    "iam:AttachRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy", "iam:PassRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
  ],
  policy: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
  provider: [
    "iam:AddClientIDToOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
    "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
  ],
} as const;

/** The deploy role's guard: Deny changing the CI roles, their managed policies, the GitHub OIDC provider and the role boundary. */
export function selfGuardPolicy(n: RolePolicyNames): PolicyDocument {
  const iam = `arn:${n.partition}:iam::${n.accountId}`;
  const kinds: CiRoleKind[] = ["deploy", "preview"];
  return policyDocument([
    { Sid: "NoChangeToCiRoles", Effect: "Deny", Action: [...SELF_CHANGE_ACTIONS.role], Resource: kinds.map((k) => `${iam}:role/${n.roleNames[k]}`) },
    {
      Sid: "NoChangeToCiPolicies",
      Effect: "Deny",
      Action: [...SELF_CHANGE_ACTIONS.policy],
      Resource: kinds.flatMap((k) => POLICY_GROUPS.map((g) => `${iam}:policy/${n.policyName(k, g)}`)),
    },
    { Sid: "NoChangeToGithubOidc", Effect: "Deny", Action: [...SELF_CHANGE_ACTIONS.provider], Resource: [`${iam}:oidc-provider/${GITHUB_OIDC_HOST}`] },
    // Creating it too: the boundary is made by a person's `pulumi up`, never by CI.
    { Sid: "NoChangeToRoleBoundary", Effect: "Deny", Action: ["iam:CreatePolicy", ...SELF_CHANGE_ACTIONS.policy], Resource: [policyArn(n, n.boundaryName)] },
  ]);
}

/** Statement ids are alphanumeric (IAM JSON policy elements: Sid). */
function sidOf(prefix: string): string {
  return prefix
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
