import * as autoscaling from "@pulumi/aws/autoscaling";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as ssm from "@pulumi/aws/ssm";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isWorldRange, parseCidr } from "../../policies/lib/cidr";
import { WIREGUARD_PORT, WIREGUARD_ROLE_TAG } from "../../policies/lib/vpn";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { cidrKey } from "../firewall/nacl-rules";
import type { Segment } from "../network/segments";
import { physicalName } from "../shared/naming";
import { createNaclRules, wireguardNaclRules } from "./nacl";
import { mergeTags, type Tags } from "../shared/tags";
import { renderClientConfig, renderServerConfig, validatePeers, type WireGuardPeer } from "./wireguard-config";
import { wireGuardPublicKey } from "./wireguard-keys";
import { HOST_PATHS, renderRoutingScript, renderUserData } from "./wireguard-user-data";
import { platformKey } from "../shared/kms-key";

/**
 * Arguments of {@link WireGuardGateway}. The stack composition passes the validated
 * `promptandpause:vpn.wireguard` and the network layer's ids.
 */
export interface WireGuardGatewayArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Prefix of physical names (`promptandpause-staging`). */
  namePrefix: string;
  /** Region and account (IAM resource ARNs; the instance calls EC2 and SSM there). */
  region: string;
  accountId: string;
  vpcId: pulumi.Input<string>;
  /** The VPC's CIDR: forwarded tunnel traffic may go there, and only there. */
  vpcCidr: string;
  /** The public subnet holding the gateway's network interface and Elastic IP. */
  publicSubnet: { id: pulumi.Input<string>; cidr: string };
  /**
   * Where the instance's own (primary) interface lives: a subnet in the same AZ as
   * {@link publicSubnet} with HTTPS egress (NAT) for packages and the EC2/SSM APIs.
   */
  instanceSubnetId: pulumi.Input<string>;
  /** The development network's public ranges: the only sources of UDP 51820. Security: never a world range. */
  developmentCidrs: string[];
  /** The tunnel network, outside the VPC; the gateway takes its first host. @default "10.200.0.0/24" */
  tunnelCidr?: string;
  /** Developers' devices (validated: key format, unique names/keys/IPs inside the tunnel). */
  peers: WireGuardPeer[];
  /**
   * Route tables that get a route to the tunnel network via the gateway interface, keyed by a
   * stable label (`application-0`). One route for the whole tunnel CIDR covers every peer's
   * address, so adding or removing a developer changes no route.
   */
  routeTableIds: Record<string, pulumi.Input<string>>;
  /**
   * The segments' network ACLs and the reachable segments' blocks: the public ACL admits UDP 51820
   * from {@link developmentCidrs} and forwards to those segments, whose ACLs admit the tunnel.
   * @default none: no ACL rules (a VPC without dedicated ACLs)
   */
  networkAcls?: { ids: Partial<Record<Segment, pulumi.Input<string>>>; reachableBlocks: Partial<Record<Segment, string>> };
  /** What clients route into the tunnel (the reachable segments' CIDRs). */
  clientAllowedIps: string[];
  /** Cost: t4g.nano ≈ $0.0046/h in eu-west-2 (≈ $3.4/month). @default "t4g.nano" */
  instanceType?: string;
  /** Public SSM parameter of the AMI, matching the instance type's architecture. @default "/aws/service/debian/release/12/latest/arm64" */
  imageParameter?: string;
  /** Root volume (gp3, encrypted). Debian 12's AMI needs 8 GiB. Cost: $0.0928/GB-month in eu-west-2. @default 8 */
  rootVolumeGb?: number;
  /** The AMI's root device name (Debian and Amazon Linux: `/dev/xvda`). @default "/dev/xvda" */
  rootDeviceName?: string;
  /** @default {} */
  tags?: Tags;
}

/** Tag that scopes the instance's `ec2:AttachNetworkInterface` to this gateway's instance and interface. */
export const GATEWAY_TAG_KEY = "promptandpause:wireguard-gateway";

/**
 * The guide's development → staging tunnel: a WireGuard gateway that survives instance
 * replacement. Its address is not the instance's: a Pulumi-managed network interface in a public
 * subnet holds the Elastic IP, has source/dest check off (it forwards tunnel traffic) and carries
 * the security group that admits UDP 51820 from the development network only; the staging route
 * tables send the tunnel network to that interface. An auto-scaling group of one launches the
 * instance from a launch template (SSM-resolved AMI, IMDSv2 required, encrypted root volume);
 * at boot the instance attaches the interface (launch templates used by an auto-scaling group
 * cannot reference an existing interface, nor set source/dest check). A replaced instance
 * therefore keeps the address, the routes and the peers' configuration.
 *
 * The server key is 32 random bytes generated once (`random.RandomBytes`, a secret in state),
 * stored as an SSM SecureString under its own KMS key, and read by the instance at boot through
 * its role (GetParameter on that parameter, Decrypt with that parameter's encryption context);
 * it is never in user data or plan output. WireGuard's suite is fixed (ChaCha20-Poly1305,
 * Curve25519, BLAKE2s): not AES-256 (docs/vpn.md).
 */
export class WireGuardGateway extends pulumi.ComponentResource {
  /** The gateway's public address (Elastic IP on the managed interface). */
  public readonly publicIp: pulumi.Output<string>;
  /** `<public ip>:51820`, for client files. */
  public readonly endpoint: pulumi.Output<string>;
  /** The server's public key (not secret). */
  public readonly serverPublicKey: pulumi.Output<string>;
  /** The managed network interface (what the routes and EIP reference). */
  public readonly networkInterfaceId: pulumi.Output<string>;
  /** SSM parameter holding the private key (SecureString). */
  public readonly privateKeyParameterName: pulumi.Output<string>;
  /** A client file per peer, keyed by peer name (no private key in them). */
  public readonly clientConfigs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WireGuardGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = {
      ...args,
      tunnelCidr: args.tunnelCidr ?? "10.200.0.0/24",
      instanceType: args.instanceType ?? "t4g.nano",
      imageParameter: args.imageParameter ?? "/aws/service/debian/release/12/latest/arm64",
      rootVolumeGb: args.rootVolumeGb ?? 8,
      rootDeviceName: args.rootDeviceName ?? "/dev/xvda",
      tags: args.tags ?? {},
    };
    throwIfIssues(validateArgs(a), `WireGuardGateway "${name}": invalid arguments`);
    // The user data's size depends on the peers only: fail before anything is registered.
    renderGatewayUserData(a, { networkInterfaceId: "eni-00000000000000000", mac: "00:00:00:00:00:00", privateIp: "0.0.0.0", parameter: "/placeholder" });

    super("promptandpause:vpn:WireGuardGateway", name, {}, opts);
    const gatewayTag = physicalName("aws-name-tag", [a.namePrefix, name]);
    const tags = mergeTags(a.tags, { [GATEWAY_TAG_KEY]: gatewayTag });

    const parameter = this.createPrivateKey(name, a, tags);
    const eni = this.createInterface(name, a, tags);
    const eip = new ec2.Eip(`${name}-eip`, { domain: "vpc", tags: mergeTags(tags, { Name: gatewayTag }) }, { parent: this });
    // The address belongs to the interface, not to any instance.
    const association = new ec2.EipAssociation(`${name}-eip-association`, { allocationId: eip.allocationId, networkInterfaceId: eni.id }, { parent: this });
    for (const [label, routeTableId] of Object.entries(a.routeTableIds)) {
      new ec2.Route(`${name}-route-${label}`, { routeTableId, destinationCidrBlock: a.tunnelCidr, networkInterfaceId: eni.id }, { parent: this });
    }
    if (a.networkAcls) createNaclRules(this, name, wireguardNaclRules(a.developmentCidrs, a.tunnelCidr, a.networkAcls.reachableBlocks), a.networkAcls.ids);
    const profile = this.createInstanceRole(name, a, eni, parameter.parameter, parameter.key, gatewayTag, tags);
    this.createInstances(name, a, eni, parameter.parameter, profile, tags, [association, profile]);

    this.publicIp = eip.publicIp;
    this.endpoint = pulumi.interpolate`${eip.publicIp}:${WIREGUARD_PORT}`;
    this.serverPublicKey = parameter.publicKey;
    this.networkInterfaceId = eni.id;
    this.privateKeyParameterName = parameter.parameter.name;
    this.clientConfigs = pulumi.all([this.serverPublicKey, this.endpoint]).apply(([serverPublicKey, endpoint]) =>
      Object.fromEntries(a.peers.map((peer) => [peer.name, renderClientConfig({ peer, serverPublicKey, endpoint, allowedIps: [...a.clientAllowedIps] })])),
    );
    this.registerOutputs({ publicIp: this.publicIp, endpoint: this.endpoint, serverPublicKey: this.serverPublicKey, networkInterfaceId: this.networkInterfaceId });
  }

  /** 32 random bytes (a WireGuard private key), in an SSM SecureString under a dedicated KMS key. */
  private createPrivateKey(name: string, a: Resolved, tags: Tags) {
    const bytes = new random.RandomBytes(`${name}-private-key`, { length: 32 }, { parent: this });
    const privateKey = pulumi.secret(bytes.base64);
    const key = platformKey(`${name}-key`, { description: `WireGuard gateway ${a.namePrefix}-${name}: encrypts its private key in SSM Parameter Store`, accountId: a.accountId, tags }, { parent: this });
    const parameter = new ssm.Parameter(
      `${name}-private-key-parameter`,
      {
        // A hierarchy (`/<prefix>/wireguard/<name>/private-key`); each level a clean name (SSM allows `a-zA-Z0-9_.-/`).
        name: `/${[a.namePrefix, "wireguard", name, "private-key"].map((level) => physicalName("aws-name-tag", [level])).join("/")}`,
        description: "WireGuard gateway private key (read by the gateway instance at boot)",
        type: "SecureString",
        keyId: key.arn,
        value: privateKey,
        tags,
      },
      { parent: this },
    );
    // The public half is public: computed locally, then unmarked.
    const publicKey = pulumi.unsecret(privateKey.apply(wireGuardPublicKey));
    return { parameter, key, publicKey };
  }

  /** The managed interface: public subnet, source/dest check off, its own security group (UDP 51820 from development only). */
  private createInterface(name: string, a: Resolved, tags: Tags): ec2.NetworkInterface {
    const roleTags = mergeTags(tags, { [WIREGUARD_ROLE_TAG.key]: WIREGUARD_ROLE_TAG.value });
    const sg = new ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: physicalName("aws-security-group", [a.namePrefix, name]),
        vpcId: a.vpcId,
        description: `WireGuard gateway: UDP ${WIREGUARD_PORT} from the development network`,
        tags: mergeTags(roleTags, { Name: physicalName("aws-name-tag", [a.namePrefix, name]) }),
      },
      { parent: this },
    );
    for (const cidr of a.developmentCidrs) {
      const v6 = parseCidr(cidr)?.version === 6;
      new vpc.SecurityGroupIngressRule(
        `${name}-ingress-${cidrKey(cidr)}`,
        {
          securityGroupId: sg.id,
          description: "WireGuard from the development network",
          ipProtocol: "udp",
          fromPort: WIREGUARD_PORT,
          toPort: WIREGUARD_PORT,
          ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          tags: roleTags,
        },
        { parent: this },
      );
    }
    // Forwarded tunnel traffic leaves through this interface into the VPC (the targets' groups decide what is reachable).
    new vpc.SecurityGroupEgressRule(`${name}-egress-vpc`, { securityGroupId: sg.id, description: "Tunnel traffic into the VPC", ipProtocol: "-1", cidrIpv4: a.vpcCidr, tags: roleTags }, { parent: this });
    return new ec2.NetworkInterface(
      `${name}-eni`,
      { subnetId: a.publicSubnet.id, securityGroups: [sg.id], sourceDestCheck: false, description: "WireGuard gateway interface (attached by the instance at boot)", tags: mergeTags(tags, { Name: physicalName("aws-name-tag", [a.namePrefix, name]) }) },
      // The attachment is made by the instance, not by Pulumi: never undo it on update.
      { parent: this, ignoreChanges: ["attachments"] },
    );
  }

  /** The instance's role: attach this interface, read this parameter, decrypt with that parameter's context. No `*` action. */
  private createInstanceRole(name: string, a: Resolved, eni: ec2.NetworkInterface, parameter: ssm.Parameter, key: kms.Key, gatewayTag: string, tags: Tags): iam.InstanceProfile {
    const role = new iam.Role(
      `${name}-role`,
      {
        name: physicalName("aws-iam-role", [a.namePrefix, name]),
        permissionsBoundary: a.permissionsBoundary,
        description: `WireGuard gateway ${gatewayTag}`,
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        tags,
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AttachTheGatewayInterface",
              Effect: "Allow",
              Action: "ec2:AttachNetworkInterface",
              // Both resources of the call must carry this gateway's tag (ASG instances get it at launch).
              Resource: [eni.arn, `arn:aws:ec2:${a.region}:${a.accountId}:instance/*`],
              Condition: { StringEquals: { [`aws:ResourceTag/${GATEWAY_TAG_KEY}`]: gatewayTag } },
            },
            // DescribeNetworkInterfaces supports no resource-level permissions (Service Authorization Reference, Amazon EC2).
            { Sid: "SeeTheInterfaceStatus", Effect: "Allow", Action: "ec2:DescribeNetworkInterfaces", Resource: "*" },
            { Sid: "ReadThePrivateKey", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameter.arn },
            {
              Sid: "DecryptThePrivateKey",
              Effect: "Allow",
              Action: "kms:Decrypt",
              Resource: key.arn,
              // SSM encrypts SecureStrings with the parameter's ARN as encryption context.
              Condition: { StringEquals: { "kms:EncryptionContext:PARAMETER_ARN": parameter.arn } },
            },
          ],
        }),
      },
      { parent: this },
    );
    return new iam.InstanceProfile(`${name}-instance-profile`, { name: physicalName("aws-iam-role", [a.namePrefix, name]), role: role.name, tags }, { parent: this });
  }

  /** Launch template (IMDSv2, encrypted gp3, SSM-resolved AMI) and an auto-scaling group of one that replaces the instance on every template change. */
  private createInstances(name: string, a: Resolved, eni: ec2.NetworkInterface, parameter: ssm.Parameter, profile: iam.InstanceProfile, tags: Tags, after: pulumi.Resource[]): void {
    const instanceSg = new ec2.SecurityGroup(
      `${name}-instance-sg`,
      {
        name: physicalName("aws-security-group", [a.namePrefix, name, "instance"]),
        vpcId: a.vpcId,
        description: "WireGuard gateway instance: HTTPS out (packages, EC2 and SSM APIs)",
        tags: mergeTags(tags, { Name: physicalName("aws-name-tag", [a.namePrefix, name, "instance"]) }),
      },
      { parent: this },
    );
    new vpc.SecurityGroupEgressRule(`${name}-instance-egress-https`, { securityGroupId: instanceSg.id, description: "HTTPS: apt, EC2 and SSM APIs", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", tags }, { parent: this });

    const userData = pulumi
      .all([eni.id, eni.macAddress, eni.privateIp, parameter.name, parameter.version])
      .apply(([networkInterfaceId, mac, privateIp, parameterName, version]) => Buffer.from(renderGatewayUserData(a, { networkInterfaceId, mac, privateIp, parameter: parameterName, version })).toString("base64"));
    const instanceTags = mergeTags(tags, { Name: physicalName("aws-name-tag", [a.namePrefix, name]) });
    const template = new ec2.LaunchTemplate(
      `${name}-launch-template`,
      {
        name: physicalName("aws-name-tag", [a.namePrefix, name]),
        description: `WireGuard gateway ${a.namePrefix}-${name}`,
        imageId: `resolve:ssm:${a.imageParameter}`,
        instanceType: a.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [instanceSg.id],
        userData,
        // IMDSv2 only; hop limit 1 keeps the credentials away from anything forwarded through the host.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [{ deviceName: a.rootDeviceName, ebs: { encrypted: "true", volumeType: "gp3", volumeSize: a.rootVolumeGb, deleteOnTermination: "true" } }],
        tagSpecifications: [
          { resourceType: "instance", tags: instanceTags },
          { resourceType: "volume", tags: instanceTags },
        ],
        updateDefaultVersion: true,
        tags,
      },
      { parent: this },
    );
    new autoscaling.Group(
      `${name}-group`,
      {
        name: physicalName("aws-name-tag", [a.namePrefix, name]),
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
        vpcZoneIdentifiers: [a.instanceSubnetId],
        // A numbered version (not `$Latest`): a template change then starts an instance refresh.
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        healthCheckType: "EC2",
        healthCheckGracePeriod: 300,
        // One instance and one interface: the old instance goes first, then the new one attaches the interface.
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0, maxHealthyPercentage: 100 } },
        tags: Object.entries(instanceTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      { parent: this, dependsOn: after },
    );
  }
}

type Resolved = WireGuardGatewayArgs & { tunnelCidr: string; instanceType: string; imageParameter: string; rootVolumeGb: number; rootDeviceName: string; tags: Tags };

function validateArgs(a: Resolved): ConfigIssue[] {
  const issues = validatePeers(a.peers, a.tunnelCidr, "peers");
  if (a.developmentCidrs.length === 0) issues.push({ path: "developmentCidrs", problem: "must list at least one range", got: a.developmentCidrs });
  if (isWorldRange(a.developmentCidrs)) issues.push({ path: "developmentCidrs", problem: `would open UDP ${WIREGUARD_PORT} to the whole internet`, got: a.developmentCidrs });
  return issues;
}

/** The user data for concrete interface and parameter values (pure; also used to size-check early). */
function renderGatewayUserData(a: Resolved, v: { networkInterfaceId: string; mac: string; privateIp: string; parameter: string; version?: number }): string {
  return renderUserData({
    region: a.region,
    networkInterfaceId: v.networkInterfaceId,
    privateKeyParameter: v.parameter,
    privateKeyVersion: v.version,
    wireguardConfig: renderServerConfig({ tunnelCidr: a.tunnelCidr, privateKeyPath: HOST_PATHS.privateKey, routingScriptPath: HOST_PATHS.routingScript, peers: a.peers }),
    routingScript: renderRoutingScript({ eniMac: v.mac, eniPrivateIp: v.privateIp, subnetCidr: a.publicSubnet.cidr, vpcCidr: a.vpcCidr }),
  });
}
