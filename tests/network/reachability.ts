import { cidrContains, parseCidr, parseIpv4 } from "../../policies/lib/cidr";
import type { PlannedResource } from "../helpers/pulumi";

/**
 * A packet-level model of an AWS VPC, built only from the RECORDED resources (what the engine
 * would receive), never from the tables that generated them: subnets, route tables and their
 * associations, routes to internet and NAT gateways, network ACLs with numbered rules evaluated
 * in order (first match wins, implicit deny), and security groups (stateful: any matching rule
 * admits the flow and its replies). A flow passes when every hop admits the request AND every
 * stateless hop admits the reply on an ephemeral port — so a missing reply rule fails it.
 *
 * Sources of the semantics: AWS VPC User Guide, "Control subnet traffic with network ACLs"
 * (rules evaluated lowest number first, stateless) and "Security group rules" (stateful,
 * allow-only, referenced groups match members).
 */

export const T = {
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclAssoc: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
} as const;

/** A reply's source port as Linux picks it (net.ipv4.ip_local_port_range 32768–60999). */
const REPLY_PORT = 40000;

export interface Host {
  /** A host inside a subnet (with an address in it), or an outside address. */
  subnet?: PlannedResource;
  ip: string;
  /** URN of the security group the host's interface is in (hosts in a subnet). */
  securityGroup?: string;
  /** Whether the host has a public address (admin host, NAT). */
  publicIp?: boolean;
  label: string;
}

export interface Verdict {
  pass: boolean;
  /** The first hop that refused, in words. */
  blockedAt?: string;
}

type Proto = "tcp" | "udp";

export class VpcModel {
  private readonly byUrn = new Map<string, PlannedResource>();

  constructor(private readonly resources: readonly PlannedResource[]) {
    for (const r of resources) this.byUrn.set(r.urn, r);
  }

  private ofType(type: string): PlannedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  private dep(r: PlannedResource, property: string): PlannedResource | undefined {
    const urn = r.propertyDependencies[property]?.[0];
    return urn ? this.byUrn.get(urn) : undefined;
  }

  /** The subnet of a segment in an AZ (by the recorded tags and AZ input). */
  subnet(segment: string, az: string): PlannedResource {
    const found = this.ofType(T.subnet).find((s) => (s.inputs.tags as Record<string, string>)?.segment === segment && s.inputs.availabilityZone === az);
    if (!found) throw new Error(`no ${segment} subnet in ${az}`);
    return found;
  }

  /** A host address inside a subnet (the block's 10th address). */
  hostIn(segment: string, az: string, securityGroupName?: string, publicIp = false): Host {
    const subnet = this.subnet(segment, az);
    const block = parseCidr(String(subnet.inputs.cidrBlock));
    if (!block) throw new Error("bad subnet cidr");
    const ip = [24n, 16n, 8n, 0n].map((s) => (((block.start + 10n) >> s) & 0xffn).toString()).join(".");
    const sg = securityGroupName ? this.ofType(T.sg).find((g) => g.name === securityGroupName)?.urn : undefined;
    if (securityGroupName && !sg) throw new Error(`no security group ${securityGroupName}`);
    return { subnet, ip, securityGroup: sg, publicIp, label: `${segment}/${az}` };
  }

  private naclOf(subnet: PlannedResource): PlannedResource | undefined {
    const assoc = this.ofType(T.naclAssoc).find((a) => a.propertyDependencies.subnetId?.[0] === subnet.urn);
    return assoc ? this.dep(assoc, "networkAclId") : undefined;
  }

  private routesOf(subnet: PlannedResource): PlannedResource[] {
    const assoc = this.ofType(T.rta).find((a) => a.propertyDependencies.subnetId?.[0] === subnet.urn);
    const table = assoc ? this.dep(assoc, "routeTableId") : undefined;
    return table ? this.ofType(T.route).filter((r) => r.propertyDependencies.routeTableId?.[0] === table.urn) : [];
  }

  /** Where a subnet sends traffic for an outside address: the internet gateway, a NAT gateway, or nowhere. */
  private defaultRoute(subnet: PlannedResource, ip: string): { kind: "igw" } | { kind: "nat"; nat: PlannedResource } | undefined {
    const target = this.routesOf(subnet)
      .filter((r) => contains(String(r.inputs.destinationCidrBlock), ip))
      .sort((a, b) => prefixOf(String(b.inputs.destinationCidrBlock)) - prefixOf(String(a.inputs.destinationCidrBlock)))[0];
    if (!target) return undefined;
    const gw = this.dep(target, "gatewayId");
    if (gw?.type === T.igw) return { kind: "igw" };
    const nat = this.dep(target, "natGatewayId");
    if (nat) return { kind: "nat", nat };
    return undefined;
  }

  /** First matching rule of a NACL in one direction decides; no match denies. */
  private naclAllows(subnet: PlannedResource, egress: boolean, proto: Proto, port: number, peerIp: string): boolean {
    const acl = this.naclOf(subnet);
    if (!acl) return false;
    const rules = this.ofType(T.naclRule)
      .filter((r) => r.propertyDependencies.networkAclId?.[0] === acl.urn && r.inputs.egress === egress)
      .sort((a, b) => Number(a.inputs.ruleNumber) - Number(b.inputs.ruleNumber));
    for (const rule of rules) {
      const protocol = String(rule.inputs.protocol);
      const protoMatch = protocol === "-1" || protocol === proto;
      const portMatch = protocol === "-1" || (Number(rule.inputs.fromPort) <= port && port <= Number(rule.inputs.toPort));
      if (protoMatch && portMatch && contains(String(rule.inputs.cidrBlock), peerIp)) return rule.inputs.ruleAction === "allow";
    }
    return false;
  }

  /** Security-group rules of a group in one direction that match the peer (by address or group). */
  private sgAllows(group: string | undefined, egress: boolean, proto: Proto, port: number, peer: Host): boolean {
    if (!group) return false;
    return this.ofType(egress ? T.egress : T.ingress).some((rule) => {
      if (rule.propertyDependencies.securityGroupId?.[0] !== group) return false;
      const protocol = String(rule.inputs.ipProtocol);
      if (protocol !== "-1" && (protocol !== proto || Number(rule.inputs.fromPort) > port || port > Number(rule.inputs.toPort))) return false;
      const ref = rule.propertyDependencies.referencedSecurityGroupId?.[0];
      if (ref) return ref === peer.securityGroup;
      return typeof rule.inputs.cidrIpv4 === "string" && contains(rule.inputs.cidrIpv4, peer.ip);
    });
  }

  /** Whether `src` can open `proto/port` to `dst` and get the replies back. */
  flow(src: Host, dst: Host, proto: Proto, port: number): Verdict {
    const block = (at: string): Verdict => ({ pass: false, blockedAt: at });
    if (src.subnet && dst.subnet) {
      if (!this.sgAllows(src.securityGroup, true, proto, port, dst)) return block(`${src.label} security group egress`);
      if (!this.naclAllows(src.subnet, true, proto, port, dst.ip)) return block(`${src.label} NACL egress`);
      if (!this.naclAllows(dst.subnet, false, proto, port, src.ip)) return block(`${dst.label} NACL ingress`);
      if (!this.sgAllows(dst.securityGroup, false, proto, port, src)) return block(`${dst.label} security group ingress`);
      if (!this.naclAllows(dst.subnet, true, proto, REPLY_PORT, src.ip)) return block(`${dst.label} NACL egress (reply)`);
      if (!this.naclAllows(src.subnet, false, proto, REPLY_PORT, dst.ip)) return block(`${src.label} NACL ingress (reply)`);
      return { pass: true };
    }
    if (src.subnet && !dst.subnet) {
      if (!this.sgAllows(src.securityGroup, true, proto, port, dst)) return block(`${src.label} security group egress`);
      if (!this.naclAllows(src.subnet, true, proto, port, dst.ip)) return block(`${src.label} NACL egress`);
      const route = this.defaultRoute(src.subnet, dst.ip);
      if (!route) return block(`${src.label} route table (no route to ${dst.ip})`);
      if (route.kind === "igw" && !src.publicIp) return block(`${src.label} has no public address for the internet gateway`);
      if (route.kind === "nat") {
        const natSubnet = this.dep(route.nat, "subnetId");
        if (!natSubnet) return block("NAT gateway without a subnet");
        if (!this.naclAllows(natSubnet, false, proto, port, src.ip)) return block("public NACL ingress (to NAT)");
        if (!this.naclAllows(natSubnet, true, proto, port, dst.ip)) return block("public NACL egress (NAT to internet)");
        if (this.defaultRoute(natSubnet, dst.ip)?.kind !== "igw") return block("public route table (NAT has no internet gateway)");
        if (!this.naclAllows(natSubnet, false, proto, REPLY_PORT, dst.ip)) return block("public NACL ingress (reply from internet)");
        if (!this.naclAllows(natSubnet, true, proto, REPLY_PORT, src.ip)) return block("public NACL egress (reply to origin)");
      }
      if (!this.naclAllows(src.subnet, false, proto, REPLY_PORT, dst.ip)) return block(`${src.label} NACL ingress (reply)`);
      return { pass: true };
    }
    if (!src.subnet && dst.subnet) {
      // From outside: only a host with a public address in a subnet routed to the internet gateway is reachable.
      if (!dst.publicIp || this.defaultRoute(dst.subnet, src.ip)?.kind !== "igw") return block(`${dst.label} is not reachable from the internet (no public address or internet route)`);
      if (!this.naclAllows(dst.subnet, false, proto, port, src.ip)) return block(`${dst.label} NACL ingress`);
      if (!this.sgAllows(dst.securityGroup, false, proto, port, src)) return block(`${dst.label} security group ingress`);
      if (!this.naclAllows(dst.subnet, true, proto, REPLY_PORT, src.ip)) return block(`${dst.label} NACL egress (reply)`);
      return { pass: true };
    }
    throw new Error("flow between two outside hosts");
  }
}

/** An address outside the VPC. */
export function outside(ip: string, label = ip): Host {
  if (parseIpv4(ip) === undefined) throw new Error(`bad ip ${ip}`);
  return { ip, label };
}

function contains(cidr: string, ip: string): boolean {
  const block = parseCidr(cidr);
  const host = parseCidr(`${ip}/32`);
  return !!block && !!host && cidrContains(block, host);
}

function prefixOf(cidr: string): number {
  return parseCidr(cidr)?.prefix ?? -1;
}
