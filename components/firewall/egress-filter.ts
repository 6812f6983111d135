import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as networkfirewall from "@pulumi/aws/networkfirewall";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/** The most domains `allowedDomains` may list (stacks/schema/aws.ts). */
export const MAX_ALLOWED_DOMAINS = 100;
const RULE_GROUP_CAPACITY = MAX_ALLOWED_DOMAINS * 2 * 2;

export interface EgressFilterArgs {
  namePrefix: string;
  vpcId: pulumi.Input<string>;
  /** The inspection subnet of each AZ (Network.inspection.subnetIds): the firewall's endpoints. */
  subnetIds: Record<string, pulumi.Input<string>>;
  /** Each AZ's application route table (Network.inspection.applicationRouteTableIds). */
  applicationRouteTableIds: Record<string, pulumi.Input<string>>;
  /** Each AZ's application subnet CIDR (the return route in the public table). */
  applicationCidrs: Record<string, string>;
  /** The public segment's route table (NAT gateways' subnets). */
  publicRouteTableId: pulumi.Input<string>;
  /**
   * Domains the application segment may reach over HTTPS/HTTP, as Network Firewall domain-list
   * targets: `api.openai.com` matches that name only, `.supabase.co` the domain and every
   * subdomain (Network Firewall API, RulesSourceList.Targets).
   */
  allowedDomains: readonly string[];
  /** Days CloudWatch keeps the firewall's alert log (every refused connection). @default 90 */
  logRetentionDays?: number;
  tags?: Tags;
}

/**
 * "443 to api_services" by name: AWS Network Firewall in front of the application segment's NAT.
 * A stateful domain-list rule group (ALLOWLIST on TLS SNI and HTTP Host) lets the listed domains
 * through and drops every other HTTPS/HTTP connection, including ones to a literal IP — which a
 * DNS firewall cannot stop. Non-TLS traffic the security groups allow (SMTP 587) passes the
 * policy's default action; the security groups still restrict the ports.
 *
 * Routing (AWS "Deployment models for AWS Network Firewall", NAT gateway with firewall): each AZ's
 * application table sends 0.0.0.0/0 to that AZ's firewall endpoint, the inspection subnet sends it
 * on to the NAT, and the public table returns the AZ's application range through the same
 * endpoint, so both directions are inspected.
 * Cost (eu-west-2): ≈ $0.395/h per AZ endpoint (≈ $288/month each) + $0.065/GB processed.
 */
export class EgressFilter extends pulumi.ComponentResource {
  readonly firewallArn: pulumi.Output<string>;

  constructor(name: string, args: EgressFilterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:firewall:EgressFilter", name, {}, opts);
    const tags = args.tags ?? {};
    const groupName = physicalName("aws-name-tag", [args.namePrefix, "egress-domains"]);
    const rules = new networkfirewall.RuleGroup(
      `${name}-domains`,
      {
        name: groupName,
        type: "STATEFUL",
        // Capacity units: a domain list uses one per domain and target type (Network Firewall
        // "Setting rule group capacity"). AWS fixes a rule group's capacity when it is created (the
        // provider replaces the group on a change, and the policy that names it blocks that), so
        // it is sized once for the longest list the config accepts, on both target types, twice.
        capacity: RULE_GROUP_CAPACITY,
        ruleGroup: {
          rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"], targets: [...args.allowedDomains] } },
        },
        tags: mergeTags(tags, { Name: groupName }),
      },
      { parent: this },
    );
    const policyName = physicalName("aws-name-tag", [args.namePrefix, "egress-policy"]);
    const policy = new networkfirewall.FirewallPolicy(
      `${name}-policy`,
      {
        name: policyName,
        firewallPolicy: {
          // Stateless engine hands everything to the stateful rules (the documented default pattern).
          statelessDefaultActions: ["aws:forward_to_sfe"],
          statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
          statefulRuleGroupReferences: [{ resourceArn: rules.arn }],
        },
        tags: mergeTags(tags, { Name: policyName }),
      },
      { parent: this },
    );
    const azs = Object.keys(args.subnetIds);
    const firewallName = physicalName("aws-name-tag", [args.namePrefix, "egress"]);
    const firewall = new networkfirewall.Firewall(
      `${name}-firewall`,
      {
        name: firewallName,
        vpcId: args.vpcId,
        firewallPolicyArn: policy.arn,
        subnetMappings: azs.map((az) => ({ subnetId: args.subnetIds[az] as pulumi.Input<string> })),
        tags: mergeTags(tags, { Name: firewallName }),
      },
      { parent: this },
    );
    const alerts = new cloudwatch.LogGroup(
      `${name}-alerts`,
      { name: physicalName("aws-log-group", [args.namePrefix, "egress-firewall-alerts"]), retentionInDays: args.logRetentionDays ?? 90, tags },
      { parent: this },
    );
    new networkfirewall.LoggingConfiguration(
      `${name}-logging`,
      {
        firewallArn: firewall.arn,
        loggingConfiguration: { logDestinationConfigs: [{ logDestinationType: "CloudWatchLogs", logType: "ALERT", logDestination: { logGroup: alerts.name } }] },
      },
      { parent: this },
    );

    for (const az of azs) {
      // The endpoint of this AZ: the sync state whose attachment is in this AZ's inspection subnet.
      const endpointId = pulumi.all([firewall.firewallStatuses, args.subnetIds[az] as pulumi.Input<string>]).apply(([statuses, subnetId]) => {
        const attachment = (statuses ?? []).flatMap((s) => s.syncStates ?? []).flatMap((s) => s.attachments ?? []).find((a) => a.subnetId === subnetId);
        if (!attachment?.endpointId) throw new Error(`EgressFilter ${name}: the firewall has no endpoint in ${az}'s inspection subnet yet`);
        return attachment.endpointId;
      });
      new ec2.Route(`${name}-route-application-${az}`, { routeTableId: args.applicationRouteTableIds[az] as pulumi.Input<string>, destinationCidrBlock: "0.0.0.0/0", vpcEndpointId: endpointId }, { parent: this });
      new ec2.Route(`${name}-route-return-${az}`, { routeTableId: args.publicRouteTableId, destinationCidrBlock: args.applicationCidrs[az] as string, vpcEndpointId: endpointId }, { parent: this });
    }
    this.firewallArn = firewall.arn;
    this.registerOutputs({ firewallArn: this.firewallArn });
  }
}

/** What the platform's workers call (the guide's api_services): AI APIs, Stripe, Supabase, Resend and the AWS APIs the tasks use. */
export const DEFAULT_EGRESS_DOMAINS = [
  "api.openai.com",
  "api.anthropic.com",
  "generativelanguage.googleapis.com",
  "api.stripe.com",
  ".supabase.co",
  ".supabase.com",
  "api.resend.com",
  // ECR, Secrets Manager, SQS, CloudWatch, STS: without them the tasks cannot start or report.
  ".amazonaws.com",
] as const;
