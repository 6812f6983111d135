import * as awsProvider from "@pulumi/aws/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicyPack } from "../../scripts/lib/policy-evaluator";
import { composeNetwork } from "../../stacks/compose/network";
import { type PlannedResource, platformConfigFor, rawStackConfig, recordProgram } from "../helpers/pulumi";
import { planned } from "../policies/fixtures";
import { T } from "./reachability";

/**
 * The pack's network and IAM policies over the recorded AWS foundation: the real resources pass,
 * and each way of weakening them — a world range in another spelling, a route out of the
 * database segment, a dropped flow log, a rule on the default group, a wildcard action — is
 * refused by the named policy. Mutations are made to the recorded resources, as a hand-edited
 * program would register them.
 */

let base: PlannedResource[];

beforeAll(async () => {
  const current = rawStackConfig("staging").values["promptandpause:network"] as Record<string, unknown>;
  const config = platformConfigFor("staging", { "promptandpause:network": { ...current, adminCidrs: ["198.51.100.0/24"] } });
  base = (
    await recordProgram(
      () => composeNetwork({ config, providers: { aws: new awsProvider.Provider("aws", { region: "eu-west-2" }) } }, ["application", "database", "backup"]),
      { skipEngineExtras: true },
    )
  ).resources;
});

const find = (name: string) => {
  const r = base.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name}`);
  return r;
};

/** A new resource registered beside the recorded ones (the pack's own fixture builder). */
function added(type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}): PlannedResource {
  return planned(type, name, inputs, { dependencies: Object.values(deps).flat(), propertyDependencies: deps });
}

function changed(name: string, inputs: Record<string, unknown>): PlannedResource[] {
  return base.map((r) => (r.name === name ? { ...r, inputs: { ...r.inputs, ...inputs }, maskedInputs: { ...r.maskedInputs, ...inputs } } : r));
}

/** A role's boundary inputs that name the recorded foundation's role boundary policy. */
function withinBoundary(): { inputs: Record<string, unknown>; deps: Record<string, string[]> } {
  const boundary = base.find((r) => r.type === "aws:iam/policy:Policy" && r.parent?.includes("RoleBoundary"));
  if (!boundary) throw new Error("the recorded foundation has no role boundary policy");
  return { inputs: { permissionsBoundary: `arn:aws:iam::123456789012:policy/${String(boundary.inputs.name)}` }, deps: { permissionsBoundary: [boundary.urn] } };
}

async function violations(resources: PlannedResource[], config?: Record<string, unknown>) {
  const report = await evaluatePolicyPack(resources, { project: "promptandpause", stack: "staging", ...(config ? { config } : {}) });
  return report.violations.map((v) => `${v.policy}: ${v.message.split("\n")[1] ?? ""}`);
}

const sshFrom = (name: string, cidr: Record<string, string>, group = "firewall-sg-management", ports = { ipProtocol: "tcp", fromPort: 22, toPort: 22 }) =>
  added(T.ingress, name, { ...ports, ...cidr }, { securityGroupId: [find(group).urn] });

describe("the recorded foundation", () => {
  it("passes every policy of the pack", async () => {
    expect(await violations(base)).toEqual([]);
  });
});

describe("network-admin-ports-closed and network-no-world-ingress", () => {
  it.each([
    ["0.0.0.0/0 in one rule", [{ cidrIpv4: "0.0.0.0/0" }]],
    ["0.0.0.0/1 + 128.0.0.0/1 in two rules", [{ cidrIpv4: "0.0.0.0/1" }, { cidrIpv4: "128.0.0.0/1" }]],
    ["::/0", [{ cidrIpv6: "::/0" }]],
  ])("SSH from %s is refused", async (_label, sources) => {
    const extra = sources.map((cidr, i) => sshFrom(`ssh-world-${i}`, cidr));
    const found = await violations([...base, ...extra]);
    expect(found.filter((v) => v.startsWith("network-admin-ports-closed"))).toEqual([expect.stringMatching(/admits port 22 from a world range/)]);
  });

  it.each(["-1", "all", "ALL"])("an all-traffic rule (protocol %s) from the world opens every admin port, and is refused for each", async (ipProtocol) => {
    // The provider lower-cases the protocol before sending it (terraform-provider-aws ProtocolForValue): "ALL" is all traffic.
    const found = await violations([...base, sshFrom("all-world", { cidrIpv4: "0.0.0.0/0" }, "firewall-sg-application", { ipProtocol, fromPort: 0, toPort: 0 })]);
    expect(found.filter((v) => v.startsWith("network-admin-ports-closed")).map((v) => /port (\d+)/.exec(v)?.[1])).toEqual(["22", "23", "3389", "5900"]);
  });

  it("SSH from a listed admin range passes", async () => {
    expect(await violations([...base, sshFrom("ssh-office", { cidrIpv4: "192.0.2.0/24" })])).toEqual([]);
  });

  it("HTTPS from the world is refused where no public entry point exists, and allowed once one is declared", async () => {
    const https = sshFrom("https-world", { cidrIpv4: "0.0.0.0/0" }, "firewall-sg-application", { ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    expect(await violations([...base, https])).toEqual([expect.stringMatching(/^network-no-world-ingress: .*admits tcp 443 from a world range/)]);
    expect(await violations([...base, https], { "network-no-world-ingress": { publicEntryPoints: [{ port: 443, protocol: "tcp" }] } })).toEqual([]);
  });

  it("a port range from the world that merely includes a declared entry point is still refused", async () => {
    const range = sshFrom("range-world", { cidrIpv4: "0.0.0.0/0" }, "firewall-sg-application", { ipProtocol: "tcp", fromPort: 400, toPort: 500 });
    expect(await violations([...base, range], { "network-no-world-ingress": { publicEntryPoints: [{ port: 443, protocol: "tcp" }] } })).toEqual([expect.stringMatching(/^network-no-world-ingress: .*tcp 400 \(in a range up to 500\)/)]);
  });

  it.each([
    ["tcp", "allow"],
    ["TCP", "ALLOW"],
    ["6", "Allow"],
  ])("a network-ACL rule letting SSH in from the world is refused (protocol %s, action %s)", async (protocol, ruleAction) => {
    const rule = added(T.naclRule, "nacl-ssh-world", { egress: false, ruleNumber: 5, protocol, fromPort: 22, toPort: 22, ruleAction, cidrBlock: "0.0.0.0/0" }, { networkAclId: [find("network-nacl-management").urn] });
    expect(await violations([...base, rule])).toEqual([expect.stringMatching(/^network-admin-ports-closed: Network ACL .* allows port 22 in from a world range/)]);
  });

  it.each(["aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"])("an inline ingress block of a %s letting SSH in from the world is refused", async (type) => {
    const ingress = [
      { ruleNo: 5, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/1" },
      { ruleNo: 6, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "128.0.0.0/1" },
    ];
    const acl = added(type, "inline-acl", { vpcId: "vpc-1", ingress, egress: [] }, {});
    expect(await violations([...base, acl])).toEqual([expect.stringMatching(/^network-admin-ports-closed: Network ACL .*inline-acl allows port 22 in from a world range/)]);
    const denied = added(type, "inline-acl", { vpcId: "vpc-1", ingress: ingress.map((r) => ({ ...r, action: "deny" })), egress: [] }, {});
    expect(await violations([...base, denied])).toEqual([]);
  });
});

describe("network-database-isolated", () => {
  it("a route from the database table to the internet gateway is refused", async () => {
    const route = added(T.route, "db-to-igw", { destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }, { routeTableId: [find("network-rt-database").urn], gatewayId: [find("network-igw").urn] });
    expect(await violations([...base, route])).toEqual([expect.stringMatching(/^network-database-isolated: Route "db-to-igw" .* to an internet gateway/)]);
  });

  it("a route from the database table to a NAT gateway is refused", async () => {
    const route = added(T.route, "db-to-nat", { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }, { routeTableId: [find("network-rt-database").urn], natGatewayId: [find("network-nat-eu-west-2a").urn] });
    expect(await violations([...base, route])).toEqual([expect.stringMatching(/^network-database-isolated: .*to a NAT gateway/)]);
  });

  it("moving a database subnet onto the public route table is refused", async () => {
    const resources = base.map((r) => (r.name === "network-rta-database-eu-west-2a" ? { ...r, propertyDependencies: { ...r.propertyDependencies, routeTableId: [find("network-rt-public").urn] } } : r));
    expect(await violations(resources)).toEqual([expect.stringMatching(/^network-database-isolated: Route "network-route-public-internet"/)]);
  });
});

describe("network-flow-logs and network-default-sg-closed", () => {
  it("a VPC without its flow log is refused", async () => {
    expect(await violations(base.filter((r) => r.type !== "aws:ec2/flowLog:FlowLog"))).toEqual([expect.stringMatching(/^network-flow-logs: VPC "network-vpc" has no flow log/)]);
  });

  it("a flow log of rejected traffic only is refused", async () => {
    expect(await violations(changed("network-flow-log", { trafficType: "REJECT" }))).toEqual([expect.stringMatching(/^network-flow-logs: .*logs only REJECT traffic/)]);
  });

  it("a default security group with rules, or a rule attached to it, is refused", async () => {
    expect(await violations(changed("network-default-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }))).toEqual([expect.stringMatching(/^network-default-sg-closed: Default security group "network-default-sg" has rules/)]);
    const rule = added(T.ingress, "on-default", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" }, { securityGroupId: [find("network-default-sg").urn] });
    expect(await violations([...base, rule])).toEqual([expect.stringMatching(/^network-default-sg-closed: Rule "on-default" is attached to a default security group/)]);
  });

  it("a VPC whose default security group is not adopted is refused", async () => {
    expect(await violations(base.filter((r) => r.type !== "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"))).toEqual([expect.stringMatching(/^network-default-sg-closed: VPC "network-vpc" does not adopt/)]);
  });
});

describe("iam-no-wildcard-actions", () => {
  const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  it.each([
    ["Action *", { Effect: "Allow", Action: "*", Resource: "*" }, /Allow of "\*"/],
    ["a service wildcard", { Effect: "Allow", Action: ["logs:PutLogEvents", "s3:*"], Resource: "*" }, /Allow of "s3:\*"/],
    ["a prefix wildcard", { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }, /Allow of "ec2:Describe\*"/],
    ["NotAction in an Allow", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, /NotAction/],
  ])("an inline role policy with %s is refused", async (_label, statement, message) => {
    const policy = added("aws:iam/rolePolicy:RolePolicy", "wild", { role: "r", policy: doc(statement) });
    expect(await violations([...base, policy])).toEqual([expect.stringMatching(message)]);
  });

  it("reads policy documents of any AWS resource (a KMS key policy, a role's inline policies)", async () => {
    const key = changed("alerts-key", { policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }) });
    expect(await violations(key)).toEqual([expect.stringMatching(/^iam-no-wildcard-actions: alerts-key: policy has Allow of "kms:\*"/)]);
    const role = added(
      "aws:iam/role:Role",
      "inline",
      { ...withinBoundary().inputs, assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" }) }] },
      withinBoundary().deps,
    );
    expect(await violations([...base, role])).toEqual([expect.stringMatching(/inlinePolicies\[0\]\.policy has Allow of "sqs:\*"/)]);
  });

  it("a Deny with wildcards passes (denying all non-TLS use is what they are for)", async () => {
    expect(await violations([...base, added("aws:iam/rolePolicy:RolePolicy", "deny", { role: "r", policy: doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }) })])).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    ["aws:iam/policyAttachment:PolicyAttachment", { name: "admins", roles: ["r"], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    ["aws:iam/userPolicyAttachment:UserPolicyAttachment", { user: "u", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", { group: "g", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/AdministratorAccess"] }],
    ["aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", { instanceArn: "arn:aws:sso:::instance/i", permissionSetArn: "arn:aws:sso:::permissionSet/p", managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    ["aws:iam/role:Role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"] }],
  ])("attaching an AWS-managed policy that is not reviewed (AdministratorAccess) through %s is refused", async (type, inputs) => {
    // A role carries the stack's boundary (iam-role-boundary), so this policy's is the one violation.
    const attach = type === "aws:iam/role:Role" ? added(type, "admin", { ...inputs, ...withinBoundary().inputs }, withinBoundary().deps) : added(type, "admin", inputs);
    expect(await violations([...base, attach])).toEqual([expect.stringMatching(/attaches the AWS-managed policy arn:aws(-us-gov)?:iam::aws:policy\/AdministratorAccess,/)]);
  });

  it("a reviewed AWS-managed policy passes in any partition", async () => {
    const attach = added("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ssm", { role: "r", policyArn: "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore" });
    expect(await violations([...base, attach])).toEqual([]);
  });
});
