/**
 * WireGuardGateway with explicit args: the address and routes hang off a managed network
 * interface (so replacing the instance keeps them), the key never leaves SSM/secret state, the
 * instance is IMDSv2-only with an encrypted volume, and the recorded user data is a real script
 * that passes shellcheck.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConfigError } from "../../components/shared/errors";
import { GATEWAY_TAG_KEY, WireGuardGateway, type WireGuardGatewayArgs } from "../../components/vpn/wireguard";
import { one, ofType, type PlannedResource, recordProgram, unwrap } from "../helpers/pulumi";

const T = {
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eip: "aws:ec2/eip:Eip",
  association: "aws:ec2/eipAssociation:EipAssociation",
  route: "aws:ec2/route:Route",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  template: "aws:ec2/launchTemplate:LaunchTemplate",
  group: "aws:autoscaling/group:Group",
  parameter: "aws:ssm/parameter:Parameter",
  bytes: "random:index/randomBytes:RandomBytes",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  kmsKey: "aws:kms/key:Key",
  instance: "aws:ec2/instance:Instance",
};

/** The account the AWS mocks answer with when the test sets no promptandpause:aws config. */
const MOCK_ACCOUNT = "000000000000";
const pub = (): string => execFileSync("wg", ["pubkey"], { input: execFileSync("wg", ["genkey"]) }).toString().trim();

const ARGS: WireGuardGatewayArgs = {
  namePrefix: "promptandpause-staging",
  permissionsBoundary: "arn:aws:iam::111111111111:policy/promptandpause-staging-role-boundary",
  region: "eu-west-2",
  accountId: "111111111111",
  vpcId: "vpc-0123456789abcdef0",
  vpcCidr: "10.1.0.0/16",
  publicSubnet: { id: "subnet-public-a", cidr: "10.1.0.0/24" },
  instanceSubnetId: "subnet-management-a",
  developmentCidrs: ["81.2.69.0/28", "2a02:8010::/32"],
  peers: [
    { name: "alice-laptop", publicKey: pub(), tunnelIp: "10.200.0.10" },
    { name: "bob-desktop", publicKey: pub(), tunnelIp: "10.200.0.11" },
  ],
  routeTableIds: { "application-0": "rtb-app-a", "application-1": "rtb-app-b", "management-0": "rtb-mgmt" },
  clientAllowedIps: ["10.1.16.0/20", "10.1.48.0/24"],
};

async function record(args: WireGuardGatewayArgs) {
  return recordProgram(() => {
    const gw = new WireGuardGateway("wireguard", args);
    return { publicKey: gw.serverPublicKey, clients: gw.clientConfigs, endpoint: gw.endpoint };
  });
}

const dir = mkdtempSync(join(tmpdir(), "wg-component-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("WireGuardGateway", () => {
  let resources: PlannedResource[];
  let publicKey: string;
  let clients: Record<string, string>;
  let userData: string;
  let eniId: string;

  beforeAll(async () => {
    const run = await record(ARGS);
    resources = run.resources;
    publicKey = await unwrap(run.result.publicKey);
    clients = await unwrap(run.result.clients);
    userData = Buffer.from(String(one(resources, T.template).inputs.userData), "base64").toString("utf8");
    eniId = String(one(resources, T.association).inputs.networkInterfaceId);
  });

  it("keeps the address and routes on the managed interface, never on an instance", () => {
    const eni = one(resources, T.eni);
    expect(eni.inputs).toMatchObject({ subnetId: "subnet-public-a", sourceDestCheck: false });
    expect(eniId).toMatch(/^eni-[0-9a-f]{17}$/);
    const association = one(resources, T.association);
    expect(association.inputs).toEqual({ allocationId: expect.stringMatching(/^eipalloc-/), networkInterfaceId: eniId });
    const routes = ofType(resources, T.route);
    expect(routes.map((r) => r.inputs)).toEqual(
      ["rtb-app-a", "rtb-app-b", "rtb-mgmt"].map((routeTableId) => ({ routeTableId, destinationCidrBlock: "10.200.0.0/24", networkInterfaceId: eniId })),
    );
    // Nothing about them depends on the instance side: the template or group can be replaced freely.
    const instanceSide = [one(resources, T.template).urn, one(resources, T.group).urn];
    for (const r of [association, ...routes, eni]) expect(r.dependencies.filter((d) => instanceSide.includes(d))).toEqual([]);
    expect(ofType(resources, T.instance)).toEqual([]);
  });

  it("runs one instance from a launch template: SSM-resolved Debian AMI, IMDSv2 required, encrypted gp3", () => {
    const template = one(resources, T.template).inputs;
    expect(template).toMatchObject({
      imageId: "resolve:ssm:/aws/service/debian/release/12/latest/arm64",
      instanceType: "t4g.nano",
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 8 } }],
    });
    const group = one(resources, T.group).inputs;
    expect(group).toMatchObject({ minSize: 1, maxSize: 1, desiredCapacity: 1, vpcZoneIdentifiers: ["subnet-management-a"], launchTemplate: { version: "1" } });
    expect(group.instanceRefresh).toEqual({ strategy: "Rolling", preferences: { minHealthyPercentage: 0, maxHealthyPercentage: 100 } });
    expect(group.tags).toContainEqual({ key: GATEWAY_TAG_KEY, value: "promptandpause-staging-wireguard", propagateAtLaunch: true });
  });

  it("opens UDP 51820 only, only from the development network's ranges", () => {
    const wgSg = ofType(resources, T.sg).find((r) => r.name === "wireguard-sg");
    const ingress = ofType(resources, T.ingress).map((r) => r.inputs);
    expect(ingress.map(({ ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6, securityGroupId }) => ({ ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6, sg: securityGroupId }))).toEqual([
      { ipProtocol: "udp", fromPort: 51820, toPort: 51820, cidrIpv4: "81.2.69.0/28", cidrIpv6: undefined, sg: expect.stringMatching(/^sg-/) },
      { ipProtocol: "udp", fromPort: 51820, toPort: 51820, cidrIpv4: undefined, cidrIpv6: "2a02:8010::/32", sg: expect.stringMatching(/^sg-/) },
    ]);
    expect(wgSg).toBeDefined();
    expect(one(resources, T.eni).inputs.securityGroups).toEqual([ingress[0]?.securityGroupId]);
  });

  it("keeps the private key secret: generated once, a SecureString under its own KMS key, absent from user data", async () => {
    const bytes = one(resources, T.bytes);
    expect(bytes.inputs).toEqual({ length: 32 });
    const parameter = one(resources, T.parameter);
    expect(parameter.inputs).toMatchObject({ type: "SecureString", name: "/promptandpause-staging/wireguard/wireguard/private-key", keyId: expect.stringMatching(/^arn:aws:kms:/) });
    expect(parameter.secretPaths).toContain("value");
    expect(parameter.maskedInputs.value).toBe("[secret]");
    const privateKey = String(parameter.inputs.value);
    expect(Buffer.from(privateKey, "base64")).toHaveLength(32);
    for (const r of resources) if (r !== parameter) expect(JSON.stringify(r.maskedInputs)).not.toContain(privateKey);
    expect(userData).not.toContain(privateKey);
    expect(one(resources, T.kmsKey).inputs).toMatchObject({ enableKeyRotation: true });
  });

  it("publishes the server's public key, the X25519 half of the stored key (as wg pubkey computes it)", () => {
    const privateKey = String(one(resources, T.parameter).inputs.value);
    expect(publicKey).toBe(execFileSync("wg", ["pubkey"], { input: privateKey }).toString().trim());
    expect(clients["alice-laptop"]).toContain(`PublicKey = ${publicKey}`);
    expect(clients["alice-laptop"]).toContain("AllowedIPs = 10.1.16.0/20, 10.1.48.0/24");
  });

  it("lets the instance attach only this interface, read only this parameter, decrypt only with its context", () => {
    const policy = JSON.parse(String(one(resources, T.rolePolicy).inputs.policy)) as { Statement: { Action: string; Resource: string | string[]; Condition?: unknown }[] };
    const parameterArn = `arn:aws:ssm:eu-west-2:${MOCK_ACCOUNT}:parameter/promptandpause-staging/wireguard/wireguard/private-key`;
    expect(policy.Statement.map((s) => s.Action)).toEqual(["ec2:AttachNetworkInterface", "ec2:DescribeNetworkInterfaces", "ssm:GetParameter", "kms:Decrypt"]);
    expect(policy.Statement.every((s) => !s.Action.includes("*"))).toBe(true);
    expect(policy.Statement[0]?.Resource).toEqual([expect.stringMatching(/:network-interface\/eni-/), "arn:aws:ec2:eu-west-2:111111111111:instance/*"]);
    expect(policy.Statement[0]?.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${GATEWAY_TAG_KEY}`]: "promptandpause-staging-wireguard" } });
    expect(policy.Statement[2]?.Resource).toBe(parameterArn);
    expect(policy.Statement[3]?.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:PARAMETER_ARN": parameterArn } });
  });

  it("boots from a user-data script that passes shellcheck and wires in the interface, parameter and peers", () => {
    const file = join(dir, "user-data.sh");
    writeFileSync(file, userData);
    const check = spawnSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
    expect(check.stdout).toBe("");
    expect(check.status).toBe(0);
    expect(userData).toContain(`readonly ENI_ID='${eniId}'`);
    expect(userData).toContain("readonly KEY_PARAMETER='/promptandpause-staging/wireguard/wireguard/private-key'");
    expect(userData).toContain("readonly VPC_CIDR='10.1.0.0/16'");
    // A new key is a new parameter version: it changes the user data, so the instance is replaced and loads it.
    expect(userData).toContain("# Private key version 1 (a new key replaces the instance).");
    expect(userData).toContain("readonly ROUTER='10.1.0.1'");
    for (const peer of ARGS.peers) expect(userData).toContain(`PublicKey = ${peer.publicKey}\nAllowedIPs = ${peer.tunnelIp}/32`);
  });
});

describe("replacing the instance", () => {
  it("a new image, instance type and peer list change only the instance side: interface, address and routes stay identical", async () => {
    const before = (await record(ARGS)).resources;
    const after = (await record({ ...ARGS, instanceType: "t4g.micro", imageParameter: "/aws/service/debian/release/12/latest/arm64", peers: [ARGS.peers[0] as (typeof ARGS.peers)[0]] })).resources;
    const stable = (rs: PlannedResource[]) => rs.filter((r) => [T.eni, T.eip, T.association, T.route, T.ingress].includes(r.type)).map((r) => ({ urn: r.urn, inputs: r.inputs }));
    expect(stable(after)).toEqual(stable(before));
    expect(one(after, T.template).inputs.userData).not.toEqual(one(before, T.template).inputs.userData);
    expect(one(after, T.template).inputs.instanceType).toBe("t4g.micro");
  });
});

describe("argument checks", () => {
  it.each<[string, Partial<WireGuardGatewayArgs>, string]>([
    ["51820 to the world", { developmentCidrs: ["0.0.0.0/0"] }, "developmentCidrs: would open UDP 51820 to the whole internet"],
    ["a peer outside the tunnel", { peers: [{ name: "a", publicKey: ARGS.peers[0]?.publicKey as string, tunnelIp: "10.9.9.9" }] }, "peers[0].tunnelIp: must be inside the tunnel CIDR 10.200.0.0/24"],
  ])("refuses %s before registering anything", async (_case, override, message) => {
    const run = record({ ...ARGS, ...override });
    await expect(run).rejects.toSatisfy((e: unknown) => isConfigError(e) && e.message.includes(message));
  });
});
