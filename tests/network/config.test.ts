import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { configErrorOf, patched, problemLines, problemsOrNone, validRaw } from "../config/support";
import { runPlanInProcess } from "../helpers/plan-cli";
import { REPO_ROOT } from "../helpers/pulumi";

/**
 * `promptandpause:aws` and `promptandpause:network`: every way a stack file could open the admin
 * port to the world, collide with another network, or drop a network control is refused with
 * the key, the value and the fix — before anything is registered.
 */

const net = (patch: Record<string, unknown>) => ({ "promptandpause:network": patched("promptandpause:network", patch) });
const aws = (patch: Record<string, unknown>) => ({ "promptandpause:aws": patched("promptandpause:aws", patch) });
const lineFor = (lines: string[], prefix: string) => lines.find((l) => l.startsWith(prefix));

describe("accepted", () => {
  it("both committed stack files", () => {
    expect(problemsOrNone(validRaw())).toEqual([]);
  });

  it.each([[["198.51.100.0/24"]], [["192.0.2.7/32", "203.0.113.0/24"]], [["10.8.0.0/16"]]])("admin ranges %j", (adminCidrs) => {
    expect(problemsOrNone(validRaw(net({ adminCidrs })))).toEqual([]);
  });
});

describe("refused", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["SSH open to 0.0.0.0/0", net({ adminCidrs: ["0.0.0.0/0"] }), "promptandpause:network.adminCidrs: together cover a world range"],
    ["SSH open to the world as two /1s", net({ adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }), "promptandpause:network.adminCidrs: together cover a world range"],
    ["SSH open to the world as four /2s", net({ adminCidrs: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"] }), "promptandpause:network.adminCidrs: together cover a world range"],
    ["SSH from ::/0 (the VPC is IPv4-only)", net({ adminCidrs: ["::/0"] }), 'promptandpause:network.adminCidrs[0]: must be an IPv4 CIDR block like 203.0.113.0/24 (got "::/0")'],
    ["SSH from a /8", net({ adminCidrs: ["10.0.0.0/8"] }), 'promptandpause:network.adminCidrs[0]: is wider than a /16: SSH is for admin addresses only; list the office range or single admin addresses (/32) (got "10.0.0.0/8")'],
    ["an admin range with host bits", net({ adminCidrs: ["198.51.100.7/24"] }), "promptandpause:network.adminCidrs[0]: has host bits set"],
    ["more than 8 admin ranges", net({ adminCidrs: Array.from({ length: 9 }, (_, i) => `192.0.2.${i}/32`) }), "promptandpause:network.adminCidrs: must have at most 8 item(s)"],
    ["a VPC overlapping the other stack's VPC", net({ cidr: "10.10.0.0/16" }), "promptandpause:network.cidr: overlaps prod-vpc (10.10.0.0/16) from network.reservedCidrs"],
    ["a VPC on public addresses", net({ cidr: "8.8.0.0/16" }), "promptandpause:network.cidr: must be private address space"],
    ["a VPC too small for the segment plan", net({ cidr: "10.20.0.0/20" }), "promptandpause:network.cidr: must be a /16 to /18"],
    ["flow logs switched off", net({ flowLogs: false }), "promptandpause:network.flowLogs: unknown key (got false)"],
    ["an internet route for the database segment", net({ databaseInternetRoute: true }), "promptandpause:network.databaseInternetRoute: unknown key (got true)"],
    ["a retention CloudWatch does not accept", net({ flowLogRetentionDays: 45 }), "promptandpause:network.flowLogRetentionDays: must be a CloudWatch Logs retention"],
    ["NAT per subnet (not a mode)", net({ natGateways: "perSubnet" }), 'promptandpause:network.natGateways: must be one of "single", "perAz" (got "perSubnet")'],
    ["an admin host type that cannot boot the arm64 AMI", net({ adminHost: { instanceType: "t3.nano" } }), 'promptandpause:network.adminHost.instanceType: must be one of "t4g.nano", "t4g.micro", "t4g.small", "t4g.medium" (got "t3.nano")'],
    ["the DR region equal to the primary", aws({ drRegion: "eu-west-2" }), 'promptandpause:aws.drRegion: must differ from aws.region (a region outage would take the backups\' replica with it) (got "eu-west-2")'],
    ["a zone of another region", aws({ availabilityZones: ["eu-west-2a", "eu-west-1b"] }), 'promptandpause:aws.availabilityZones[1]: is not a zone of aws.region eu-west-2 (got "eu-west-1b")'],
    ["a zone listed twice", aws({ availabilityZones: ["eu-west-2a", "eu-west-2a"] }), 'promptandpause:aws.availabilityZones[1]: is listed twice (got "eu-west-2a")'],
    ["one zone only", aws({ availabilityZones: ["eu-west-2a"] }), "promptandpause:aws.availabilityZones: must have at least 2 item(s)"],
    ["a Local Zone", aws({ availabilityZones: ["eu-west-2a", "us-west-2-lax-1a"] }), "promptandpause:aws.availabilityZones[1]: must be an AZ name like eu-west-2a"],
    ["an account id that is not 12 digits", aws({ accountId: "12345" }), 'promptandpause:aws.accountId: must be the 12-digit AWS account id (got "12345")'],
    ["a misspelt region", aws({ region: "eu-wst-2" }), "promptandpause:aws.region: must be one of"],
    ["an aws: provider key the platform would silently ignore", { "aws:region": "us-east-1" }, 'aws:region: is not a setting this platform reads (got "us-east-1")'],
  ])("%s", (_label, overrides, expected) => {
    const lines = problemLines(configErrorOf(validRaw(overrides)));
    expect(lineFor(lines, expected.split(" (got")[0] ?? expected), lines.join("\n")).toContain(expected);
  });
});

describe("the plan command", () => {
  it("exits 2 naming every bad network key, before registering anything", async () => {
    const file = yaml.load(readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> };
    const network = file.config["promptandpause:network"] as Record<string, unknown>;
    const awsSettings = file.config["promptandpause:aws"] as Record<string, unknown>;
    file.config["promptandpause:network"] = { ...network, adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] };
    file.config["promptandpause:aws"] = { ...awsSettings, flowLogs: false };
    const dir = mkdtempSync(path.join(tmpdir(), "network-config-"));
    const target = path.join(dir, "Pulumi.staging.yaml");
    writeFileSync(target, yaml.dump(file));
    const result = await runPlanInProcess(["--stack", "staging", "--config", target]);
    expect(result.code).toBe(2);
    const output = result.stdout + result.stderr;
    expect(output).toContain("promptandpause:network.adminCidrs: together cover a world range");
    expect(output).toContain("promptandpause:aws.flowLogs: unknown key");
    expect(output).not.toMatch(/^Resources/m);
  });
});
