import * as autoscaling from "@pulumi/aws/autoscaling";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

export interface AdminHostArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  namePrefix: string;
  /** Management-segment subnets (one per AZ): the group may start the host in any of them. */
  subnetIds: pulumi.Input<string>[];
  /** The management segment's security group (SSH 22 from `network.adminCidrs` only). */
  securityGroupId: pulumi.Input<string>;
  /**
   * AMI as an SSM public parameter, resolved by EC2 at launch (no data source). Amazon Linux 2023
   * for arm64 (AWS docs, "Query for the latest Amazon Linux AMI IDs using Systems Manager
   * Parameter Store"): SSM agent and EC2 Instance Connect preinstalled.
   * @default "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
   */
  imageId?: string;
  /** Graviton, the smallest size: an admin host only relays sessions. @default "t4g.nano" */
  instanceType?: string;
  /** Tags for the instance and its volume (an auto-scaling group does not pass on provider default tags). */
  instanceTags: Tags;
  /** Group name for the monthly patch window's targets (components/monitoring maintenance). */
  patchGroup: string;
  tags?: Tags;
}

export const AL2023_ARM64_AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/**
 * The admin host (bastion) in the management segment. An auto-scaling group of one replaces it
 * when it fails; IMDSv2 only, an encrypted root volume, no SSH key pair (admins push a one-minute
 * key with EC2 Instance Connect, or use SSM Session Manager with no inbound port at all); the SSM
 * agent registers it so the monthly maintenance window patches it (tag `Patch Group`).
 * Cost: t4g.nano $0.0042/h ≈ $3.07/month + 8 GB gp3 $0.70 + a public IPv4 $3.65 (eu-west-2).
 */
export class AdminHost extends pulumi.ComponentResource {
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: AdminHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:management:AdminHost", name, {}, opts);
    const tags = args.tags ?? {};
    const role = new iam.Role(
      `${name}-role`,
      {
        name: physicalName("aws-iam-role", [args.namePrefix, "admin-host"]),
        permissionsBoundary: args.permissionsBoundary,
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        tags,
      },
      { parent: this },
    );
    // The AWS-managed policy SSM documents for managed nodes (Session Manager, Run Command, Patch Manager).
    new iam.RolePolicyAttachment(`${name}-ssm-core`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }, { parent: this });
    const profile = new iam.InstanceProfile(`${name}-profile`, { name: physicalName("aws-iam-role", [args.namePrefix, "admin-host"]), role: role.name, tags }, { parent: this });

    const instanceTags = mergeTags(args.instanceTags, { Name: physicalName("aws-name-tag", [args.namePrefix, "admin-host"]), "Patch Group": args.patchGroup });
    const template = new ec2.LaunchTemplate(
      `${name}-template`,
      {
        namePrefix: `${physicalName("aws-name-tag", [args.namePrefix, "admin-host"])}-`,
        imageId: args.imageId ?? AL2023_ARM64_AMI,
        instanceType: args.instanceType ?? "t4g.nano",
        iamInstanceProfile: { arn: profile.arn },
        // IMDSv2 only, one hop: a process in a container cannot reach the instance's credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 8, deleteOnTermination: "true" } }],
        // A public address so listed public admin addresses reach it; its group admits only those, on 22.
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true", deleteOnTermination: "true", securityGroups: [args.securityGroupId] }],
        userData: Buffer.from(adminHostUserData()).toString("base64"),
        tagSpecifications: [
          { resourceType: "instance", tags: instanceTags },
          { resourceType: "volume", tags: instanceTags },
        ],
        tags,
      },
      { parent: this },
    );
    const group = new autoscaling.Group(
      `${name}-group`,
      {
        name: physicalName("aws-name-tag", [args.namePrefix, "admin-host"]),
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
        vpcZoneIdentifiers: args.subnetIds,
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        healthCheckType: "EC2",
        // Seconds before the first health check counts.
        healthCheckGracePeriod: 120,
        // A new template version (patched AMI, changed user data) rolls the host.
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0 } },
        tags: Object.entries(instanceTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      { parent: this },
    );
    this.autoScalingGroupName = group.name;
    this.roleName = role.name;
    this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName });
  }
}

/** Boot script: SSH hardened (keys only, no root, no forwarding of agents), automatic security updates off (the monthly window patches). */
export function adminHostUserData(): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "cat > /etc/ssh/sshd_config.d/90-promptandpause.conf <<'EOF'",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin no",
    "AllowAgentForwarding no",
    "X11Forwarding no",
    "MaxAuthTries 3",
    "LoginGraceTime 30",
    "EOF",
    "systemctl restart sshd",
    "systemctl enable --now amazon-ssm-agent",
    "",
  ].join("\n");
}
