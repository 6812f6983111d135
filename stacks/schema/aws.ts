import { z } from "zod";
import { DEFAULT_EGRESS_DOMAINS, MAX_ALLOWED_DOMAINS } from "../../components/firewall/egress-filter";
import { LOG_RETENTION_DAYS } from "../../components/shared/aws";
import { AZ_NAME, VPC_PREFIX_RANGE } from "../../components/network/subnets";
import type { ConfigIssue } from "../../components/shared/errors";
import { type Cidr, hasHostBits, isWorldRange, overlappingPairs, parseCidr } from "../../policies/lib/cidr";
import { safeText } from "./common";

/**
 * `promptandpause:aws` (account, regions, zones) and `promptandpause:network` (the VPC, NAT,
 * admin access). Everything a data source would look up is configuration: the offline plan runs
 * under mocks, and a stack must not change shape because AWS added a zone.
 */

/**
 * Commercial AWS regions (AWS General Reference, "AWS Regions", 2026). A region not listed here
 * is a typo far more often than a region launched since.
 */
export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1",
  "me-central-1", "mx-central-1", "sa-east-1",
] as const;

/** Retention values CloudWatch Logs accepts (CloudWatch Logs API, PutRetentionPolicy retentionInDays); one list, in components/shared/aws.ts. */
export { LOG_RETENTION_DAYS };

export const logRetentionDays = (fallback: (typeof LOG_RETENTION_DAYS)[number]) =>
  z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), { error: `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}` })
    .default(fallback);

/** An IPv4 CIDR block with no host bits set (EC2 refuses `10.0.0.1/16`; a firewall would silently widen it). */
function ipv4CidrProblem(text: string): string | undefined {
  if (parseCidr(text)?.version !== 4) return "must be an IPv4 CIDR block like 203.0.113.0/24";
  return hasHostBits(text) ? "has host bits set: use the block's first address (e.g. 10.0.0.0/16)" : undefined;
}
const IPV4_CIDR_TEXT = { max: 18, pattern: /^[0-9./]+$/, problem: "must be an IPv4 CIDR block like 203.0.113.0/24" } as const;
export const ipv4Cidr = safeText({ ...IPV4_CIDR_TEXT, check: ipv4CidrProblem });

/** An SSH source: an IPv4 block no wider than a /16 (SSH is for admin addresses, not for networks). */
const adminCidr = safeText({
  ...IPV4_CIDR_TEXT,
  check: (text) => ipv4CidrProblem(text) ?? ((parseCidr(text)?.prefix ?? 32) < 16 ? "is wider than a /16: SSH is for admin addresses only; list the office range or single admin addresses (/32)" : undefined),
});

/** Private address space (RFC 1918): a VPC on public addresses would shadow those hosts on the internet. */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t) as Cidr);

export const awsConfigSchema = z.strictObject({
  /** The AWS account this stack deploys into; the provider refuses any other (`allowedAccountIds`). */
  accountId: safeText({ max: 12, pattern: /^\d{12}$/, problem: "must be the 12-digit AWS account id" }),
  /** Primary region (next to Supabase and the Vercel functions). */
  region: z.enum(AWS_REGIONS),
  /** Disaster-recovery region: backup replicas. Must differ from `region`. */
  drRegion: z.enum(AWS_REGIONS),
  /**
   * Availability-zone names (not looked up). Each AZ's subnets sit at the slot of its letter, so
   * adding one later moves nothing. 2–6 zones.
   */
  availabilityZones: z
    .array(safeText({ max: 32, pattern: AZ_NAME, problem: "must be an AZ name like eu-west-2a (region + letter a-h)" }))
    .min(2)
    .max(6),
});

export const networkConfigSchema = z.strictObject({
  /** The VPC block: private (RFC 1918), a /16 to a /18, not overlapping any VPN or peer range. */
  cidr: ipv4Cidr,
  /**
   * NAT gateways: `single` (one for the VPC; ~$40/month + $0.05/GB; an AZ outage stops egress)
   * or `perAz` (one per AZ; survives an AZ outage; ~$40/month each). @default "single"
   */
  natGateways: z.enum(["single", "perAz"]).default("single"),
  /**
   * Sources allowed to SSH (22) to the admin host: office or VPN ranges, or single admin
   * addresses (/32). Empty → no SSH rule at all (use SSM Session Manager). At most 8; none may
   * be a world range (any spelling) or wider than a /16. @default []
   */
  adminCidrs: z
    .array(adminCidr)
    .max(8)
    .refine((cidrs) => !isWorldRange(cidrs), { error: "together cover a world range: SSH to the admin host must not be open to the internet; list only the office, VPN or admin addresses" })
    .default([]),
  /** The admin host (bastion) in the management segment. */
  adminHost: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** @default "t4g.nano" (arm64: the AMI parameter is the arm64 one) */
      instanceType: z.enum(["t4g.nano", "t4g.micro", "t4g.small", "t4g.medium"], { error: "must be a burstable Graviton type: t4g.nano, t4g.micro, t4g.small or t4g.medium (the admin host boots the arm64 AMI)" }).default("t4g.nano"),
    })
    .prefault({}),
  /** Days CloudWatch keeps VPC flow logs. @default 90 */
  flowLogRetentionDays: logRetentionDays(90),
  /**
   * The guide's "443 to api_services" by name. `none`: security groups open 443/587 to any
   * address (they cannot filter by name). `network-firewall`: AWS Network Firewall in front of
   * the application segment's NAT admits only `allowedDomains` over HTTPS/HTTP, literal IPs
   * included (≈ $288/month per AZ + $0.065/GB: docs/network.md "Egress by name"). @default none
   */
  egressFiltering: z
    .strictObject({
      mode: z.enum(["none", "network-firewall"]).default("none"),
      /** Network Firewall domain-list targets; a leading `.` matches the domain and its subdomains. */
      allowedDomains: z
        .array(safeText({ max: 253, pattern: /^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, problem: "must be a lowercase domain like api.openai.com, or .supabase.co for the domain and its subdomains" }))
        .min(1)
        .max(MAX_ALLOWED_DOMAINS)
        .default([...DEFAULT_EGRESS_DOMAINS]),
    })
    .prefault({}),
  /**
   * Other networks this VPC must never overlap (the other stack's VPC, partners): routing between
   * overlapping ranges is impossible. @default []
   */
  reservedCidrs: z.array(z.strictObject({ name: safeText({ max: 40, pattern: /^[a-z0-9-]+$/, problem: "must be a short name of lowercase letters, digits and dashes" }), cidr: ipv4Cidr })).max(20).default([]),
});

export type AwsSettings = z.output<typeof awsConfigSchema>;
export type NetworkSettings = z.output<typeof networkConfigSchema>;

const key = (path: string) => `promptandpause:${path}`;

/** Cross-key checks of `promptandpause:aws`: regions and zones. */
export function checkAwsConfig(aws: AwsSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (aws.drRegion === aws.region) {
    issues.push({ path: key("aws.drRegion"), problem: "must differ from aws.region (a region outage would take the backups' replica with it)", got: aws.drRegion, fix: "Pick another region, e.g. eu-west-1 for eu-west-2." });
  }
  aws.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(aws.region) || az.length !== aws.region.length + 1) {
      issues.push({ path: key(`aws.availabilityZones[${i}]`), problem: `is not a zone of aws.region ${aws.region}`, got: az, fix: `Use ${aws.region}a, ${aws.region}b, …` });
    }
    if (aws.availabilityZones.indexOf(az) !== i) issues.push({ path: key(`aws.availabilityZones[${i}]`), problem: "is listed twice", got: az, fix: "List each zone once." });
  });
  return issues;
}

/** Cross-key checks of `promptandpause:network`: the VPC block and the networks it must not overlap. */
export function checkNetworkConfig(network: NetworkSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];

  const vpc = parseCidr(network.cidr);
  if (vpc && (vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max)) {
    issues.push({ path: key("network.cidr"), problem: `must be a /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max} (the segment plan needs the room; AWS allows at most a /16)`, got: network.cidr, fix: "Use e.g. 10.20.0.0/16." });
  }
  if (vpc && !RFC1918.some((range) => range.start <= vpc.start && vpc.end <= range.end)) {
    issues.push({ path: key("network.cidr"), problem: "must be private address space (RFC 1918: 10/8, 172.16/12, 192.168/16)", got: network.cidr, fix: "Use e.g. 10.20.0.0/16." });
  }


  for (const { name, cidr } of network.reservedCidrs) {
    for (const [ours] of overlappingPairs([network.cidr], [cidr])) {
      issues.push({ path: key("network.cidr"), problem: `overlaps ${name} (${cidr}) from network.reservedCidrs`, got: ours, fix: "Give the VPC a range no other network uses." });
    }
  }
  return issues;
}

/**
 * Refuses a list of source ranges that, taken together, is the world (`0.0.0.0/0`, two /1s,
 * `::/0`, …: policies/lib/cidr.ts isWorldRange). Shared by every config key that admits sources.
 */
export function checkNotWorld(cidrs: readonly string[], path: string, what: string): ConfigIssue[] {
  if (!isWorldRange(cidrs)) return [];
  return [{ path: key(path), problem: `together cover a world range: ${what} must not be open to the internet`, got: cidrs, fix: "List only the networks that need it (office, VPN, single admin addresses)." }];
}

/**
 * Refuses ranges that overlap the VPC: a VPN or peer network that overlaps it cannot be routed.
 * Layers that bring their own networks (VPN offices, WireGuard tunnels, Vercel Secure Compute)
 * call this with their key.
 */
export function checkNoVpcOverlap(vpcCidr: string, cidrs: readonly string[], path: string): ConfigIssue[] {
  return overlappingPairs(cidrs, [vpcCidr]).map(([theirs]) => ({
    path: key(path),
    problem: `overlaps the VPC (network.cidr ${vpcCidr}): traffic to it could not be routed`,
    got: theirs,
    fix: "Move the VPC (network.cidr) or use a range outside it.",
  }));
}
