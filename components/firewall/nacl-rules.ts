import { SEGMENT_SPECS, SEGMENTS, type Segment } from "../network/segments";
import { segmentBlock } from "../network/subnets";
import type { Flow, Peer } from "./flows";

/**
 * Network-ACL rules from the flow table. NACLs are stateless: every allowed flow needs its
 * forward rule where it leaves and where it arrives, and the reply on ephemeral ports in the
 * other direction at both ends. A flow to the internet from a NAT-routed segment also crosses
 * the public segment (the NAT gateway's subnet), whose ACL must let it in from the segment, out
 * to the world, and the replies back.
 */

/**
 * Reply ports. AWS: "the ephemeral port range varies by client OS … NAT gateways use ports
 * 1024–65535"; allowing 1024–65535 covers Linux (32768–60999), Windows (49152–65535) and NAT
 * (AWS VPC docs, "Network ACLs → Ephemeral ports").
 */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

/** The world, as a NACL cidrBlock. */
export const ANY_IPV4 = "0.0.0.0/0";

export interface NaclRule {
  segment: Segment;
  egress: boolean;
  protocol: "tcp" | "udp" | "-1";
  fromPort: number;
  toPort: number;
  cidr: string;
  ruleNumber: number;
  /** Stable logical-name suffix, derived from the rule's meaning (never its position). */
  key: string;
}

/** Rule number of the intra-segment rule (first, so traffic inside a segment is never blocked by a later deny). */
const INTRA_SEGMENT_RULE = 10;
/** Replies from the internet into the public segment, shared by every NAT-routed flow. */
const PUBLIC_REPLIES_RULE = 20;

export function naclRules(flows: readonly Flow[], vpcCidr: string): NaclRule[] {
  const out: NaclRule[] = [];
  const seen = new Set<string>();
  const add = (rule: Omit<NaclRule, "key">, name: string) => {
    const identity = `${rule.segment}|${rule.egress}|${rule.protocol}|${rule.fromPort}-${rule.toPort}|${rule.cidr}`;
    if (seen.has(identity)) return;
    seen.add(identity);
    out.push({ ...rule, key: `${rule.segment}-${rule.egress ? "out" : "in"}-${name}` });
  };

  // Inside a segment everything may talk (cache nodes replicate across AZs, tasks talk to tasks);
  // the security groups decide which workloads do.
  for (const segment of SEGMENTS) {
    const block = segmentBlock(vpcCidr, segment);
    for (const egress of [false, true]) add({ segment, egress, protocol: "-1", fromPort: 0, toPort: 0, cidr: block, ruleNumber: INTRA_SEGMENT_RULE }, "intra");
  }

  for (const flow of flows) {
    const base = flow.slot * 100;
    const dest = cidrsOf(flow.to, vpcCidr);
    const src = cidrsOf(flow.from, vpcCidr);
    const port = { fromPort: flow.port, toPort: flow.port };
    const reply = { fromPort: EPHEMERAL_PORTS.from, toPort: EPHEMERAL_PORTS.to };
    const p = flow.protocol;
    if (flow.from.kind === "segment") {
      const s = flow.from.segment;
      dest.forEach((cidr, i) => {
        add({ segment: s, egress: true, protocol: p, ...port, cidr, ruleNumber: base + i }, `${flow.id}-${cidrKey(cidr)}`);
        add({ segment: s, egress: false, protocol: p, ...reply, cidr, ruleNumber: base + 50 + i }, `${flow.id}-reply-${cidrKey(cidr)}`);
      });
    }
    if (flow.to.kind === "segment") {
      const s = flow.to.segment;
      src.forEach((cidr, i) => {
        add({ segment: s, egress: false, protocol: p, ...port, cidr, ruleNumber: base + i }, `${flow.id}-${cidrKey(cidr)}`);
        add({ segment: s, egress: true, protocol: p, ...reply, cidr, ruleNumber: base + 50 + i }, `${flow.id}-reply-${cidrKey(cidr)}`);
      });
    }
    if (flow.from.kind === "segment" && flow.to.kind === "internet" && SEGMENT_SPECS[flow.from.segment].internet === "nat") {
      const origin = segmentBlock(vpcCidr, flow.from.segment);
      add({ segment: "public", egress: false, protocol: p, ...port, cidr: origin, ruleNumber: base }, `${flow.id}-nat`);
      add({ segment: "public", egress: true, protocol: p, ...port, cidr: ANY_IPV4, ruleNumber: base + 1 }, `${flow.id}-nat-out`);
      add({ segment: "public", egress: true, protocol: p, ...reply, cidr: origin, ruleNumber: base + 50 }, `${flow.id}-nat-reply`);
      add({ segment: "public", egress: false, protocol: p, ...reply, cidr: ANY_IPV4, ruleNumber: PUBLIC_REPLIES_RULE }, `${p}-internet-replies`);
    }
  }
  return out;
}

/** The address ranges a peer stands for in a NACL rule. */
function cidrsOf(peer: Peer, vpcCidr: string): string[] {
  switch (peer.kind) {
    case "segment":
      return [segmentBlock(vpcCidr, peer.segment)];
    case "internet":
      return [ANY_IPV4];
    case "cidrs":
      return [...peer.cidrs];
  }
}

/** A CIDR as a logical-name part: `203.0.113.0/24` → `203-0-113-0-24`. */
export function cidrKey(cidr: string): string {
  return cidr.replace(/[^0-9a-zA-Z]+/g, "-");
}
