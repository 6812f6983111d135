/**
 * Reading AWS resources the way the engine hands them to stack policies: cross-references
 * (a rule's security group, a route's table) follow `propertyDependencies`, which are known in a
 * real preview even when the ids are not; a literal id is the fallback for referenced existing
 * resources.
 */
import type { PolicyResource } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";

/** The resource an input refers to: its property dependency, else the resource whose `id` equals the literal value. */
export function referenced(resource: PolicyResource, property: string, all: readonly PolicyResource[]): PolicyResource | undefined {
  const dep = resource.propertyDependencies?.[property]?.[0];
  if (dep) return dep;
  const literal = resource.props[property];
  return typeof literal === "string" ? all.find((r) => r.props.id === literal) : undefined;
}

/** A stable key for what an input refers to (the dependency's URN, else the literal), for grouping. */
export function referenceKey(resource: PolicyResource, property: string): string | undefined {
  const dep = resource.propertyDependencies?.[property]?.[0];
  if (dep) return dep.urn;
  const literal = resource.props[property];
  return typeof literal === "string" ? literal : undefined;
}

/** One ingress permission, whatever resource shape declared it. */
export interface IngressPermission {
  /** Key of the security group it opens (URN or id). */
  group: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrs: string[];
  /** Where it is declared (for the violation's URN). */
  urn: string;
}

const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : fallback);

/**
 * Protocol spellings EC2 accepts for "all traffic". The provider lower-cases a protocol before
 * sending it (terraform-provider-aws `ProtocolForValue`), so "ALL" is all traffic too.
 */
export function isAllProtocols(protocol: unknown): boolean {
  return protocol === -1 || (typeof protocol === "string" && (protocol === "-1" || protocol.toLowerCase() === "all"));
}

/**
 * Whether a rule's protocol and port range (absent bounds: all ports) admit `port` over TCP. An
 * all-traffic rule admits every port whatever its bounds say (EC2 ignores them; they are often
 * -1 or 0), which admitsPort's range check alone would miss.
 */
export function reachesTcpPort(protocol: unknown, fromPort: unknown, toPort: unknown, port: number): boolean {
  if (isAllProtocols(protocol)) return true;
  return admitsPort({ protocol: String(protocol), fromPort: num(fromPort, 0), toPort: num(toPort, 65535) }, port);
}

/** Every security-group ingress permission in the stack: rule resources, SecurityGroupRule, inline blocks. */
export function ingressPermissions(resources: readonly PolicyResource[]): IngressPermission[] {
  const out: IngressPermission[] = [];
  const ports = (p: Record<string, unknown>, protocol: unknown) => (isAllProtocols(protocol) ? { fromPort: 0, toPort: 65535 } : { fromPort: num(p.fromPort, 0), toPort: num(p.toPort, 65535) });
  for (const r of resources) {
    const p = r.props;
    if (r.type === AWS_TYPES.ingressRule) {
      const group = referenceKey(r, "securityGroupId");
      const cidrs = [p.cidrIpv4, p.cidrIpv6].filter((c): c is string => typeof c === "string");
      if (group) out.push({ group, protocol: String(p.ipProtocol), ...ports(p, p.ipProtocol), cidrs, urn: r.urn });
    } else if (r.type === AWS_TYPES.securityGroupRule && p.type === "ingress") {
      const group = referenceKey(r, "securityGroupId");
      const cidrs = [...arr(p.cidrBlocks), ...arr(p.ipv6CidrBlocks)];
      if (group) out.push({ group, protocol: String(p.protocol), ...ports(p, p.protocol), cidrs, urn: r.urn });
    } else if (r.type === AWS_TYPES.securityGroup || r.type === AWS_TYPES.defaultSecurityGroup) {
      for (const block of arr<Record<string, unknown>>(p.ingress)) {
        out.push({ group: r.urn, protocol: String(block.protocol), ...ports(block, block.protocol), cidrs: [...arr(block.cidrBlocks), ...arr(block.ipv6CidrBlocks)], urn: r.urn });
      }
    }
  }
  return out;
}

export function arr<T = string>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Whether a permission admits `port` (all-protocol permissions admit every port). */
export function admitsPort(perm: { protocol: string; fromPort: number; toPort: number }, port: number, protocol: "tcp" | "udp" = "tcp"): boolean {
  const proto = perm.protocol.toLowerCase();
  const protoOk = isAllProtocols(proto) || proto === protocol || proto === (protocol === "tcp" ? "6" : "17");
  return protoOk && perm.fromPort <= port && port <= perm.toPort;
}

/** A resource's tags (inputs `tags`, merged over nothing: provider default tags are not segment tags). */
export function tagOf(resource: PolicyResource | undefined, key: string): string | undefined {
  const tags = resource?.props.tags;
  if (!tags || typeof tags !== "object") return undefined;
  const value = (tags as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}
