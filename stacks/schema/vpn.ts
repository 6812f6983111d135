import { z } from "zod";
import { SEGMENTS, type Segment } from "../../components/network/segments";
import { PEER_NAME_PATTERN, type WireGuardPeer, validatePeers } from "../../components/vpn/wireguard-config";
import type { ConfigIssue } from "../../components/shared/errors";
import { hasHostBits, isWorldRange, overlappingPairs, parseCidr, parseIpv4 } from "../../policies/lib/cidr";
import { ALLOWED_TUNNEL_VALUES, awsAccepted, type IpsecPhase, isAllowedTunnelValue, TUNNEL_VALUE_REASONS, type TunnelSetting, WIREGUARD_KEY_PATTERN, WIREGUARD_PORT } from "../../policies/lib/vpn";
import { ipv4Cidr, logRetentionDays } from "./aws";
import { cidr, safeText } from "./common";

/**
 * `promptandpause:vpn` — the guide's "VPN & Private Networking": office → production over IPSec
 * (AES-256), development → staging over WireGuard. Each tunnel is off unless its section is set,
 * and a stack file sets it only once the real addresses exist (no placeholders: documentation
 * and private ranges are refused as the office's public address).
 */

/** Segments a VPN reaches unless configured: the admin host and the application servers. */
export const DEFAULT_REACHABLE_SEGMENTS: readonly Segment[] = ["management", "application"];

const KEY = "promptandpause:vpn";

const segments = z.array(z.enum(SEGMENTS)).min(1).default([...DEFAULT_REACHABLE_SEGMENTS]);

/** An AWS tunnel-option value (`ikev2`, `AES256-GCM-16`, `SHA2-256`): checked against AWS's and the platform's lists in {@link checkVpnConfig}. */
const algorithm = safeText({ max: 20, pattern: /^[A-Za-z0-9-]+$/, problem: "must be an AWS tunnel option value like AES256 or SHA2-256" });

/** One IPSec phase's proposals. Values are checked against AWS's and the platform's lists in {@link checkVpnConfig}. */
const phaseSchema = z
  .strictObject({
    /** @default ["AES256", "AES256-GCM-16"] */
    encryption: z.array(algorithm).min(1).default([...ALLOWED_TUNNEL_VALUES.encryption]),
    /** @default ["SHA2-256", "SHA2-384", "SHA2-512"] */
    integrity: z.array(algorithm).min(1).default([...ALLOWED_TUNNEL_VALUES.integrity]),
    /** @default [14, 15, 16, 17, 18, 19, 20, 21] */
    dhGroups: z.array(z.number().int()).min(1).default([...ALLOWED_TUNNEL_VALUES.dhGroups]),
  })
  .prefault({});

export const siteToSiteSchema = z.strictObject({
  /** The office router's static public IPv4 address (the customer gateway). */
  officePublicIp: safeText({ max: 15, min: 7, pattern: /^\d{1,3}(\.\d{1,3}){3}$/, problem: "must be the office router's public IPv4 address", check: (v) => (parseIpv4(v) === undefined ? "must be the office router's public IPv4 address" : undefined) }),
  /** The office's internal networks (routes to them are added only in the reachable segments). */
  officeCidrs: z.array(ipv4Cidr).min(1),
  /**
   * The office router's BGP ASN (1–2147483647): dynamic routing. Unset: static routes to
   * {@link officeCidrs}. @default static routing
   */
  bgpAsn: z.number().int().min(1).max(2_147_483_647).optional(),
  /** The AWS side's private ASN (virtual private gateway). @default 64512 (AWS's default) */
  amazonSideAsn: z.number().int().min(64_512).max(65_534).default(64_512),
  /** Segments the office may reach. @default ["management", "application"] */
  reachableSegments: segments,
  /** IKE versions both tunnels accept. @default ["ikev2"] */
  ikeVersions: z.array(algorithm).min(1).default([...ALLOWED_TUNNEL_VALUES.ikeVersions]),
  phase1: phaseSchema,
  phase2: phaseSchema,
  /** Days the tunnel logs are kept in CloudWatch. Cost: $0.03/GB-month stored. @default 90 */
  logRetentionDays: logRetentionDays(90),
});

export const wireguardSchema = z.strictObject({
  /** The development network's public ranges: the only sources of UDP 51820. */
  developmentCidrs: z.array(cidr).min(1),
  /** The tunnel network (outside the VPC); the gateway takes its first host. @default "10.200.0.0/24" */
  tunnelCidr: ipv4Cidr.default("10.200.0.0/24"),
  /** Developers' devices. */
  peers: z
    .array(
      z.strictObject({
        name: safeText({ max: 32, pattern: PEER_NAME_PATTERN, problem: "must be 1-32 of a-z, 0-9, '-', starting with a letter" }),
        publicKey: safeText({ max: 44, min: 44, pattern: WIREGUARD_KEY_PATTERN, problem: "must be a WireGuard public key: base64 of 32 bytes (the output of `wg pubkey`)" }),
        tunnelIp: safeText({ max: 15, min: 7, pattern: /^\d{1,3}(\.\d{1,3}){3}$/, problem: "must be an IPv4 address" }),
      }),
    )
    .min(1),
  /** Segments developers may reach. @default ["management", "application"] */
  reachableSegments: segments,
  /** Gateway instance type (Graviton). Cost: t4g.nano ≈ $3.4/month in eu-west-2. @default "t4g.nano" */
  instanceType: safeText({ max: 32, pattern: /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, problem: "must be an EC2 instance type like t4g.nano" }).default("t4g.nano"),
  /**
   * Public SSM parameter of the AMI (`resolve:ssm:` at launch). Must match the instance type's
   * architecture. Debian publishes `/aws/service/debian/release/12/latest/{amd64,arm64}`.
   * @default "/aws/service/debian/release/12/latest/arm64"
   */
  imageParameter: safeText({ max: 213, pattern: /^\/aws\/service\/[A-Za-z0-9_./-]{1,200}$/, problem: "must be a public AMI parameter under /aws/service/" }).default("/aws/service/debian/release/12/latest/arm64"),
  /** AZ of the gateway's interface (and instance). @default the stack's first availability zone */
  availabilityZone: safeText({ max: 32, pattern: /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, problem: "must be an availability zone name like eu-west-2a" }).optional(),
});

export const vpnConfigSchema = z
  .strictObject({
    /** Office → production, IPSec. @default off */
    siteToSite: siteToSiteSchema.optional(),
    /** Development → staging, WireGuard. @default off */
    wireguard: wireguardSchema.optional(),
  })
  .prefault({});

export type VpnSettings = z.output<typeof vpnConfigSchema>;
export type SiteToSiteSettings = z.output<typeof siteToSiteSchema>;
export type WireGuardSettings = z.output<typeof wireguardSchema>;

/**
 * Segments no VPN may reach: the guide opens the database segment to the application segment
 * only (its NACLs and route tables are built for that), and nothing outside reaches it directly.
 */
export const UNREACHABLE_SEGMENTS: readonly Segment[] = ["database"];

/** Ranges that cannot be an office router's public address: private, shared, loopback, link-local, documentation, multicast, reserved. */
const NOT_PUBLIC = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3"];

/** What the VPN checks need from the rest of the configuration (the network layer's keys). */
export interface VpnCheckContext {
  /** `promptandpause:network.cidr`. */
  vpcCidr?: string;
  /** `promptandpause:aws.availabilityZones`. */
  availabilityZones?: readonly string[];
}

/**
 * Everything the schema's shapes cannot say, each issue naming its key: tunnel proposals against
 * AWS's and the platform's lists, the office address, world-wide WireGuard sources, peers, and
 * CIDR overlaps with the VPC.
 */
export function checkVpnConfig(vpn: VpnSettings, context: VpnCheckContext = {}): ConfigIssue[] {
  return [...(vpn.siteToSite ? checkSiteToSite(vpn.siteToSite, context) : []), ...(vpn.wireguard ? checkWireGuard(vpn.wireguard, context) : [])];
}

function checkSiteToSite(s: SiteToSiteSettings, context: VpnCheckContext): ConfigIssue[] {
  const at = `${KEY}.siteToSite`;
  const issues: ConfigIssue[] = [...checkProposals(`${at}.ikeVersions`, "ikeVersions", "phase1", s.ikeVersions), ...checkReachable(`${at}.reachableSegments`, s.reachableSegments)];
  for (const phase of ["phase1", "phase2"] as const) {
    for (const setting of ["encryption", "integrity", "dhGroups"] as const) issues.push(...checkProposals(`${at}.${phase}.${setting}`, setting, phase, s[phase][setting]));
  }
  const reserved = overlappingPairs([`${s.officePublicIp}/32`], NOT_PUBLIC)[0]?.[1];
  if (reserved) {
    issues.push({ path: `${at}.officePublicIp`, problem: `is in ${reserved}, which is not a public internet address (AWS must reach the office router's static public IP)`, got: s.officePublicIp, fix: "Set the office router's real public address, or remove siteToSite until it exists." });
  }
  issues.push(...checkCidrList(`${at}.officeCidrs`, s.officeCidrs, "the office's networks", context));
  if (s.bgpAsn !== undefined && s.bgpAsn === s.amazonSideAsn) {
    issues.push({ path: `${at}.bgpAsn`, problem: `must differ from amazonSideAsn (${s.amazonSideAsn}); BGP peers need two ASNs`, got: s.bgpAsn });
  }
  return issues;
}

function checkWireGuard(w: WireGuardSettings, context: VpnCheckContext): ConfigIssue[] {
  const at = `${KEY}.wireguard`;
  const issues: ConfigIssue[] = checkReachable(`${at}.reachableSegments`, w.reachableSegments);
  if (isWorldRange(w.developmentCidrs)) {
    issues.push({
      path: `${at}.developmentCidrs`,
      problem: `opens UDP ${WIREGUARD_PORT} to the whole internet (together these ranges cover at least a quarter of the address space)`,
      got: w.developmentCidrs,
      fix: "List the development network's own public ranges only.",
    });
  }
  w.developmentCidrs.forEach((c, i) => {
    if (hasHostBits(c)) issues.push({ path: `${at}.developmentCidrs[${i}]`, problem: "has host bits set; AWS refuses it as a security-group source", got: c, fix: `Use ${parseCidr(c)?.text}.` });
  });
  issues.push(...checkCidrList(`${at}.tunnelCidr`, [w.tunnelCidr], "the tunnel network", context, true));
  issues.push(...validatePeers(w.peers as WireGuardPeer[], w.tunnelCidr, `${at}.peers`));
  if (w.availabilityZone && context.availabilityZones && !context.availabilityZones.includes(w.availabilityZone)) {
    issues.push({ path: `${at}.availabilityZone`, problem: `must be one of the stack's availability zones (${context.availabilityZones.join(", ")})`, got: w.availabilityZone });
  }
  return issues;
}

function checkReachable(path: string, segments: readonly Segment[]): ConfigIssue[] {
  return segments.flatMap((segment, i) =>
    UNREACHABLE_SEGMENTS.includes(segment)
      ? [{ path: `${path}[${i}]`, problem: `the ${segment} segment is reachable from the application segment only (guide: database ports only from application servers)`, got: segment, fix: "Reach it through the admin host or the application instead." }]
      : [],
  );
}

/** Each value must be one AWS accepts, then one the platform allows; and the list must not repeat values. */
function checkProposals(path: string, setting: TunnelSetting, phase: IpsecPhase, values: readonly (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const accepted = awsAccepted(setting, phase);
  values.forEach((value, i) => {
    if (!accepted.includes(value)) {
      issues.push({ path: `${path}[${i}]`, problem: `is not a value AWS accepts for ${phase} (${accepted.join(", ")})`, got: value, fix: `Use one of ${ALLOWED_TUNNEL_VALUES[setting].join(", ")}.` });
    } else if (!isAllowedTunnelValue(setting, value)) {
      issues.push({ path: `${path}[${i}]`, problem: `is refused: ${TUNNEL_VALUE_REASONS[setting]}`, got: value, fix: `Remove it; allowed: ${ALLOWED_TUNNEL_VALUES[setting].join(", ")}.` });
    }
  });
  if (new Set(values).size !== values.length) issues.push({ path, problem: "lists a value twice", got: values });
  return issues;
}

/** No world-wide range, no host bits, no overlap with the VPC. */
function checkCidrList(path: string, cidrs: readonly string[], what: string, context: VpnCheckContext, single = false): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const keyOf = (i: number) => (single ? path : `${path}[${i}]`);
  if (isWorldRange(cidrs)) issues.push({ path, problem: `covers at least a quarter of the address space; ${what} cannot be that wide`, got: single ? cidrs[0] : cidrs });
  cidrs.forEach((c, i) => {
    if (hasHostBits(c)) issues.push({ path: keyOf(i), problem: "has host bits set", got: c, fix: `Use ${parseCidr(c)?.text}.` });
  });
  if (context.vpcCidr) {
    for (const [c] of overlappingPairs(cidrs, [context.vpcCidr])) {
      issues.push({
        path: keyOf(cidrs.indexOf(c)),
        problem: `overlaps the VPC (${context.vpcCidr}, promptandpause:network.cidr); routes to ${what} would shadow the VPC's own addresses`,
        got: c,
        fix: "Use a range outside the VPC.",
      });
    }
  }
  return issues;
}
