/**
 * network-database-isolated: the guide's DATABASE segment has no route to the internet — no route
 * to an internet gateway, NAT gateway or egress-only gateway in any route table its subnets use.
 * Subnets and route tables carry the `segment` tag (components/network); the chain subnet →
 * association → route table → routes is followed through property dependencies, so it holds in a
 * real preview before any id is known.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES, FIREWALL } from "../guide";
import { arr, referenced, referenceKey, tagOf } from "../lib/aws";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    isolatedSegments: { type: "array", items: { type: "string" }, minItems: 1, description: "Segments (subnet/route-table tag `segment`) that must have no internet route.", default: [...FIREWALL.isolatedSegments] },
  },
} as const;

/** Route targets that lead to the internet (EC2 CreateRoute: GatewayId igw-…, NatGatewayId, EgressOnlyInternetGatewayId). */
function internetTarget(route: Record<string, unknown>, gateway: PolicyResource | undefined): string | undefined {
  if (route.natGatewayId !== undefined) return "a NAT gateway";
  if (route.egressOnlyGatewayId !== undefined) return "an egress-only internet gateway";
  if (gateway?.type === AWS_TYPES.internetGateway) return "an internet gateway";
  if (typeof route.gatewayId === "string" && route.gatewayId.startsWith("igw-")) return "an internet gateway";
  return undefined;
}

export function validateDatabaseIsolated(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const { isolatedSegments } = configFrom<{ isolatedSegments: string[] }>(configSchema, args);
  const isolated = (r: PolicyResource | undefined) => isolatedSegments.includes(tagOf(r, FIREWALL.segmentTag) ?? "");
  const tables = new Set<string>();
  for (const r of args.resources) {
    if (r.type === AWS_TYPES.routeTable && isolated(r)) tables.add(r.urn);
    if (r.type === AWS_TYPES.routeTableAssociation && isolated(referenced(r, "subnetId", args.resources))) {
      const table = referenceKey(r, "routeTableId");
      if (table) tables.add(table);
    }
  }
  for (const r of args.resources) {
    if (r.type === AWS_TYPES.route && tables.has(referenceKey(r, "routeTableId") ?? "")) {
      const target = internetTarget(r.props, referenced(r, "gatewayId", args.resources));
      if (target) reportViolation(`Route "${r.name}" sends the database segment's traffic (${String(r.props.destinationCidrBlock ?? r.props.destinationIpv6CidrBlock ?? "?")}) to ${target}. The database segment has no internet route.`, r.urn);
    }
    if (r.type === AWS_TYPES.routeTable && tables.has(r.urn)) {
      for (const inline of arr<Record<string, unknown>>(r.props.routes)) {
        const target = internetTarget(inline, undefined);
        if (target) reportViolation(`Route table "${r.name}" (database segment) has an inline route to ${target}.`, r.urn);
      }
    }
  }
}

export const networkDatabaseIsolated: StackValidationPolicy = {
  name: "network-database-isolated",
  description: "The database segment has no route to an internet gateway or NAT gateway.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateDatabaseIsolated,
};
