import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../policies/lib/cidr";
import type { Segment } from "../network/segments";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import { EC2_DESCRIPTION_CHARS, type Flow, platformFlows } from "./flows";
import { ANY_IPV4, cidrKey, naclRules } from "./nacl-rules";

export interface FirewallArgs {
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  vpcId: pulumi.Input<string>;
  /** The VPC block (segment ranges are derived from it exactly as the subnets were). */
  vpcCidr: string;
  /** Each segment's dedicated network ACL (Network.networkAclIds). */
  networkAclIds: Record<Segment, pulumi.Input<string>>;
  /**
   * Segments that hold a workload and so get a security group (every group is attached to
   * something real): e.g. `database` when the cache exists, `management` for the admin host.
   */
  workloadSegments: readonly Segment[];
  /** SSH sources (`network.adminCidrs`). Empty → no SSH rule anywhere. @default [] */
  adminCidrs?: readonly string[];
  tags?: Tags;
}

/**
 * The guide's "Firewall Rules" on AWS, from one flow table (./flows.ts): a security group per
 * segment that holds a workload, with one rule resource per allowed flow (no inline rules, so
 * nothing fights over them), and the stateless network-ACL rules of every segment, replies
 * included. Rule descriptions name the guide line each implements.
 */
export class Firewall extends pulumi.ComponentResource {
  /** Security-group ids of the segments listed in `workloadSegments`. */
  readonly securityGroupIds: Partial<Record<Segment, pulumi.Output<string>>>;
  readonly flows: readonly Flow[];

  constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:firewall:Firewall", name, {}, opts);
    const tags = args.tags ?? {};
    this.flows = platformFlows({ adminCidrs: args.adminCidrs ?? [] });
    const groups = this.createSecurityGroups(name, args, tags);
    this.securityGroupIds = Object.fromEntries(Object.entries(groups).map(([segment, group]) => [segment, group.id]));
    this.createSecurityGroupRules(name, groups);
    this.createNaclRules(name, args);
    this.registerOutputs({ securityGroupIds: this.securityGroupIds });
  }

  private createSecurityGroups(name: string, args: FirewallArgs, tags: Tags): Partial<Record<Segment, ec2.SecurityGroup>> {
    const out: Partial<Record<Segment, ec2.SecurityGroup>> = {};
    for (const segment of args.workloadSegments) {
      const groupName = physicalName("aws-security-group", [args.namePrefix, segment]);
      out[segment] = new ec2.SecurityGroup(
        `${name}-sg-${segment}`,
        {
          name: groupName,
          description: `Prompt and Pause ${segment} segment: rules from the guide Firewall Rules table`,
          vpcId: args.vpcId,
          // No inline rules: every rule is its own resource below (inline and separate rules on one
          // group fight on every update: terraform-provider-aws #32379). A new group has no egress.
          tags: mergeTags(tags, { Name: groupName, segment }),
        },
        { parent: this },
      );
    }
    return out;
  }

  private createSecurityGroupRules(name: string, groups: Partial<Record<Segment, ec2.SecurityGroup>>): void {
    for (const flow of this.flows) {
      const description = ec2Description(flow.guide);
      const common = { ipProtocol: flow.protocol, fromPort: flow.port, toPort: flow.port, description };
      const from = flow.from.kind === "segment" ? groups[flow.from.segment] : undefined;
      const to = flow.to.kind === "segment" ? groups[flow.to.segment] : undefined;
      if (from) {
        if (flow.to.kind === "internet") {
          new vpc.SecurityGroupEgressRule(`${name}-${flow.id}-out`, { ...common, securityGroupId: from.id, cidrIpv4: ANY_IPV4 }, { parent: this });
        } else if (to) {
          new vpc.SecurityGroupEgressRule(`${name}-${flow.id}-out`, { ...common, securityGroupId: from.id, referencedSecurityGroupId: to.id }, { parent: this });
        }
      }
      if (to) {
        if (from) {
          new vpc.SecurityGroupIngressRule(`${name}-${flow.id}-in`, { ...common, securityGroupId: to.id, referencedSecurityGroupId: from.id }, { parent: this });
        } else if (flow.from.kind === "cidrs") {
          for (const cidr of flow.from.cidrs) {
            const family = parseCidr(cidr)?.version === 6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
            new vpc.SecurityGroupIngressRule(`${name}-${flow.id}-in-${cidrKey(cidr)}`, { ...common, securityGroupId: to.id, ...family }, { parent: this });
          }
        }
      }
    }
  }

  private createNaclRules(name: string, args: FirewallArgs): void {
    for (const rule of naclRules(this.flows, args.vpcCidr)) {
      const ports = rule.protocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort };
      new ec2.NetworkAclRule(
        `${name}-nacl-${rule.key}`,
        { networkAclId: args.networkAclIds[rule.segment], egress: rule.egress, ruleNumber: rule.ruleNumber, protocol: rule.protocol, ruleAction: "allow", cidrBlock: rule.cidr, ...ports },
        // A rule's number and fields cannot change in place; deleting first avoids the duplicate-number error on replacement.
        { parent: this, deleteBeforeReplace: true },
      );
    }
  }
}

/** A security-group rule description EC2 accepts: only its allowed characters, at most 255. */
export function ec2Description(text: string): string {
  const cleaned = [...text].map((ch) => (EC2_DESCRIPTION_CHARS.test(ch) ? ch : " ")).join("").replace(/\s+/g, " ").trim().slice(0, 255);
  if (!EC2_DESCRIPTION_CHARS.test(cleaned)) throw new Error(`unreachable: description ${JSON.stringify(cleaned)}`);
  return cleaned;
}
