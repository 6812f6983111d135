/**
 * The VPNs in the real offline plan: the committed stacks keep both off; the fixture overlays
 * (tests/fixtures/stacks/*-vpn.yaml) turn on prod's IPSec VPN and staging's WireGuard gateway,
 * and both plan clean under the whole pack; a stack file that weakens a tunnel is refused before
 * anything is registered, naming the key.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatIssue, isConfigError } from "../../components/shared/errors";
import { PROJECT } from "../../scripts/lib/run-plan";
import { readStackFile } from "../../scripts/lib/stack-file";
import { decodeConfigValue, parseStackConfig } from "../../stacks/config";
import { ofType, planStack, platformConfigFor, REPO_ROOT } from "../helpers/pulumi";
import type { PlanOutcome } from "../../scripts/lib/run-plan";
import type { PlannedResource } from "../helpers/pulumi";

const dir = mkdtempSync(path.join(tmpdir(), "vpn-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type StackYaml = { config: Record<string, unknown> };
const load = (file: string) => yaml.load(readFileSync(file, "utf8")) as StackYaml;

/** The committed stack file with the fixture overlay's keys on top (and `vpn` edited by `edit`), written to a temp file. */
function stackFile(stack: "prod" | "staging", overlay: string | undefined, edit: (vpn: Record<string, Record<string, unknown>>) => void = () => {}): string {
  const base = load(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
  const extra = overlay ? load(path.join(REPO_ROOT, "tests/fixtures/stacks", overlay)).config : {};
  const config = structuredClone({ ...base.config, ...extra });
  const vpn = config["promptandpause:vpn"] as Record<string, Record<string, unknown>> | undefined;
  if (vpn) edit(vpn);
  const file = path.join(dir, `${stack}-${overlay ?? "base"}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml.dump({ config }));
  return file;
}

/**
 * Network ACL rules as EC2 takes them: a rule number is unique per ACL and direction (a duplicate
 * fails the create), and an ACL holds at most 20 rules per direction (VPC quota "Rules per
 * network ACL", default 20, adjustable to 40).
 */
function expectAclRulesFit(resources: PlannedResource[]): void {
  const byAcl = new Map<string, number[]>();
  for (const r of ofType(resources, "aws:ec2/networkAclRule:NetworkAclRule")) {
    const key = `${r.inputs.networkAclId}|${r.inputs.egress ? "out" : "in"}`;
    byAcl.set(key, [...(byAcl.get(key) ?? []), Number(r.inputs.ruleNumber)]);
  }
  for (const [acl, numbers] of byAcl) {
    expect(new Set(numbers).size, `duplicate rule numbers in ${acl}: ${numbers.join(", ")}`).toBe(numbers.length);
    expect(numbers.length, `${acl} has ${numbers.length} rules`).toBeLessThanOrEqual(20);
  }
}

function planned(outcome: PlanOutcome) {
  if (outcome.kind !== "planned") throw new Error(`did not plan:\n${outcome.problems.join("\n")}`);
  return outcome;
}

describe("committed stacks", () => {
  // Parsing is what decides: composeVpn registers nothing when both sections are absent
  // (the full plans of the committed stacks run in tests/plan).
  it.each(["staging", "prod"] as const)("%s keeps both VPNs off (no promptandpause:vpn until real addresses exist)", (stack) => {
    expect(load(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)).config["promptandpause:vpn"]).toBeUndefined();
    expect(platformConfigFor(stack).vpn).toEqual({});
  });
});

describe("prod with the office IPSec VPN", () => {
  let outcome: ReturnType<typeof planned>;
  beforeAll(async () => {
    outcome = planned(await planStack({ file: stackFile("prod", "prod-vpn.yaml"), stack: "prod" }));
  });

  it("plans clean under the pack", () => {
    expect(outcome.document.policies.violations).toEqual([]);
    expect(ofType(outcome.resources, "aws:ec2/vpnConnection:VpnConnection")).toHaveLength(1);
  });

  it("adds network ACL rules for the office to the reachable segments only, without clashing with the firewall's", () => {
    const vpnRules = ofType(outcome.resources, "aws:ec2/networkAclRule:NetworkAclRule").filter((r) => r.name.startsWith("vpn-office-nacl-"));
    expect(vpnRules.map((r) => r.name).sort()).toEqual(
      ["application", "management"].flatMap((s) => ["192-168-10-0-24", "192-168-20-0-24"].flatMap((c) => [`vpn-office-nacl-${s}-in-office-${c}`, `vpn-office-nacl-${s}-out-office-${c}`])).sort(),
    );
    expectAclRulesFit(outcome.resources);
  });

  it("propagates office routes into the management and application route tables only", () => {
    const names = ofType(outcome.resources, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation").map((r) => r.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^vpn-office-propagation-(management|application)-\d+$/);
    // prod runs a NAT gateway, so an application route table, per AZ: every one of them learns the office.
    const azs = (load(path.join(REPO_ROOT, "Pulumi.prod.yaml")).config["promptandpause:aws"] as { availabilityZones: string[] }).availabilityZones;
    expect(names.filter((n) => n.includes("application"))).toHaveLength(azs.length);
  });

  it("outputs the office side's settings, without the keys", () => {
    const out = outcome.document.outputs.vpn as { siteToSite: { officeConfiguration: Record<string, unknown> } };
    expect(out.siteToSite.officeConfiguration).toMatchObject({ customerGatewayIp: "81.2.69.142", routing: "bgp", officeAsn: 65010, ikeVersion: "IKEv2", awsCidrs: ["10.10.128.0/21", "10.10.0.0/18"] });
    expect(JSON.stringify(outcome.document)).not.toMatch(/mockPsk|pre_shared_key/);
  });
});

describe("staging with WireGuard", () => {
  let outcome: ReturnType<typeof planned>;
  beforeAll(async () => {
    outcome = planned(await planStack({ file: stackFile("staging", "staging-wireguard.yaml"), stack: "staging" }));
  });

  it("plans clean under the pack", () => {
    expect(outcome.document.policies.violations).toEqual([]);
    expect(ofType(outcome.resources, "aws:autoscaling/group:Group").filter((r) => r.name === "wireguard-group")).toHaveLength(1);
  });

  it("opens UDP 51820 in the public ACL from the development range only, and fits the ACL quotas", () => {
    const listener = ofType(outcome.resources, "aws:ec2/networkAclRule:NetworkAclRule").filter((r) => r.name.startsWith("wireguard-nacl-public-in-wireguard-listener-"));
    expect(listener.map((r) => r.inputs)).toEqual([expect.objectContaining({ egress: false, protocol: "udp", fromPort: 51820, toPort: 51820, cidrBlock: "81.2.69.160/28", ruleAction: "allow" })]);
    expectAclRulesFit(outcome.resources);
  });

  it("routes the tunnel via the gateway interface and hangs the EIP on it", () => {
    const eni = ofType(outcome.resources, "aws:ec2/networkInterface:NetworkInterface").find((r) => r.name === "wireguard-eni");
    const association = ofType(outcome.resources, "aws:ec2/eipAssociation:EipAssociation").find((r) => r.name === "wireguard-eip-association");
    const routes = ofType(outcome.resources, "aws:ec2/route:Route").filter((r) => r.name.startsWith("wireguard-route-"));
    expect(eni && association).toBeTruthy();
    expect(eni?.urn && association?.dependencies).toContain(eni?.urn);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.inputs).toMatchObject({ destinationCidrBlock: "10.200.0.0/24" });
      expect(route.inputs.instanceId).toBeUndefined();
      expect(route.dependencies).toContain(eni?.urn);
    }
  });

  it("keeps the server key out of the plan document", () => {
    const parameter = ofType(outcome.resources, "aws:ssm/parameter:Parameter").find((r) => r.name === "wireguard-private-key-parameter");
    const key = String(parameter?.inputs.value);
    expect(key).toHaveLength(44);
    expect(JSON.stringify(outcome.document)).not.toContain(key);
  });
});

describe("stack files that weaken a tunnel are refused, naming the key", () => {
  /** The issues the configuration check reports for a stack file (what the plan prints before registering anything). */
  function problemsOf(file: string): string[] {
    const settings = readStackFile(file, PROJECT);
    const values = Object.fromEntries(Object.entries(settings.config).map(([k, v]) => [k, decodeConfigValue(v)]));
    try {
      parseStackConfig({ project: PROJECT, values, secretKeys: new Set(settings.secretKeys) });
      return [];
    } catch (err) {
      if (!isConfigError(err)) throw err;
      return err.issues.map(formatIssue);
    }
  }

  it("the plan stops before registering any resource", async () => {
    const outcome = await planStack({ file: stackFile("prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { ikeVersions: ["ikev1"] })), stack: "prod" });
    if (outcome.kind !== "invalid-config") throw new Error("planned; expected a refusal");
    expect(outcome.problems.some((p) => p.startsWith("promptandpause:vpn.siteToSite.ikeVersions[0]: is refused: only IKEv2 is allowed"))).toBe(true);
    expect(outcome.registered.filter((r) => r.custom)).toEqual([]);
  });

  it.each<[string, "prod" | "staging", string, (vpn: Record<string, Record<string, unknown>>) => void, string]>([
    ["IKEv1", "prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { ikeVersions: ["ikev1"] }), "promptandpause:vpn.siteToSite.ikeVersions[0]: is refused: only IKEv2 is allowed"],
    ["DH group 2", "prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { phase1: { dhGroups: [2, 14] } }), "promptandpause:vpn.siteToSite.phase1.dhGroups[0]: is refused: Diffie-Hellman groups must be 14-21"],
    ["DH group 24", "prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { phase2: { dhGroups: [24] } }), "promptandpause:vpn.siteToSite.phase2.dhGroups[0]: is refused: Diffie-Hellman groups must be 14-21"],
    ["AES-128 only", "prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { phase1: { encryption: ["AES128"] }, phase2: { encryption: ["AES128-GCM-16"] } }), "promptandpause:vpn.siteToSite.phase2.encryption[0]: is refused: the guide requires AES-256"],
    ["51820 to the world", "staging", "staging-wireguard.yaml", (v) => Object.assign(v.wireguard as object, { developmentCidrs: ["0.0.0.0/0"] }), "promptandpause:vpn.wireguard.developmentCidrs: opens UDP 51820 to the whole internet"],
    ["an office network inside the VPC", "prod", "prod-vpn.yaml", (v) => Object.assign(v.siteToSite as object, { officeCidrs: ["10.10.200.0/24"] }), "promptandpause:vpn.siteToSite.officeCidrs[0]: overlaps the VPC (10.10.0.0/16"],
    ["a tunnel network inside the VPC", "staging", "staging-wireguard.yaml", (v) => Object.assign(v.wireguard as object, { tunnelCidr: "10.20.250.0/24" }), "promptandpause:vpn.wireguard.tunnelCidr: overlaps the VPC (10.20.0.0/16"],
  ])("%s", (_case, stack, overlay, edit, message) => {
    const problems = problemsOf(stackFile(stack, overlay, edit));
    expect(problems.filter((p) => p.startsWith(message))).toHaveLength(1);
  });
});
