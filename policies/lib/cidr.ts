/**
 * CIDR arithmetic shared by the config checks (stacks/schema/*) and the pack's network policies,
 * so the two can never disagree about what "the world" or "overlapping" means. Pure: no Node
 * modules (the pack compiles without them), addresses as bigint so IPv6 works the same as IPv4.
 */

export interface Cidr {
  version: 4 | 6;
  /** First address of the block (host bits cleared). */
  start: bigint;
  /** Last address of the block. */
  end: bigint;
  prefix: number;
  /** Canonical text, e.g. `10.0.0.0/16`. */
  text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

/**
 * How wide a set of sources may be before it counts as "the world": any union that covers at
 * least 1/4 of the address space of its family (a /2 or wider). `0.0.0.0/0`, `0.0.0.0/1` +
 * `128.0.0.0/1`, `::/0` and `::/1` + `8000::/1` all qualify; no real office or admin range is that wide.
 */
export const WORLD_FRACTION_PREFIX = 2;

/** Parses `a.b.c.d/n` or an IPv6 `x:y::z/n`; undefined when it is not a valid CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== "string" || text.length > 64) return undefined;
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const v4 = parseIpv4(addressText);
  const version: 4 | 6 = v4 !== undefined ? 4 : 6;
  const address = v4 ?? parseIpv6(addressText);
  if (address === undefined || prefix > BITS[version]) return undefined;
  const hostBits = BigInt(BITS[version] - prefix);
  const start = (address >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  return { version, start, end, prefix, text: `${formatAddress(version, start)}/${prefix}` };
}

/** Whether the address in `text` has host bits set (`10.0.0.1/16`): AWS and most firewalls refuse or silently widen it. */
export function hasHostBits(text: string): boolean {
  const cidr = parseCidr(text);
  if (!cidr) return false;
  const addressText = text.slice(0, text.indexOf("/"));
  return (parseIpv4(addressText) ?? parseIpv6(addressText)) !== cidr.start;
}

/** Parses a dotted-quad IPv4 address (no leading zeros, which some parsers read as octal). */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** Parses an IPv6 address (with at most one `::`, optional trailing dotted quad); undefined otherwise. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] | undefined => {
    if (part === "") return [];
    const groups = part.split(":");
    const last = groups[groups.length - 1] ?? "";
    if (last.includes(".")) {
      const v4 = parseIpv4(last);
      if (v4 === undefined) return undefined;
      groups.splice(groups.length - 1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups : undefined;
  };
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...Array<string>(8 - count).fill("0"), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return groups.join(":");
}

/** Whether two blocks share at least one address (different families never do). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.start <= b.end && b.start <= a.end;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.start <= inner.start && inner.end <= outer.end;
}

/** Number of addresses the union of `cidrs` covers, per family (overlaps counted once). */
export function unionSize(cidrs: readonly Cidr[], version: 4 | 6): bigint {
  const blocks = cidrs.filter((c) => c.version === version).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let total = 0n;
  let currentStart: bigint | undefined;
  let currentEnd = -1n;
  for (const block of blocks) {
    if (currentStart === undefined || block.start > currentEnd + 1n) {
      if (currentStart !== undefined) total += currentEnd - currentStart + 1n;
      currentStart = block.start;
      currentEnd = block.end;
    } else if (block.end > currentEnd) {
      currentEnd = block.end;
    }
  }
  if (currentStart !== undefined) total += currentEnd - currentStart + 1n;
  return total;
}

/**
 * Whether a set of source ranges is, taken together, "the world": its union covers at least
 * 2^(bits - WORLD_FRACTION_PREFIX) addresses of either family. A string match on `0.0.0.0/0`
 * misses `0.0.0.0/1` + `128.0.0.0/1`; this does not. Unparseable entries are ignored here
 * (the schema refuses them separately).
 */
export function isWorldRange(texts: readonly string[]): boolean {
  const cidrs = texts.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return ([4, 6] as const).some((version) => unionSize(cidrs, version) >= 1n << BigInt(BITS[version] - WORLD_FRACTION_PREFIX));
}

/** Every pair (from `a`, from `b`) of blocks that overlap, as text. */
export function overlappingPairs(a: readonly string[], b: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const x of a) {
    const cx = parseCidr(x);
    if (!cx) continue;
    for (const y of b) {
      const cy = parseCidr(y);
      if (cy && cidrsOverlap(cx, cy)) out.push([x, y]);
    }
  }
  return out;
}
