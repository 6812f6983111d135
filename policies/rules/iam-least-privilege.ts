/**
 * iam-least-privilege: the resource and principal side of IAM that `iam-no-wildcard-actions`
 * (wildcard actions, NotAction) leaves open: no Allow with NotResource (it grants every other
 * resource) or NotPrincipal (it lets in every other principal), no trust policy that lets any
 * principal (`*`) assume a role, and no resource policy (queue, topic, bucket, key, repository,
 * secret…) that allows any principal unless a condition names the caller (`narrowsCaller`).
 * Every policy document of every AWS resource is read (policies/lib/policy-documents.ts). `Resource: "*"` is
 * not refused here: deploy roles (components/ci) must create resources that have no ARN yet, and
 * some actions take no resource (ecr:GetAuthorizationToken); the workload roles of the cache layer
 * name their ARNs (tests/cache/workers.test.ts asserts each statement's resource).
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { hasWildcard, policyDocuments } from "../lib/policy-documents";
import { configFrom } from "../lib/util";

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

/**
 * Condition keys that name who is calling (global condition keys, AWS IAM User Guide,
 * "AWS global condition context keys"; kms:CallerAccount from the KMS developer guide). Only
 * these narrow `Principal: "*"`: `aws:SecureTransport`, `aws:SourceIp` and the like hold for
 * anyone who calls in that way. Keys are case-insensitive.
 */
const CALLER_KEYS = new Set(
  ["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "kms:CallerAccount"].map((k) => k.toLowerCase()),
);
/** Operators that only match the listed values (the `Not…` ones match everyone else). */
const MATCHING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/**
 * Whether a condition block limits the caller: an operator that matches (not `…IfExists`, which
 * holds when the key is absent, as it is on a direct call; not `ForAllValues:`, which holds for
 * an empty set) over a caller key, with literal values: no wildcard, and no policy variable
 * (`${aws:PrincipalArn}` is filled in from the request, so it matches every caller).
 */
export function narrowsCaller(condition: unknown): boolean {
  if (!condition || typeof condition !== "object") return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, keys]) => {
    const op = operator.toLowerCase().replace(/^foranyvalue:/, "");
    if (!MATCHING_OPERATORS.has(op) || !keys || typeof keys !== "object") return false;
    return Object.entries(keys as Record<string, unknown>).some(([key, values]) => {
      const all = (Array.isArray(values) ? values : [values]).map(String);
      return CALLER_KEYS.has(key.toLowerCase()) && all.length > 0 && all.every((v) => v.length > 0 && !hasWildcard(v) && !v.includes("${"));
    });
  });
}

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
    // An Allow with NotPrincipal grants every principal but the listed ones (IAM User Guide:
    // "AWS JSON policy elements: NotPrincipal" advises it only with Deny).
    if ((s as { NotPrincipal?: unknown }).NotPrincipal !== undefined) problems.push(`${label} is an Allow with NotPrincipal (lets in every other principal)`);
    // A statement with a wildcard action or NotAction is already refused by iam-no-wildcard-actions:
    // one violation per statement; its resources are checked once its actions are named.
    if (s.NotAction !== undefined || list(s.Action).some(hasWildcard)) return;
    if (refuseNotResource && s.NotResource !== undefined) problems.push(`${label} uses NotResource (grants every other resource)`);
    const principal = s.Principal;
    const anyone = principal === "*" || (typeof principal === "object" && principal !== null && Object.values(principal).some((v) => list(v as string | string[]).includes("*")));
    if (trust && anyone) problems.push(`${label} lets any principal ("*") assume the role`);
    else if (anyone && !narrowsCaller(s.Condition)) problems.push(`${label} allows any principal ("*") without a condition that names the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID, … with a matching operator and no wildcard)`);
  });
  return problems;
}

function check(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const documents = args.type.startsWith("aws:") ? policyDocuments(args.props) : [];
  if (documents.length === 0) {
    args.notApplicable("No policy document.");
    return;
  }
  const cfg = configFrom<{ refuseNotResource: boolean }>(configSchema, args);
  for (const d of documents) {
    for (const problem of documentProblems(d.doc as object, d.path === "assumeRolePolicy", cfg.refuseNotResource)) reportViolation(`IAM ${args.type.split(":").pop()} "${args.name}" ${d.path}: ${problem}. Name the resources and principals it needs.`);
  }
}

export const iamLeastPrivilege: ResourceValidationPolicy = {
  name: "iam-least-privilege",
  description: "IAM roles and policies never grant every other resource (NotResource) or principal (NotPrincipal), no role is assumable by any principal (\"*\"), and no resource policy allows any principal unless a condition names the caller.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: check,
};


