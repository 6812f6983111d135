import { GUIDE } from "../shared/guide";
import type { Segment } from "../network/segments";

/**
 * The guide's "Firewall Rules" as one table of allowed flows. Security-group rules and network-ACL
 * rules (both directions, with the stateless replies) are generated from it, so a port or a
 * source is written once. Anything not listed is denied: security groups deny by default and
 * every segment's network ACL ends in the implicit deny.
 *
 * Where the guide's inbound rules land (docs/network.md "Firewall map"):
 * - 443 and 80 from 0.0.0.0/0 are taken at the Cloudflare edge (the app is on Vercel behind it;
 *   components/edge redirects 80 to 443). Nothing on AWS serves the public web, so no AWS
 *   security group opens 443 or 80 to the world: an entry point that does not exist gets no rule.
 * - 22 from admin_ips → the admin host in the management segment, from `network.adminCidrs` only;
 *   no rule at all when the list is empty.
 * Outbound "443 to api_services" and "587 to email_services" are destinations by name; security
 * groups and NACLs filter by address only, so these open the port to any address and the name is
 * enforced by the optional egress filter (`network.egressFiltering`, docs/network.md).
 */

/** One end of a flow. */
export type Peer =
  | { kind: "segment"; segment: Segment }
  | { kind: "internet" }
  | { kind: "cidrs"; role: "admin"; cidrs: readonly string[] };

export interface Flow {
  /** Stable id: part of every generated resource's logical name. */
  id: string;
  /**
   * Fixed position of the flow's network-ACL rules (rule numbers `slot × 100 + n`): a slot never
   * changes once given, so adding a flow renumbers nothing.
   */
  slot: number;
  /** The guide line it implements (EC2 rule descriptions allow only `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`). */
  guide: string;
  from: Peer;
  to: Peer;
  protocol: "tcp" | "udp";
  port: number;
}

/** The guide's inbound/outbound rule for a port; throws when the guide has no such line. */
function guidePort(direction: "inbound" | "outbound", port: number): { port: number; purpose: string } {
  const rule = (GUIDE.firewall[direction] as ReadonlyArray<{ port: number; purpose: string }>).find((r) => r.port === port);
  if (!rule) throw new Error(`GUIDE.firewall.${direction} has no port ${port}`);
  return rule;
}

const SSH = guidePort("inbound", 22);
const HTTPS_OUT = guidePort("outbound", 443);
const SMTP_OUT = guidePort("outbound", 587);

/** Ports the cache and the database listen on (ElastiCache default port; Supabase's pooler). */
export const SERVICE_PORTS = {
  /** ElastiCache Redis OSS / Valkey default port. */
  cache: 6379,
  /** Supabase Supavisor: session mode 5432, transaction mode 6543 (Supabase "Connecting to Postgres"). */
  postgresSession: 5432,
  postgresTransaction: 6543,
} as const;

const seg = (segment: Segment): Peer => ({ kind: "segment", segment });
const internet: Peer = { kind: "internet" };

export interface FlowArgs {
  /** Admin source ranges for SSH (`network.adminCidrs`); empty → no SSH flow at all. */
  adminCidrs: readonly string[];
}

/** Every allowed flow of the platform's network. */
export function platformFlows({ adminCidrs }: FlowArgs): Flow[] {
  const flows: Flow[] = [
    { id: "app-https-out", slot: 1, guide: `guide outbound ${HTTPS_OUT.port} (${HTTPS_OUT.purpose}) to api_services: workers call AI APIs, Stripe, Supabase, AWS APIs`, from: seg("application"), to: internet, protocol: "tcp", port: HTTPS_OUT.port },
    { id: "app-smtp-out", slot: 2, guide: `guide outbound ${SMTP_OUT.port} (${SMTP_OUT.purpose}) to email_services: workers send mail through Resend`, from: seg("application"), to: internet, protocol: "tcp", port: SMTP_OUT.port },
    { id: "app-cache", slot: 3, guide: `database ports only from the application segment: workers to the cache on ${SERVICE_PORTS.cache}`, from: seg("application"), to: seg("database"), protocol: "tcp", port: SERVICE_PORTS.cache },
    { id: "mgmt-https-out", slot: 4, guide: `guide outbound ${HTTPS_OUT.port} (${HTTPS_OUT.purpose}): the admin host reaches SSM and OS patches`, from: seg("management"), to: internet, protocol: "tcp", port: HTTPS_OUT.port },
    { id: "backup-pg-session-out", slot: 5, guide: `backup jobs to the Supabase session pooler on ${SERVICE_PORTS.postgresSession} (pg_dump)`, from: seg("backup"), to: internet, protocol: "tcp", port: SERVICE_PORTS.postgresSession },
    { id: "backup-https-out", slot: 6, guide: `guide outbound ${HTTPS_OUT.port} (${HTTPS_OUT.purpose}): backup jobs to Supabase Storage and S3`, from: seg("backup"), to: internet, protocol: "tcp", port: HTTPS_OUT.port },
  ];
  if (adminCidrs.length > 0) {
    flows.push({ id: "admin-ssh", slot: 7, guide: `guide inbound ${SSH.port} (${SSH.purpose}) from admin_ips to the admin host`, from: { kind: "cidrs", role: "admin", cidrs: adminCidrs }, to: seg("management"), protocol: "tcp", port: SSH.port });
  }
  return flows;
}

/**
 * The guide's inbound lines that no AWS rule implements, and where they are enforced instead
 * (docs/network.md, and the plan's firewall map).
 */
export const EDGE_MAPPED_INBOUND = [
  { port: guidePort("inbound", 443).port, where: "Cloudflare edge (components/edge): TLS 1.2+, WAF, rate limits, then Vercel" },
  { port: guidePort("inbound", 80).port, where: "Cloudflare edge: Always Use HTTPS redirects 80 to 443 before any origin" },
] as const;

/** The characters EC2 accepts in a security-group rule description (EC2 API: IpRange.Description). */
export const EC2_DESCRIPTION_CHARS = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
