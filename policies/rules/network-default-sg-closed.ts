/**
 * network-default-sg-closed: every VPC's default security group is adopted and holds no rule
 * (CIS AWS Foundations 5.4). Unadopted, AWS's default group admits all traffic between its
 * members and all egress; a rule resource attached to it would reopen it.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import { arr, referenced, referenceKey } from "../lib/aws";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    requireAdoption: { type: "boolean", enum: [true], description: "Every VPC must adopt its default security group (and keep it empty).", default: true },
  },
} as const;

export function validateDefaultSecurityGroup(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const vpcs = args.resources.filter((r) => r.type === AWS_TYPES.vpc);
  if (vpcs.length === 0) args.notApplicable("The stack has no VPC.");
  const { requireAdoption } = configFrom<{ requireAdoption: boolean }>(configSchema, args);
  const defaults = args.resources.filter((r) => r.type === AWS_TYPES.defaultSecurityGroup);
  for (const vpc of requireAdoption ? vpcs : []) {
    const adopted = defaults.filter((d) => referenceKey(d, "vpcId") === vpc.urn);
    if (adopted.length === 0) reportViolation(`VPC "${vpc.name}" does not adopt its default security group. Add an aws.ec2.DefaultSecurityGroup for it with no ingress and no egress, which removes AWS's default rules.`, vpc.urn);
  }
  for (const d of defaults) {
    if (arr(d.props.ingress).length > 0 || arr(d.props.egress).length > 0) reportViolation(`Default security group "${d.name}" has rules; it must have none (nothing should use the default group).`, d.urn);
  }
  for (const r of args.resources) {
    if ((r.type === AWS_TYPES.ingressRule || r.type === AWS_TYPES.egressRule || r.type === AWS_TYPES.securityGroupRule) && referenced(r, "securityGroupId", args.resources)?.type === AWS_TYPES.defaultSecurityGroup) {
      reportViolation(`Rule "${r.name}" is attached to a default security group; give the workload its own group instead.`, r.urn);
    }
  }
}

export const networkDefaultSgClosed: StackValidationPolicy = {
  name: "network-default-sg-closed",
  description: "Every VPC's default security group is adopted and has no rules.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateDefaultSecurityGroup,
};
