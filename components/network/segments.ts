/**
 * The guide's five network segments ("Network Segmentation": PUBLIC_FACING, APPLICATION, DATABASE,
 * MANAGEMENT, BACKUP) and how each sits in an availability zone's address block. This is data:
 * the subnet plan, the route tables, the network ACLs and the firewall all read it.
 */

export const SEGMENTS = ["public", "application", "database", "management", "backup"] as const;
export type Segment = (typeof SEGMENTS)[number];

/** How a segment reaches the internet. */
export type InternetRoute = "internet-gateway" | "nat" | "none";

export interface SegmentSpec {
  /** The guide's name for it. */
  guideName: string;
  /** What lives there on this platform (docs/network.md). */
  holds: string;
  /**
   * The segment's block inside the VPC: `/vpcPrefix + blockDelta`, starting `blockOffset` blocks
   * of that size in. Each AZ's subnet is the slot of its letter inside that block (a /21 block
   * holds eight /24s, one per AZ letter a–h). Segment-major on purpose: every segment is one
   * contiguous range, so the network ACLs and security rules name one range per segment (their
   * rule counts do not grow with the AZs: a NACL holds 20 rules per direction by default), and
   * adding an AZ or a segment still moves no existing subnet.
   */
  blockDelta: number;
  blockOffset: number;
  /**
   * The default route. public → internet gateway (NAT gateways and the WireGuard endpoint live
   * there); application and backup → NAT (egress only); database → none (nothing there may
   * reach or be reached from the internet); management → internet gateway, because the admin
   * host must be reachable from the listed public admin addresses (its security group admits
   * only those, on 22 only).
   */
  internet: InternetRoute;
}

/**
 * Layout of a /16 VPC (smaller VPCs scale every block down alike):
 *   application  x.x.0.0/18    AZ subnets /21 (2,048 addresses: Fargate tasks take one each)
 *   public       x.x.64.0/19   AZ subnets /22 (NAT gateways, WireGuard endpoint)
 *   database     x.x.96.0/19   AZ subnets /22 (cache nodes)
 *   management   x.x.128.0/21  AZ subnets /24 (the admin host)
 *   backup       x.x.136.0/21  AZ subnets /24 (backup jobs)
 *   x.x.144.0 – x.x.255.255   reserved for later segments
 */
export const SEGMENT_SPECS: Record<Segment, SegmentSpec> = {
  public: { guideName: "PUBLIC_FACING", holds: "NAT gateways, the WireGuard endpoint's network interface", blockDelta: 3, blockOffset: 2, internet: "internet-gateway" },
  application: { guideName: "APPLICATION", holds: "ECS Fargate workers (AI jobs, SMTP mail, webhook fan-out)", blockDelta: 2, blockOffset: 0, internet: "nat" },
  database: { guideName: "DATABASE", holds: "ElastiCache (Supabase Postgres is managed, outside the VPC)", blockDelta: 3, blockOffset: 3, internet: "none" },
  management: { guideName: "MANAGEMENT", holds: "the admin host (bastion), reached over the VPNs or from listed admin addresses", blockDelta: 5, blockOffset: 16, internet: "internet-gateway" },
  backup: { guideName: "BACKUP", holds: "backup jobs when they run on AWS (egress only to the database ports and S3)", blockDelta: 5, blockOffset: 17, internet: "nat" },
};

/** AZ slots per segment block: the AZ subnet is the block prefix + 3, so eight slots (letters a–h). */
export const AZ_SLOT_BITS = 3;
export const MAX_AZ_SLOTS = 2 ** AZ_SLOT_BITS;
