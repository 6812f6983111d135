/**
 * iam-role-boundary: every IAM role the stack creates for a workload carries a permissions
 * boundary, and the boundary is a managed policy of this stack that allows no IAM, STS,
 * Organizations or Account action. The deploy role may write roles only while they carry the
 * boundary (components/ci/role-policies.ts), and the boundary caps what any of them can do
 * (IAM User Guide, "Permissions boundaries for IAM entities"): a role CI creates can then never
 * create or widen a role, so CI cannot climb past the boundary through one. The boundary must be
 * the RoleBoundary component's policy: any other policy, in the stack or not, is refused.
 *
 * The CI roles themselves are made by a person's `pulumi up` and are what the boundary protects
 * against, so they carry none (children of the CiRoles component named `…-ci-deploy|preview`).
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import { arr } from "../lib/aws";
import { hasWildcard } from "../lib/policy-documents";
import { configFrom } from "../lib/util";

/**
 * Service prefixes a boundary may never allow: role and identity administration (IAM, STS, and
 * IAM Identity Center's `sso` and `identitystore`, which grant people into the account), and
 * leaving the account's control (`organizations`, `account`). Prefixes from the Service
 * Authorization Reference (docs.aws.amazon.com/service-authorization/latest/reference).
 */
export const FORBIDDEN_PREFIXES = ["iam", "sts", "sso", "identitystore", "organizations", "account"] as const;

/** The component whose roles are the CI roles (components/ci/ci-roles.ts), and their names' endings. */
export const CI_ROLES_TYPE = "promptandpause:ci:CiRoles";
const CI_ROLE_NAME = /-ci-(deploy|preview)$/;

/** The component whose managed policy is the stack's role boundary (components/aws-shared/role-boundary.ts). */
export const ROLE_BOUNDARY_TYPE = "promptandpause:aws-shared:RoleBoundary";

export const configSchema = {
  properties: {
    alsoForbiddenPrefixes: {
      type: "array",
      items: { type: "string", pattern: "^[a-z0-9-]+$" },
      description: `Service prefixes a role boundary may not allow, on top of ${FORBIDDEN_PREFIXES.join(", ")} (always forbidden).`,
      default: [],
    },
  },
} as const;

/** Why a boundary document is not one: what it allows that it must not. */
function boundaryProblems(text: unknown, forbidden: readonly string[]): string[] {
  let doc: unknown = text;
  if (typeof text === "string") {
    try {
      doc = JSON.parse(text);
    } catch {
      return ["its document is not JSON"];
    }
  }
  const problems: string[] = [];
  const statement = (doc as { Statement?: unknown } | undefined)?.Statement;
  for (const s of arr<Record<string, unknown>>(Array.isArray(statement) ? statement : [statement].filter(Boolean))) {
    if (s.Effect !== "Allow") continue;
    if (s.NotAction !== undefined) problems.push("an Allow with NotAction, which allows every other action");
    for (const action of typeof s.Action === "string" ? [s.Action] : arr(s.Action)) {
      if (typeof action !== "string") continue;
      const prefix = action.split(":")[0]?.toLowerCase() ?? "";
      if (hasWildcard(prefix) || action === "*") problems.push(`"${action}", which includes ${forbidden.join(", ")} actions`);
      else if (forbidden.includes(prefix)) problems.push(`"${action}"`);
    }
  }
  return problems;
}

/**
 * The stack's role boundary policy a role's boundary names: its dependency, else the boundary
 * policy whose ARN the literal spells. Only the boundary policies' own names are read (known in
 * a preview: the component names them), so no other resource's unknown value can stop the check.
 */
function boundaryPolicy(role: PolicyResource, boundaries: readonly PolicyResource[]): PolicyResource | undefined {
  const deps = role.propertyDependencies?.permissionsBoundary ?? [];
  if (deps.length > 0) return deps.find((d) => boundaries.includes(d));
  const literal = role.props.permissionsBoundary;
  if (typeof literal !== "string") return undefined;
  // A managed policy's ARN is `arn:<partition>:iam::<account>:policy<path><name>`, the path "/" unless set (IAM identifiers).
  return boundaries.find((p) => literal.endsWith(`:policy${typeof p.props.path === "string" ? p.props.path : "/"}${String(p.props.name)}`));
}

export function validateRoleBoundaries(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const isCiRole = (r: PolicyResource) => r.parent?.type === CI_ROLES_TYPE && CI_ROLE_NAME.test(String(r.props.name ?? ""));
  const roles = args.resources.filter((r) => r.type === AWS_TYPES.role && !isCiRole(r));
  if (roles.length === 0) args.notApplicable("The stack creates no IAM role outside the CI roles.");
  const { alsoForbiddenPrefixes } = configFrom<{ alsoForbiddenPrefixes: string[] }>(configSchema, args);
  const forbidden = [...FORBIDDEN_PREFIXES, ...alsoForbiddenPrefixes.map((p) => p.toLowerCase())];
  const boundaries = args.resources.filter((r) => r.type === AWS_TYPES.iamPolicy && r.parent?.type === ROLE_BOUNDARY_TYPE);
  const fix = "Set permissionsBoundary to the stack's role boundary (the foundation's roleBoundaryArn, components/aws-shared/role-boundary.ts).";
  for (const role of roles) {
    const hasDependency = (role.propertyDependencies?.permissionsBoundary?.length ?? 0) > 0;
    if (!hasDependency && role.props.permissionsBoundary === undefined) {
      reportViolation(`Role "${role.name}" has no permissions boundary, so a role CI creates could be given any permission. ${fix}`, role.urn);
      continue;
    }
    const boundary = boundaryPolicy(role, boundaries);
    if (!boundary) {
      reportViolation(`Role "${role.name}" takes its permissions boundary from something other than the stack's role boundary (a policy of the RoleBoundary component), so the pack cannot vouch for what it allows. ${fix}`, role.urn);
      continue;
    }
    const problems = boundaryProblems(boundary.props.policy, forbidden);
    if (problems.length > 0) {
      reportViolation(
        `Role "${role.name}" has the boundary "${boundary.name}", which allows ${problems.join("; ")}: a role within it could create or widen roles. Keep ${forbidden.join(", ")} actions out of the boundary (WORKLOAD_ACTIONS in components/aws-shared/role-boundary.ts).`,
        role.urn,
      );
    }
  }
}

export const iamRoleBoundary: StackValidationPolicy = {
  name: "iam-role-boundary",
  description: "Every workload IAM role carries the stack's permissions boundary, which allows no IAM, STS, Organizations or Account action.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateRoleBoundaries,
};
