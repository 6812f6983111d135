import { describe, expect, it } from "vitest";
import { EC2_DESCRIPTION_CHARS, platformFlows } from "../../components/firewall/flows";
import { naclRules } from "../../components/firewall/nacl-rules";
import { SEGMENTS } from "../../components/network/segments";
import { azSlot, planSubnets, segmentBlock } from "../../components/network/subnets";
import { cidrContains, cidrsOverlap, parseCidr } from "../../policies/lib/cidr";

/** The subnet plan (components/network/subnets.ts): stable, non-overlapping, keyed by segment and AZ. */

const AZS = ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2d", "eu-west-2e", "eu-west-2f"];
const VPC = "10.20.0.0/16";

describe("planSubnets", () => {
  it.each([2, 3, 4, 5, 6])("with %i AZs: one subnet per segment per AZ, all inside the VPC, none overlapping", (count) => {
    const plan = planSubnets(VPC, AZS.slice(0, count));
    expect(plan).toHaveLength(count * SEGMENTS.length);
    const vpc = parseCidr(VPC);
    const blocks = plan.map((s) => parseCidr(s.cidr));
    for (const [i, block] of blocks.entries()) {
      expect(block && vpc && cidrContains(vpc, block), plan[i]?.cidr).toBe(true);
      for (const [j, other] of blocks.entries()) if (i !== j && block && other) expect(cidrsOverlap(block, other), `${plan[i]?.cidr} vs ${plan[j]?.cidr}`).toBe(false);
    }
    for (const segment of SEGMENTS) expect(plan.filter((s) => s.segment === segment).map((s) => s.az)).toEqual(AZS.slice(0, count));
  });

  it("the guide's segments get the documented sizes in a /16 (application /21, public and database /22, management and backup /24)", () => {
    const prefix = (segment: string) => parseCidr(planSubnets(VPC, ["eu-west-2a", "eu-west-2b"]).find((s) => s.segment === segment)?.cidr ?? "")?.prefix;
    expect({ application: prefix("application"), public: prefix("public"), database: prefix("database"), management: prefix("management"), backup: prefix("backup") }).toEqual({ application: 21, public: 22, database: 22, management: 24, backup: 24 });
  });

  it.each([
    ["2 → 3 AZs", AZS.slice(0, 2), AZS.slice(0, 3)],
    ["3 → 6 AZs", AZS.slice(0, 3), AZS],
    ["a zone added in the middle of the list", ["eu-west-2a", "eu-west-2c"], ["eu-west-2a", "eu-west-2b", "eu-west-2c"]],
    ["the list reordered", ["eu-west-2a", "eu-west-2b", "eu-west-2c"], ["eu-west-2c", "eu-west-2a", "eu-west-2b"]],
  ])("%s changes no existing subnet (same key, same CIDR)", (_label, before, after) => {
    const next = new Map(planSubnets(VPC, after).map((s) => [s.key, s.cidr]));
    for (const subnet of planSubnets(VPC, before)) expect(next.get(subnet.key), subnet.key).toBe(subnet.cidr);
  });

  it("keys subnets by segment and AZ name, never by position", () => {
    expect(planSubnets(VPC, ["eu-west-2b", "eu-west-2a"]).map((s) => s.key).slice(0, 2)).toEqual(["public-eu-west-2b", "application-eu-west-2b"]);
  });

  it("each segment is one contiguous block holding all its AZ subnets (NACL rules name one range per segment)", () => {
    for (const segment of SEGMENTS) {
      const block = parseCidr(segmentBlock(VPC, segment));
      for (const s of planSubnets(VPC, AZS).filter((x) => x.segment === segment)) expect(block && cidrContains(block, parseCidr(s.cidr) ?? block)).toBe(true);
    }
    const blocks = SEGMENTS.map((s) => parseCidr(segmentBlock(VPC, s)));
    for (const [i, a] of blocks.entries()) for (const [j, b] of blocks.entries()) if (i !== j && a && b) expect(cidrsOverlap(a, b)).toBe(false);
  });

  it.each([
    ["10.0.0.0/16", "10.0.0.0/21"],
    ["10.0.0.0/17", "10.0.0.0/22"],
    ["10.0.0.0/18", "10.0.0.0/23"],
  ])("scales with the VPC size: %s → the first application subnet %s", (vpc, first) => {
    expect(planSubnets(vpc, ["eu-west-2a", "eu-west-2b"]).find((s) => s.segment === "application")?.cidr).toBe(first);
  });

  it.each([["10.0.0.0/15"], ["10.0.0.0/19"], ["2001:db8::/48"], ["nonsense"]])("refuses a VPC of %s", (vpc) => {
    expect(() => planSubnets(vpc, ["eu-west-2a", "eu-west-2b"])).toThrow(/must be an IPv4 \/16–\/18/);
  });

  it.each([
    ["eu-west-2a", 0],
    ["us-east-1f", 5],
    ["us-gov-west-1h", 7],
    ["eu-west-2i", undefined],
    ["us-west-2-lax-1a", undefined],
    ["euw2-az1", undefined],
  ])("azSlot(%s) = %s", (az, slot) => {
    expect(azSlot(az)).toBe(slot);
  });
});

describe("the flow table and its network-ACL rules", () => {
  const rules = naclRules(platformFlows({ adminCidrs: ["198.51.100.0/24", "192.0.2.7/32"] }), VPC);

  it("gives every rule a number unique within its ACL and direction, inside AWS's 1–32766", () => {
    const seen = new Set<string>();
    for (const rule of rules) {
      const id = `${rule.segment}/${rule.egress}/${rule.ruleNumber}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
      expect(rule.ruleNumber).toBeGreaterThanOrEqual(1);
      expect(rule.ruleNumber).toBeLessThanOrEqual(32766);
    }
  });

  it("stays within the default 20 rules per ACL and direction", () => {
    const counts = new Map<string, number>();
    for (const rule of rules) counts.set(`${rule.segment}/${rule.egress}`, (counts.get(`${rule.segment}/${rule.egress}`) ?? 0) + 1);
    for (const [key, count] of counts) expect(count, key).toBeLessThanOrEqual(20);
  });

  it("gives every rule a distinct logical-name key", () => {
    expect(new Set(rules.map((r) => r.key)).size).toBe(rules.length);
  });

  it("adding an admin range renumbers no existing rule", () => {
    const before = new Map(naclRules(platformFlows({ adminCidrs: ["198.51.100.0/24"] }), VPC).map((r) => [r.key, r.ruleNumber]));
    const after = naclRules(platformFlows({ adminCidrs: ["198.51.100.0/24", "192.0.2.7/32"] }), VPC);
    for (const rule of after) if (before.has(rule.key)) expect(rule.ruleNumber, rule.key).toBe(before.get(rule.key));
  });

  it("has no SSH flow at all when there are no admin ranges", () => {
    expect(platformFlows({ adminCidrs: [] }).filter((f) => f.port === 22)).toEqual([]);
    expect(naclRules(platformFlows({ adminCidrs: [] }), VPC).filter((r) => r.fromPort === 22)).toEqual([]);
  });

  it("writes every guide line as a description EC2 accepts", () => {
    for (const flow of platformFlows({ adminCidrs: ["198.51.100.0/24"] })) expect(flow.guide, flow.id).toMatch(EC2_DESCRIPTION_CHARS);
  });
});
