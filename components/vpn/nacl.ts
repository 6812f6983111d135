import * as ec2 from "@pulumi/aws/ec2";
import type * as pulumi from "@pulumi/pulumi";
import { cidrKey, EPHEMERAL_PORTS, type NaclRule } from "../firewall/nacl-rules";
import type { Segment } from "../network/segments";
import { WIREGUARD_PORT } from "../../policies/lib/vpn";

/**
 * The network-ACL rules the VPNs add to the foundation's segment ACLs (stateless: each direction
 * and the replies). Rule numbers live in a range the firewall's flow table does not use
 * (it numbers `slot × 100 + n` for slots 1–49, plus 10 and 20), so the two never collide:
 *   5000+i  site-to-site: office CIDR i ↔ each reachable segment
 *   5100    WireGuard: tunnel CIDR ↔ each reachable segment
 *   5200+j  WireGuard: UDP 51820 in from development CIDR j, replies out (public segment)
 *   5300+k  WireGuard: forwarded traffic public ↔ reachable segment k (the gateway's interface is in public)
 * Ports: all protocols between the VPN's sources and the reachable segments; the security groups
 * of what lives there decide which ports are open (NACLs only keep unreachable segments out).
 */
export const VPN_NACL_RULE_BASE = { siteToSite: 5000, wireguardTunnel: 5100, wireguardListener: 5200, wireguardForward: 5300 } as const;

/** Site-to-site: each reachable segment admits the office networks and answers them. */
export function siteToSiteNaclRules(officeCidrs: readonly string[], reachable: readonly Segment[]): NaclRule[] {
  return reachable.flatMap((segment) =>
    officeCidrs.flatMap((cidr, i) => both(segment, cidr, VPN_NACL_RULE_BASE.siteToSite + i, `office-${cidrKey(cidr)}`)),
  );
}

/**
 * WireGuard: the public segment admits UDP 51820 from the development network (replies on
 * ephemeral ports), and forwards between the tunnel and the reachable segments; those segments
 * admit the tunnel network and answer it.
 */
export function wireguardNaclRules(developmentCidrs: readonly string[], tunnelCidr: string, reachableBlocks: Partial<Record<Segment, string>>): NaclRule[] {
  const rules: NaclRule[] = [];
  developmentCidrs
    .filter((c) => !c.includes(":")) // network ACL rules here are IPv4 (cidrBlock); the VPC has no IPv6
    .forEach((cidr, j) => {
      const n = VPN_NACL_RULE_BASE.wireguardListener + j;
      rules.push({ segment: "public", egress: false, protocol: "udp", fromPort: WIREGUARD_PORT, toPort: WIREGUARD_PORT, cidr, ruleNumber: n, key: `public-in-wireguard-listener-${cidrKey(cidr)}` });
      rules.push({ segment: "public", egress: true, protocol: "udp", fromPort: EPHEMERAL_PORTS.from, toPort: EPHEMERAL_PORTS.to, cidr, ruleNumber: n, key: `public-out-wireguard-listener-reply-${cidrKey(cidr)}` });
    });
  Object.entries(reachableBlocks).forEach(([segment, block], k) => {
    if (!block) return;
    rules.push(...both(segment as Segment, tunnelCidr, VPN_NACL_RULE_BASE.wireguardTunnel, `wireguard-tunnel-${cidrKey(tunnelCidr)}`));
    if (segment !== "public") rules.push(...both("public", block, VPN_NACL_RULE_BASE.wireguardForward + k, `wireguard-forward-${segment}`));
  });
  return rules;
}

function both(segment: Segment, cidr: string, ruleNumber: number, name: string): NaclRule[] {
  return [
    { segment, egress: false, protocol: "-1", fromPort: 0, toPort: 0, cidr, ruleNumber, key: `${segment}-in-${name}` },
    { segment, egress: true, protocol: "-1", fromPort: 0, toPort: 0, cidr, ruleNumber, key: `${segment}-out-${name}` },
  ];
}

/** Registers the rules as `ec2.NetworkAclRule` children of `parent` (as the firewall does, delete-before-replace). */
export function createNaclRules(parent: pulumi.Resource, name: string, rules: readonly NaclRule[], networkAclIds: Partial<Record<Segment, pulumi.Input<string>>>): void {
  for (const rule of rules) {
    const networkAclId = networkAclIds[rule.segment];
    if (!networkAclId) throw new Error(`${name}: no network ACL id for segment ${rule.segment}`);
    const ports = rule.protocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort };
    new ec2.NetworkAclRule(
      `${name}-nacl-${rule.key}`,
      { networkAclId, egress: rule.egress, ruleNumber: rule.ruleNumber, protocol: rule.protocol, ruleAction: "allow", cidrBlock: rule.cidr, ...ports },
      { parent, deleteBeforeReplace: true },
    );
  }
}
