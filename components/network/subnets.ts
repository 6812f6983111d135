import { parseCidr } from "../../policies/lib/cidr";
import { AZ_SLOT_BITS, MAX_AZ_SLOTS, SEGMENT_SPECS, SEGMENTS, type Segment } from "./segments";

/**
 * The subnet plan: one pure function from the VPC block and the AZ names to every subnet.
 * Each segment owns a fixed block of the VPC (components/network/segments.ts) and each AZ a fixed
 * slot inside it, chosen by the AZ's letter (`eu-west-2a` → slot 0, `…b` → 1). Adding or removing
 * an AZ, or reordering the list, changes no existing subnet, and logical names are keyed by
 * segment and AZ, never by list position (terraform-aws-vpc #714: a count-indexed subnet list
 * renumbers and replaces everything after a removed entry).
 */

export interface PlannedSubnet {
  segment: Segment;
  az: string;
  cidr: string;
  /** Logical-name suffix: `<segment>-<az>`, e.g. `application-eu-west-2a`. */
  key: string;
}

/** VPC sizes the plan supports: a /16 (AWS's largest) down to a /18. */
export const VPC_PREFIX_RANGE = { min: 16, max: 18 } as const;

/** AZ names the plan accepts: a region and one letter a–h (`eu-west-2a`); not Local/Wavelength Zones. */
export const AZ_NAME = /^[a-z]{2}(?:-gov)?-[a-z]+-\d([a-h])$/;

/** An AZ name's slot: its trailing letter, a–h. */
export function azSlot(az: string): number | undefined {
  const match = AZ_NAME.exec(az);
  return match ? (match[1] as string).charCodeAt(0) - "a".charCodeAt(0) : undefined;
}

/** The one contiguous range a segment owns in the VPC (every AZ's subnet of it lies inside). */
export function segmentBlock(vpcCidr: string, segment: Segment): string {
  const vpc = requireVpc(vpcCidr);
  const spec = SEGMENT_SPECS[segment];
  const prefix = vpc.prefix + spec.blockDelta;
  return `${ipv4Text(vpc.start + BigInt(spec.blockOffset) * size(prefix))}/${prefix}`;
}

/** Every subnet of every segment in every AZ; throws on input the schema should have refused. */
export function planSubnets(vpcCidr: string, azs: readonly string[]): PlannedSubnet[] {
  requireVpc(vpcCidr);
  const out: PlannedSubnet[] = [];
  for (const az of azs) {
    const slot = azSlot(az);
    if (slot === undefined || slot >= MAX_AZ_SLOTS) throw new Error(`planSubnets: ${az} is not an AZ name ending in a–h`);
    for (const segment of SEGMENTS) {
      const block = parseCidr(segmentBlock(vpcCidr, segment));
      if (!block) throw new Error("unreachable: segment block");
      const prefix = block.prefix + AZ_SLOT_BITS;
      out.push({ segment, az, cidr: `${ipv4Text(block.start + BigInt(slot) * size(prefix))}/${prefix}`, key: `${segment}-${az}` });
    }
  }
  return out;
}

function requireVpc(vpcCidr: string) {
  const vpc = parseCidr(vpcCidr);
  if (vpc?.version !== 4 || vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max) {
    throw new Error(`planSubnets: ${vpcCidr} must be an IPv4 /${VPC_PREFIX_RANGE.min}–/${VPC_PREFIX_RANGE.max}`);
  }
  return vpc;
}

const size = (prefix: number): bigint => 1n << BigInt(32 - prefix);

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
}
