/**
 * iam-least-privilege: the resource and principal side of IAM that `iam-no-wildcard-actions`
 * (wildcard actions, NotAction) leaves open: no Allow with NotResource (it grants every other
 * resource), and no trust policy that lets any principal (`*`) assume a role. `Resource: "*"` is
 * not refused here: deploy roles (components/ci) must create resources that have no ARN yet, and
 * some actions take no resource (ecr:GetAuthorizationToken); the workload roles of the cache layer
 * name their ARNs (tests/cache/workers.test.ts asserts each statement's resource).
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CACHE_LAYER_TYPES as AWS_TYPES, type IamPolicyDocumentInputs, type IamRoleInputs } from "../lib/aws-shapes";
import { configWithDefaults } from "../lib/util";

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Principal?: unknown;
}

export const configSchema = {
  properties: {
    refuseNotResource: {
      type: "boolean",
      description: "Refuse Allow statements with NotResource (they grant every resource but the listed ones).",
      default: true,
    },
  },
} as const;

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every problem of one policy document (permissions, or a trust policy when `trust`). */
export function documentProblems(text: string | object, trust: boolean, refuseNotResource = true): string[] {
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = (typeof text === "string" ? JSON.parse(text) : text) as typeof doc;
  } catch {
    return ["is not valid JSON"];
  }
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const problems: string[] = [];
  statements.forEach((s, i) => {
    const label = `statement ${s.Sid ? `"${s.Sid}"` : `#${i}`}`;
    if (s.Effect !== "Allow") return;
    // A statement with a wildcard action or NotAction is already refused by iam-no-wildcard-actions:
    // one violation per statement; its resources are checked once its actions are named.
    if (s.NotAction !== undefined || list(s.Action).some((a) => a.includes("*"))) return;
    if (refuseNotResource && s.NotResource !== undefined) problems.push(`${label} uses NotResource (grants every other resource)`);
    if (trust) {
      const principal = s.Principal;
      if (principal === "*" || (typeof principal === "object" && principal !== null && Object.values(principal).some((v) => list(v as string | string[]).includes("*")))) {
        problems.push(`${label} lets any principal ("*") assume the role`);
      }
      return;
    }
  });
  return problems;
}

function check(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const documents: Array<{ where: string; text: string | object | undefined; trust: boolean }> = [];
  if (args.type === AWS_TYPES.role) {
    const role = args.props as IamRoleInputs;
    documents.push({ where: "assumeRolePolicy", text: role.assumeRolePolicy, trust: true });
    (role.inlinePolicies ?? []).forEach((p, i) => {
      documents.push({ where: `inlinePolicies[${i}]`, text: p.policy, trust: false });
    });
  } else if ([AWS_TYPES.iamRolePolicy, AWS_TYPES.iamPolicy, AWS_TYPES.iamUserPolicy, AWS_TYPES.iamGroupPolicy].includes(args.type as never)) {
    documents.push({ where: "policy", text: (args.props as IamPolicyDocumentInputs).policy, trust: false });
  } else {
    args.notApplicable("Not an IAM role or policy.");
    return;
  }
  const cfg = configWithDefaults({ refuseNotResource: true }, args);
  for (const d of documents) {
    if (d.text === undefined || d.text === null) continue;
    for (const problem of documentProblems(d.text, d.trust, cfg.refuseNotResource)) reportViolation(`IAM ${args.type.split(":").pop()} "${args.name}" ${d.where}: ${problem}. Name the resources and principals it needs.`);
  }
}

export const iamLeastPrivilege: ResourceValidationPolicy = {
  name: "iam-least-privilege",
  description: "IAM roles and policies never grant every other resource (NotResource) and no role is assumable by any principal (\"*\").",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: check,
};


