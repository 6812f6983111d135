import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { isWorldRange, parseCidr } from "../../policies/lib/cidr";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { mergeTags, type Tags } from "../shared/tags";

/** Arguments of {@link SecureComputePeering}. */
export interface SecureComputePeeringArgs {
  /**
   * The VPC peering connection Vercel Secure Compute requested (`pcx-…`, from Vercel once the
   * Secure Compute network exists; Vercel creates it in its account, this side accepts it).
   */
  peeringConnectionId: string;
  /** The Secure Compute network's IPv4 CIDR (chosen when it was ordered; must not overlap the VPC). */
  cidr: string;
  /**
   * Route tables that get a route to {@link cidr} through the peering, keyed by segment (the
   * database tables so the cache can answer, the application tables so workers can call the app's
   * private endpoints). Each table gets exactly one route.
   */
  routeTables: Record<string, pulumi.Input<string>[]>;
  /** Security group of the cache (the database segment's): gets ingress on {@link port} from {@link cidr} only. */
  cacheSecurityGroupId: pulumi.Input<string>;
  /**
   * The database segment's network ACL: NACLs are stateless, so the Secure Compute CIDR needs an
   * inbound rule for the cache port and an outbound rule for the replies (ephemeral 1024–65535).
   */
  databaseNetworkAclId: pulumi.Input<string>;
  /**
   * First NACL rule number of the two rules. The firewall numbers its flows `slot × 100 + n`
   * (slots 1–7 today); 2000 is this layer's block, outside every flow's. @default 2000
   */
  naclRuleNumber?: number;
  /** Cache port. @default 6379 */
  port?: number;
  /** Tags on every child. */
  tags?: Tags;
}

/** Problems with the arguments, all at once. */
export function validateSecureComputeArgs(args: SecureComputePeeringArgs, component: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!/^pcx-[0-9a-f]{8,17}$/.test(args.peeringConnectionId)) issues.push({ path: `${component}.peeringConnectionId`, problem: "must be a VPC peering connection id like pcx-0a1b2c3d4e5f67890", got: args.peeringConnectionId });
  const cidr = parseCidr(args.cidr);
  if (cidr?.version !== 4) issues.push({ path: `${component}.cidr`, problem: "must be an IPv4 CIDR block", got: args.cidr });
  else if (isWorldRange([args.cidr])) issues.push({ path: `${component}.cidr`, problem: "is a world-sized range; the cache may only be opened to the Secure Compute network", got: args.cidr });
  if (Object.values(args.routeTables).flat().length === 0) issues.push({ path: `${component}.routeTables`, problem: "needs the database and application route tables", got: args.routeTables });
  return issues;
}

/**
 * Vercel Secure Compute → the cache: accepts the peering Vercel requested, routes the Secure
 * Compute CIDR through it from the given route tables, and opens the cache port to that CIDR only
 * (one security-group rule, never wider, and the database segment's NACL pair for it). `@pulumiverse/vercel` has no Secure Compute resource: the network and
 * the peering request are ordered through Vercel (Enterprise).
 */
export class SecureComputePeering extends pulumi.ComponentResource {
  /** The accepted peering connection id. */
  public readonly peeringConnectionId: pulumi.Output<string>;

  constructor(name: string, args: SecureComputePeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfIssues(validateSecureComputeArgs(args, name), `SecureComputePeering "${name}": invalid arguments`);
    super("promptandpause:cache:SecureComputePeering", name, {}, opts);
    const port = args.port ?? 6379;
    const tags = (nameTag: string) => mergeTags({ component: "cache" }, args.tags, { Name: nameTag });

    const accepter = new ec2.VpcPeeringConnectionAccepter(
      `${name}-accepter`,
      { vpcPeeringConnectionId: args.peeringConnectionId, autoAccept: true, tags: tags("vercel-secure-compute") },
      { parent: this },
    );
    for (const [segment, tables] of Object.entries(args.routeTables)) {
      tables.forEach((routeTableId, i) => {
        new ec2.Route(`${name}-route-${segment}-${i + 1}`, { routeTableId, destinationCidrBlock: args.cidr, vpcPeeringConnectionId: accepter.id }, { parent: this });
      });
    }
    const ruleNumber = args.naclRuleNumber ?? 2000;
    new ec2.NetworkAclRule(
      `${name}-nacl-in`,
      { networkAclId: args.databaseNetworkAclId, egress: false, ruleNumber, protocol: "tcp", ruleAction: "allow", cidrBlock: args.cidr, fromPort: port, toPort: port },
      { parent: this, deleteBeforeReplace: true },
    );
    new ec2.NetworkAclRule(
      `${name}-nacl-reply`,
      // Replies to the Secure Compute clients' ephemeral ports (NACLs do not track connections).
      { networkAclId: args.databaseNetworkAclId, egress: true, ruleNumber: ruleNumber + 1, protocol: "tcp", ruleAction: "allow", cidrBlock: args.cidr, fromPort: 1024, toPort: 65535 },
      { parent: this, deleteBeforeReplace: true },
    );
    new vpc.SecurityGroupIngressRule(
      `${name}-cache-ingress`,
      {
        securityGroupId: args.cacheSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: args.cidr,
        description: "Cache (TLS + AUTH) from the Vercel Secure Compute network",
        tags: tags("cache-from-vercel-secure-compute"),
      },
      { parent: this },
    );
    this.peeringConnectionId = accepter.id;
    this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
  }
}
