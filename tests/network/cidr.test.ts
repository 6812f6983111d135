import { describe, expect, it } from "vitest";
import { cidrsOverlap, hasHostBits, isWorldRange, overlappingPairs, parseCidr } from "../../policies/lib/cidr";

/** policies/lib/cidr.ts: the one notion of "the world" and of "overlapping" for config checks and policies. */

describe("isWorldRange", () => {
  it.each<[string[], boolean]>([
    [["0.0.0.0/0"], true],
    [["0.0.0.0/1", "128.0.0.0/1"], true],
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], true],
    [["0.0.0.0/2"], true],
    [["::/0"], true],
    [["::/1", "8000::/1"], true],
    [["0:0:0:0:0:0:0:0/0"], true],
    [["10.0.0.0/8"], false],
    [["0.0.0.0/3"], false],
    [["198.51.100.0/24", "203.0.113.7/32"], false],
    [["2001:db8::/32"], false],
    [["10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/9"], false],
    [[], false],
  ])("%j → %s", (cidrs, world) => {
    expect(isWorldRange(cidrs)).toBe(world);
  });
});

describe("parseCidr", () => {
  it.each([":::/0", "10.0.0.256/8", "10.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "::ffff:1.2.3.4.5/96", "1:2:3:4:5:6:7:8:9/64", "10.0.0.0", "10.0.0.0/ 8"])("refuses %s", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("normalises host bits away and reports them", () => {
    expect(parseCidr("10.1.2.3/16")?.text).toBe("10.1.0.0/16");
    expect(hasHostBits("10.1.2.3/16")).toBe(true);
    expect(hasHostBits("10.1.0.0/16")).toBe(false);
  });

  it("reads IPv6 with :: and an embedded IPv4 tail", () => {
    expect(parseCidr("::ffff:192.0.2.1/128")?.start).toBe(0xffffc0000201n);
  });
});

describe("overlaps", () => {
  it("finds every overlapping pair and never across families", () => {
    expect(overlappingPairs(["10.0.0.0/16", "192.168.0.0/24"], ["10.0.128.0/20", "172.16.0.0/12", "::/0"])).toEqual([["10.0.0.0/16", "10.0.128.0/20"]]);
    const a = parseCidr("10.0.0.0/16");
    const b = parseCidr("10.1.0.0/16");
    expect(a && b && cidrsOverlap(a, b)).toBe(false);
  });
});
