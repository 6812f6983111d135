/**
 * iam-no-wildcard-actions: no IAM policy document allows `*` or `<service>:*` actions, or uses
 * `NotAction` in an Allow (which grants everything not listed). Checked on role inline policies,
 * managed policies, roles' trust and inline policies, and S3 bucket policies. Deny statements may
 * be broad (`s3:*` in a TLS-only deny narrows access). Wildcards inside an action name
 * (`s3:GetObject*`) are allowed; they stay within one service's named operations.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/util";

export const configSchema = {
  properties: {
    allowedWildcards: {
      type: "array",
      items: { type: "string", pattern: "^(\\*|[A-Za-z0-9-]+:\\*)$" },
      description: "Wildcard actions tolerated anyway (each an exception to justify in review). None by default.",
      default: [],
    },
  },
} as const;

/** Resource types whose inputs hold policy documents, and the input names that do. */
export const POLICY_INPUTS: Record<string, readonly string[]> = {
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
};

const WILDCARD = /^(\*|[A-Za-z0-9-]+:\*)$/;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Problems in one policy document (a JSON string or an object); empty when it is fine or not JSON. */
export function wildcardProblems(document: unknown, allowed: readonly string[] = []): string[] {
  let doc: unknown = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document);
    } catch {
      return [];
    }
  }
  const statements = asList((doc as { Statement?: unknown } | null)?.Statement);
  const problems: string[] = [];
  statements.forEach((s, i) => {
    const st = (s ?? {}) as { Sid?: string; Effect?: string; Action?: unknown; NotAction?: unknown };
    if (st.Effect !== "Allow") return;
    const label = st.Sid ? `statement "${st.Sid}"` : `statement ${i}`;
    const wild = asList(st.Action).filter((a) => typeof a === "string" && WILDCARD.test(a) && !allowed.includes(a));
    if (wild.length > 0) problems.push(`${label} allows ${wild.map((a) => `"${String(a)}"`).join(", ")}: list the actions it needs`);
    if (st.NotAction !== undefined) problems.push(`${label} allows NotAction (everything except the listed actions): list the actions it needs`);
  });
  return problems;
}

export function validateNoWildcardActions(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const keys = POLICY_INPUTS[args.type];
  if (!keys) {
    args.notApplicable("Policy only applies to resources that carry IAM policy documents.");
    return;
  }
  const { allowedWildcards } = configWithDefaults<{ allowedWildcards: string[] }>({ allowedWildcards: [] }, args);
  const props = args.props as Record<string, unknown>;
  const documents: [string, unknown][] = keys.map((k) => [k, props[k]]);
  for (const [i, inline] of asList(props.inlinePolicies).entries()) documents.push([`inlinePolicies[${i}].policy`, (inline as { policy?: unknown }).policy]);
  for (const [key, doc] of documents) {
    for (const problem of wildcardProblems(doc, allowedWildcards)) reportViolation(`"${args.name}" ${key}: ${problem}.`);
  }
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: "IAM policy documents never allow `*` or `<service>:*` actions, nor NotAction.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateNoWildcardActions,
};
