/**
 * iam-no-wildcard-actions: no policy document in the stack allows a wildcard action (`*`,
 * `s3:*`, `ec2:Describe*`) or uses NotAction in an Allow, and AWS-managed policies are attached
 * only from a reviewed list of ones without wildcard actions. Every document-bearing input of
 * every AWS resource is read (IAM role/user/group policies, trust policies, KMS key policies,
 * bucket, topic, queue, repository and secret policies), so a new resource type cannot slip by.
 * Deny statements may use wildcards (denying everything without TLS is the point of them).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { arr } from "../lib/aws";
import { hasWildcard, policyDocuments } from "../lib/policy-documents";
import { configFrom } from "../lib/util";

/**
 * AWS-managed policies whose documents list their actions by name (read from the IAM console's
 * policy JSON, 2026): the SSM agent core, the ECS task-execution role, the VPC flow-logs-free
 * service roles the platform uses.
 */
export const REVIEWED_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
] as const;

export const configSchema = {
  properties: {
    allowedManagedPolicies: { type: "array", items: { type: "string" }, description: "AWS-managed policy ARNs reviewed to have no wildcard action.", default: [...REVIEWED_MANAGED_POLICIES] },
  },
} as const;

/** Allow statements' wildcard actions and NotActions, as messages. */
export function wildcardProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const statements = arr<Record<string, unknown>>((doc as { Statement?: unknown })?.Statement ?? []);
  const list = Array.isArray((doc as { Statement?: unknown })?.Statement) ? statements : [(doc as { Statement?: Record<string, unknown> })?.Statement].filter(Boolean) as Record<string, unknown>[];
  for (const s of list) {
    if (s.Effect !== "Allow") continue;
    if (s.NotAction !== undefined) problems.push(`an Allow with NotAction (${JSON.stringify(s.NotAction)}) grants everything else`);
    const actions = typeof s.Action === "string" ? [s.Action] : arr(s.Action);
    for (const action of actions) if (typeof action === "string" && hasWildcard(action)) problems.push(`Allow of "${action}"`);
  }
  return problems;
}

/**
 * Inputs that attach managed policies, by name (the @pulumi/aws 7 inputs): `policyArn` of
 * iam.PolicyAttachment and the role, user and group PolicyAttachments; `policyArns` of the
 * *PolicyAttachmentsExclusive types; `managedPolicyArns` of iam.Role; `managedPolicyArn` of
 * ssoadmin.ManagedPolicyAttachment. Read by key, like the documents, so a new attaching type is
 * covered too.
 */
const MANAGED_POLICY_KEYS = ["policyArn", "policyArns", "managedPolicyArns", "managedPolicyArn"] as const;
/** An AWS-managed policy in any partition (`arn:aws:`, `arn:aws-us-gov:`, `arn:aws-cn:`). */
const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;
const inAwsPartition = (arn: string) => arn.replace(/^arn:aws[a-z-]*:/, "arn:aws:");

export function validateNoWildcardActions(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (!args.type.startsWith("aws:")) {
    args.notApplicable("Policy only applies to AWS resources.");
    return;
  }
  for (const { path, doc } of policyDocuments(args.props)) {
    for (const problem of wildcardProblems(doc)) reportViolation(`${args.name}: ${path} has ${problem}. List the actions the workload needs by name.`);
  }
  const managed = MANAGED_POLICY_KEYS.flatMap((key) => [args.props[key] ?? []].flat()).filter((arn): arn is string => typeof arn === "string" && AWS_MANAGED_POLICY.test(arn));
  if (managed.length === 0) return;
  const { allowedManagedPolicies } = configFrom<{ allowedManagedPolicies: string[] }>(configSchema, args);
  const reviewed = new Set(allowedManagedPolicies.map(inAwsPartition));
  for (const arn of managed) {
    if (!reviewed.has(inAwsPartition(arn))) {
      reportViolation(`${args.name} attaches the AWS-managed policy ${arn}, which is not reviewed to be free of wildcard actions. Write a policy with the needed actions, or review it and add it to allowedManagedPolicies.`);
    }
  }
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: "No IAM, key or resource policy allows a wildcard action, and only reviewed AWS-managed policies are attached.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateNoWildcardActions,
};
