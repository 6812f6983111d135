/** VPN and instance policies: the compliant resources pass, one changed field → the exact violation. */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { planned, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const VPN = "aws:ec2/vpnConnection:VpnConnection";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const INSTANCE = "aws:ec2/instance:Instance";
const WG_TAGS = { "promptandpause:role": "wireguard-gateway" };

function tunnelInputs(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of [1, 2]) {
    out[`tunnel${n}IkeVersions`] = ["ikev2"];
    for (const phase of ["Phase1", "Phase2"]) {
      out[`tunnel${n}${phase}EncryptionAlgorithms`] = ["AES256", "AES256-GCM-16"];
      out[`tunnel${n}${phase}IntegrityAlgorithms`] = ["SHA2-256", "SHA2-384", "SHA2-512"];
      out[`tunnel${n}${phase}DhGroupNumbers`] = [14, 15, 16, 17, 18, 19, 20, 21];
    }
  }
  return out;
}

function vpnConnection(change: Record<string, unknown> = {}): PlannedResource {
  const inputs: Record<string, unknown> = { type: "ipsec.1", customerGatewayId: "cgw-1", vpnGatewayId: "vgw-1", staticRoutesOnly: true, presharedKeyStorage: "SecretsManager", ...tunnelInputs(), ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete inputs[k];
  return planned(VPN, "vpn-office-connection", inputs);
}

const ingress = (name: string, inputs: Record<string, unknown>) => planned(INGRESS, name, { securityGroupId: "sg-wg", ipProtocol: "udp", fromPort: 51820, toPort: 51820, tags: WG_TAGS, ...inputs });
const template = (metadataOptions: unknown) => planned(TEMPLATE, "wireguard-launch-template", { imageId: "resolve:ssm:/aws/service/debian/release/12/latest/arm64", ...(metadataOptions === undefined ? {} : { metadataOptions }) });

const VPN_URN = urnOf(VPN, "vpn-office-connection");

describe("vpn-tunnel-crypto", () => {
  it("the pinned connection passes", async () => {
    expect(await violationsOf("vpn-tunnel-crypto", [vpnConnection()])).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["IKEv1 on tunnel 2", { tunnel2IkeVersions: ["ikev1", "ikev2"] }, `VPN connection "vpn-office-connection" allows "ikev1" in tunnel2IkeVersions: only IKEv2 is allowed (RFC 8247 deprecates IKEv1). Allowed: ikev2.`],
    ["AES-128 in phase 2", { tunnel1Phase2EncryptionAlgorithms: ["AES128"] }, `VPN connection "vpn-office-connection" allows "AES128" in tunnel1Phase2EncryptionAlgorithms: the guide requires AES-256: only AES256 and AES256-GCM-16 are allowed. Allowed: AES256, AES256-GCM-16.`],
    ["SHA-1 in phase 1", { tunnel1Phase1IntegrityAlgorithms: ["SHA1", "SHA2-256"] }, `VPN connection "vpn-office-connection" allows "SHA1" in tunnel1Phase1IntegrityAlgorithms: integrity must be SHA-2 with at least 256 bits (SHA2-256, SHA2-384, SHA2-512). Allowed: SHA2-256, SHA2-384, SHA2-512.`],
    ["DH 2 and 24", { tunnel2Phase1DhGroupNumbers: [2, 20, 24] }, `VPN connection "vpn-office-connection" allows 2, 24 in tunnel2Phase1DhGroupNumbers: Diffie-Hellman groups must be 14-21 (RFC 8247: not 1, 2, 5, nor 22-24). Allowed: 14, 15, 16, 17, 18, 19, 20, 21.`],
    ["an unset option (AWS would offer everything)", { tunnel1Phase2DhGroupNumbers: undefined }, `VPN connection "vpn-office-connection" does not set tunnel1Phase2DhGroupNumbers; AWS then offers every value it supports. Set it to a subset of [14, 15, 16, 17, 18, 19, 20, 21].`],
  ])("%s", async (_case, change, message) => {
    expect(await violationsOf("vpn-tunnel-crypto", [vpnConnection(change)])).toEqual([violation("vpn-tunnel-crypto", message, VPN_URN)]);
  });

  it("a stack may narrow the allow-list in its policy config", async () => {
    const found = await violationsOf("vpn-tunnel-crypto", [vpnConnection()], { "vpn-tunnel-crypto": { dhGroups: [19, 20, 21] } });
    expect(found).toHaveLength(4);
    expect(found[0]?.message).toContain(`allows 14, 15, 16, 17, 18 in tunnel1Phase1DhGroupNumbers`);
  });
});

describe("vpn-preshared-keys", () => {
  it("AWS-generated keys in Secrets Manager pass", async () => {
    expect(await violationsOf("vpn-preshared-keys", [vpnConnection()])).toEqual([]);
  });

  it("a key in the inputs is refused, and the message never contains it", async () => {
    const found = await violationsOf("vpn-preshared-keys", [vpnConnection({ tunnel1PresharedKey: "plaintextKey_0123456789" })]);
    expect(found).toEqual([
      violation(
        "vpn-preshared-keys",
        `VPN connection "vpn-office-connection" sets tunnel1PresharedKey in its inputs, so the key lives in the program and the state. Remove it: AWS generates the key, and presharedKeyStorage "SecretsManager" keeps it in Secrets Manager.`,
        VPN_URN,
      ),
    ]);
    expect(JSON.stringify(found)).not.toContain("plaintextKey_0123456789");
  });

  it("Standard storage is refused", async () => {
    expect(await violationsOf("vpn-preshared-keys", [vpnConnection({ presharedKeyStorage: "Standard" })])).toEqual([
      violation("vpn-preshared-keys", `VPN connection "vpn-office-connection" sets presharedKeyStorage to "Standard"; set it to "SecretsManager" so the pre-shared keys are kept (and rotated) in Secrets Manager, not returned by the VPN API.`, VPN_URN),
    ]);
  });
});

describe("wireguard-ingress", () => {
  const good = [ingress("wireguard-ingress-81-2-69-0-28", { cidrIpv4: "81.2.69.0/28" }), ingress("wireguard-ingress-2a02", { cidrIpv6: "2a02:8010::/32" })];

  it("UDP 51820 from the development ranges passes", async () => {
    expect(await violationsOf("wireguard-ingress", good)).toEqual([]);
  });

  it.each<[string, PlannedResource, string]>([
    ["TCP instead of UDP", ingress("wg-x", { ipProtocol: "tcp", cidrIpv4: "81.2.69.0/28" }), `WireGuard ingress rule "wg-x" opens tcp 51820-51820; the gateway may open only udp 51820.`],
    ["a port range", ingress("wg-x", { fromPort: 51820, toPort: 51830, cidrIpv4: "81.2.69.0/28" }), `WireGuard ingress rule "wg-x" opens udp 51820-51830; the gateway may open only udp 51820.`],
    ["the world", ingress("wg-x", { cidrIpv4: "0.0.0.0/0" }), `WireGuard ingress rule "wg-x" admits 0.0.0.0/0, the whole internet; admit only the development network's ranges.`],
    ["a security-group source", ingress("wg-x", { referencedSecurityGroupId: "sg-other" }), `WireGuard ingress rule "wg-x" names no address range (prefix list or security group source); list the development network's CIDRs.`],
  ])("%s", async (_case, rule, message) => {
    expect(await violationsOf("wireguard-ingress", [...good, rule])).toEqual([violation("wireguard-ingress", message, rule.urn)]);
  });

  it("refuses rules that are the world only together", async () => {
    // Each /3 is an eighth of IPv4; together they are a quarter: the world by policies/lib/cidr.ts's rule.
    const halves = [ingress("wg-a", { cidrIpv4: "0.0.0.0/3" }), ingress("wg-b", { cidrIpv4: "32.0.0.0/3" })];
    expect(await violationsOf("wireguard-ingress", halves)).toEqual([
      violation("wireguard-ingress", "The WireGuard ingress rules together admit 0.0.0.0/3, 32.0.0.0/3: at least a quarter of the address space, the whole internet in effect. Admit only the development network's ranges."),
    ]);
  });

  it("with allowedSources configured, admits only those ranges", async () => {
    const found = await violationsOf("wireguard-ingress", good, { "wireguard-ingress": { allowedSources: ["81.2.69.0/28"] } });
    expect(found).toEqual([violation("wireguard-ingress", `WireGuard ingress rule "wireguard-ingress-2a02" admits 2a02:8010::/32, which is not one of the configured development ranges (81.2.69.0/28).`, good[1]?.urn)]);
  });

  it("ignores ingress rules of other security groups", async () => {
    expect(await violationsOf("wireguard-ingress", [planned(INGRESS, "firewall-admin-ssh-in", { securityGroupId: "sg-m", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "81.2.69.0/28" })])).toEqual([]);
  });
});

describe("instance-imdsv2", () => {
  it("a launch template requiring tokens with hop limit 1 passes", async () => {
    expect(await violationsOf("instance-imdsv2", [template({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 })])).toEqual([]);
  });

  it.each<[string, PlannedResource, string]>([
    ["optional tokens", template({ httpEndpoint: "enabled", httpTokens: "optional" }), `Launch template "wireguard-launch-template" sets metadataOptions.httpTokens to "optional" (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["no metadata options", template(undefined), `Launch template "wireguard-launch-template" sets metadataOptions.httpTokens to null (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["hop limit 2", template({ httpTokens: "required", httpPutResponseHopLimit: 2 }), `Launch template "wireguard-launch-template" sets metadataOptions.httpPutResponseHopLimit to 2; at most 1 keeps metadata tokens on the instance.`],
    ["an instance without options", planned(INSTANCE, "box", { ami: "ami-1", instanceType: "t4g.nano" }), `EC2 instance "box" sets metadataOptions.httpTokens to null (IMDSv1 allowed unless it is "required"); set it to "required".`],
    // The other ways to start instances with their own metadata options are held to the same floor.
    ["a launch configuration with optional tokens", planned("aws:ec2/launchConfiguration:LaunchConfiguration", "asg-lc", { imageId: "ami-1", instanceType: "t4g.nano", metadataOptions: { httpTokens: "optional" } }), `Launch configuration "asg-lc" sets metadataOptions.httpTokens to "optional" (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["a spot instance request without options", planned("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot", { ami: "ami-1", instanceType: "t4g.nano" }), `Spot instance request "spot" sets metadataOptions.httpTokens to null (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["an Image Builder build instance with optional tokens", planned("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "builder", { instanceProfileName: "p", instanceMetadataOptions: { httpTokens: "optional" } }), `Image Builder infrastructure configuration "builder" sets instanceMetadataOptions.httpTokens to "optional" (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["account defaults left to each AMI", planned("aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults", "imds-defaults", { httpTokens: "no-preference" }), `Account instance metadata defaults "imds-defaults" sets httpTokens to "no-preference" (IMDSv1 allowed unless it is "required"); set it to "required".`],
    ["a SageMaker notebook instance allowing IMDSv1", planned("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", { roleArn: "arn:aws:iam::1:role/n", instanceType: "ml.t3.medium", instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "1" } }), `SageMaker notebook instance "notebook" sets instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion to "1" (IMDSv1 allowed); set it to "2".`],
    ["a SageMaker notebook instance without the setting", planned("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", { roleArn: "arn:aws:iam::1:role/n", instanceType: "ml.t3.medium" }), `SageMaker notebook instance "notebook" sets instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion to null (IMDSv1 allowed); set it to "2".`],
    ["a spot fleet on launch specifications", planned("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", { iamFleetRole: "arn:aws:iam::1:role/f", targetCapacity: 1, launchSpecifications: [{ ami: "ami-1", instanceType: "t4g.nano" }] }), `Spot fleet request "fleet" uses launchSpecifications, which cannot require IMDSv2; use launchTemplateConfigs with a launch template that sets metadataOptions.httpTokens "required".`],
  ])("%s", async (_case, resource, message) => {
    expect(await violationsOf("instance-imdsv2", [resource])).toEqual([violation("instance-imdsv2", message, resource.urn)]);
  });

  it("a config may allow the containers' two hops, and no more", async () => {
    const twoHops = template({ httpTokens: "required", httpPutResponseHopLimit: 2 });
    expect(await violationsOf("instance-imdsv2", [twoHops], { "instance-imdsv2": { maxPutResponseHopLimit: 2 } })).toEqual([]);
    await expect(violationsOf("instance-imdsv2", [twoHops], { "instance-imdsv2": { maxPutResponseHopLimit: 64 } })).rejects.toThrow(/instance-imdsv2: maxPutResponseHopLimit must be <= 2/);
  });

  it("accepts a SageMaker notebook instance that requires IMDSv2", async () => {
    const notebook = planned("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", { roleArn: "arn:aws:iam::1:role/n", instanceType: "ml.t3.medium", instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" } });
    expect(await violationsOf("instance-imdsv2", [notebook])).toEqual([]);
  });

  it("accepts account defaults that require tokens, and a spot fleet on launch templates", async () => {
    const defaults = planned("aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults", "imds-defaults", { httpTokens: "required", httpPutResponseHopLimit: 1 });
    const fleet = planned("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", { iamFleetRole: "arn:aws:iam::1:role/f", targetCapacity: 1, launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-1", version: "1" } }] });
    expect(await violationsOf("instance-imdsv2", [defaults, fleet])).toEqual([]);
  });

  it("a disabled metadata endpoint passes (nothing to steal)", async () => {
    expect(await violationsOf("instance-imdsv2", [template({ httpEndpoint: "disabled" })])).toEqual([]);
  });
});
