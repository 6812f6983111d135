/**
 * iam-least-privilege: the resource and principal side of IAM that `iam-no-wildcard-actions`
 * (wildcard actions, NotAction) leaves open: no Allow with NotResource (it grants every other
 * resource), no trust policy that lets any principal (`*`) assume a role, and no resource policy
 * (queue, topic, bucket, key, repository, secret…) that allows any principal without a condition.
 * Every policy document of every AWS resource is read (policies/lib/policy-documents.ts). `Resource: "*"` is
 * not refused here: deploy roles (components/ci) must create resources that have no ARN yet, and
 * some actions take no resource (ecr:GetAuthorizationToken); the workload roles of the cache layer
 * name their ARNs (tests/cache/workers.test.ts asserts each statement's resource).
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { policyDocuments } from "../lib/policy-documents";
import { configWithDefaults } from "../lib/util";

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
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
    const principal = s.Principal;
    const anyone = principal === "*" || (typeof principal === "object" && principal !== null && Object.values(principal).some((v) => list(v as string | string[]).includes("*")));
    if (trust && anyone) problems.push(`${label} lets any principal ("*") assume the role`);
    // A condition (aws:SourceArn, aws:PrincipalOrgID, …) is what narrows "*" in a resource policy.
    else if (anyone && (s.Condition === undefined || Object.keys(s.Condition as object).length === 0)) problems.push(`${label} allows any principal ("*") with no condition`);
  });
  return problems;
}

function check(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const documents = args.type.startsWith("aws:") ? policyDocuments(args.props) : [];
  if (documents.length === 0) {
    args.notApplicable("No policy document.");
    return;
  }
  const cfg = configWithDefaults({ refuseNotResource: true }, args);
  for (const d of documents) {
    for (const problem of documentProblems(d.doc as object, d.path === "assumeRolePolicy", cfg.refuseNotResource)) reportViolation(`IAM ${args.type.split(":").pop()} "${args.name}" ${d.path}: ${problem}. Name the resources and principals it needs.`);
  }
}

export const iamLeastPrivilege: ResourceValidationPolicy = {
  name: "iam-least-privilege",
  description: "IAM roles and policies never grant every other resource (NotResource), no role is assumable by any principal (\"*\"), and no resource policy allows any principal without a condition.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: check,
};


