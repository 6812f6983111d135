/**
 * network-flow-logs: every VPC records its traffic — a flow log of ALL traffic (accepted and
 * rejected) attached to it. The guide's "Monitoring Stack" needs the rejected flows to see probes.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import { referenceKey } from "../lib/aws";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    trafficType: { type: "string", enum: ["ALL"], description: "Traffic a VPC flow log must record: ALL (accepted and rejected).", default: "ALL" },
  },
} as const;

export function validateFlowLogs(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const vpcs = args.resources.filter((r) => r.type === AWS_TYPES.vpc);
  if (vpcs.length === 0) args.notApplicable("The stack has no VPC.");
  const { trafficType } = configFrom<{ trafficType: string }>(configSchema, args);
  const logs = args.resources.filter((r) => r.type === AWS_TYPES.flowLog);
  for (const vpc of vpcs) {
    const attached = logs.filter((l) => referenceKey(l, "vpcId") === vpc.urn || (typeof vpc.props.id === "string" && l.props.vpcId === vpc.props.id));
    if (attached.length === 0) reportViolation(`VPC "${vpc.name}" has no flow log. Add an aws.ec2.FlowLog with vpcId set to it and trafficType "ALL".`, vpc.urn);
    else if (!attached.some((l) => l.props.trafficType === trafficType)) reportViolation(`VPC "${vpc.name}" logs only ${attached.map((l) => String(l.props.trafficType)).join(", ")} traffic; trafficType must be "ALL" so rejected flows are recorded too.`, vpc.urn);
  }
}

export const networkFlowLogs: StackValidationPolicy = {
  name: "network-flow-logs",
  description: "Every VPC has a flow log that records all traffic, accepted and rejected.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateFlowLogs,
};
