/**
 * network-admin-ports-closed: no administrative port (SSH 22, telnet, RDP, VNC) is reachable from
 * a world range — in any spelling. A security group's rules are united per port before the check,
 * so `0.0.0.0/1` + `128.0.0.0/1` in two rules counts as the world (policies/lib/cidr.ts). Network
 * ACL ingress rules are checked for the admin ports below the ephemeral range (22, 23): the
 * stateless replies every NACL must admit (1024–65535 from anywhere) cover 3389 and 5900, which
 * the stateful security groups guard instead.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES, FIREWALL } from "../guide";
import { admitsPort, ingressPermissions, isAllProtocols, referenceKey } from "../lib/aws";
import { isWorldRange } from "../lib/cidr";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    adminPorts: { type: "array", items: { type: "integer", minimum: 0, maximum: 65535 }, minItems: 1, description: "Ports no world range may reach.", default: [...FIREWALL.adminPorts] },
  },
} as const;

/** Ephemeral ports start here (AWS VPC docs, "Ephemeral ports"): NACL replies legitimately cover everything above. */
const EPHEMERAL_FROM = 1024;

export function validateAdminPorts(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const { adminPorts } = configFrom<{ adminPorts: number[] }>(configSchema, args);
  const perms = ingressPermissions(args.resources);
  const groups = new Map<string, typeof perms>();
  for (const perm of perms) groups.set(perm.group, [...(groups.get(perm.group) ?? []), perm]);
  for (const [group, list] of groups) {
    for (const port of adminPorts) {
      const admitting = list.filter((p) => admitsPort(p, port));
      if (admitting.length > 0 && isWorldRange(admitting.flatMap((p) => p.cidrs))) {
        reportViolation(`Security group ${group} admits port ${port} from a world range (${admitting.flatMap((p) => p.cidrs).join(", ")}). Admin ports are for network.adminCidrs only: list the office or admin addresses.`, admitting[0]?.urn);
      }
    }
  }

  // A rule's action in any letter case: refusing "ALLOW" too costs nothing if the API would reject it.
  const isAllow = (action: unknown) => typeof action === "string" && action.toLowerCase() === "allow";
  // Allow rules from standalone NetworkAclRule resources and from the inline `ingress` blocks of
  // a NetworkAcl or DefaultNetworkAcl (the same fields, `action` in place of `ruleAction`).
  const acls = new Map<string, Array<{ cidr: string; protocol: unknown; from: number; to: number; urn: string }>>();
  const admit = (acl: string, rule: Record<string, unknown>, urn: string) => {
    const cidr = typeof rule.cidrBlock === "string" ? rule.cidrBlock : typeof rule.ipv6CidrBlock === "string" ? rule.ipv6CidrBlock : undefined;
    if (!cidr) return;
    const all = isAllProtocols(rule.protocol);
    acls.set(acl, [...(acls.get(acl) ?? []), { cidr, protocol: rule.protocol, from: all ? 0 : Number(rule.fromPort ?? 0), to: all ? 65535 : Number(rule.toPort ?? 65535), urn }]);
  };
  for (const r of args.resources) {
    if (r.type === AWS_TYPES.networkAclRule) {
      if (r.props.egress !== true && isAllow(r.props.ruleAction)) admit(referenceKey(r, "networkAclId") ?? "unknown", r.props, r.urn);
    } else if (r.type === AWS_TYPES.networkAcl || r.type === AWS_TYPES.defaultNetworkAcl) {
      const inline = Array.isArray(r.props.ingress) ? (r.props.ingress as Array<Record<string, unknown>>) : [];
      for (const rule of inline) if (isAllow(rule.action)) admit(r.urn, rule, r.urn);
    }
  }
  for (const [acl, rules] of acls) {
    for (const port of adminPorts.filter((p) => p < EPHEMERAL_FROM)) {
      const admitting = rules.filter((rule) => admitsPort({ protocol: String(rule.protocol), fromPort: rule.from, toPort: rule.to }, port));
      if (admitting.length > 0 && isWorldRange(admitting.map((a) => a.cidr))) {
        reportViolation(`Network ACL ${acl} allows port ${port} in from a world range (${admitting.map((a) => a.cidr).join(", ")}).`, admitting[0]?.urn);
      }
    }
  }
}

export const networkAdminPortsClosed: StackValidationPolicy = {
  name: "network-admin-ports-closed",
  description: "No administrative port (SSH, telnet, RDP, VNC) is open to a world range in any security group or network ACL.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateAdminPorts,
};
