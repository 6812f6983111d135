/** promptandpause:vpn: each tunnel off unless configured, guide defaults, and every refusal naming its key. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../components/shared/errors";
import { checkVpnConfig, vpnConfigSchema } from "../../stacks/schema/vpn";

const pub = (): string => execFileSync("wg", ["pubkey"], { input: execFileSync("wg", ["genkey"]) }).toString().trim();
const KEY_A = pub();
const KEY_B = pub();

const SITE = { officePublicIp: "81.2.69.142", officeCidrs: ["192.168.10.0/24"] };
const WG = { developmentCidrs: ["81.2.69.0/28"], peers: [{ name: "alice-laptop", publicKey: KEY_A, tunnelIp: "10.200.0.10" }] };
const CONTEXT = { vpcCidr: "10.0.0.0/16", availabilityZones: ["eu-west-2a", "eu-west-2b"] };

/** The issues of a `promptandpause:vpn` value, formatted as the plan prints them. */
function problems(vpn: Record<string, unknown>): string[] {
  const parsed = vpnConfigSchema.safeParse(vpn);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  return checkVpnConfig(parsed.data, CONTEXT).map(formatIssue);
}

describe("defaults", () => {
  it("both tunnels are off when the key is absent", () => {
    expect(vpnConfigSchema.parse(undefined)).toEqual({});
  });

  it("site-to-site defaults: IKEv2, the AES-256 family, SHA-2 ≥ 256, DH 14-21, management + application, static routing", () => {
    const s = vpnConfigSchema.parse({ siteToSite: SITE }).siteToSite;
    expect(s).toEqual({
      ...SITE,
      amazonSideAsn: 64512,
      reachableSegments: ["management", "application"],
      ikeVersions: ["ikev2"],
      phase1: { encryption: ["AES256", "AES256-GCM-16"], integrity: ["SHA2-256", "SHA2-384", "SHA2-512"], dhGroups: [14, 15, 16, 17, 18, 19, 20, 21] },
      phase2: { encryption: ["AES256", "AES256-GCM-16"], integrity: ["SHA2-256", "SHA2-384", "SHA2-512"], dhGroups: [14, 15, 16, 17, 18, 19, 20, 21] },
      logRetentionDays: 90,
    });
    expect(problems({ siteToSite: SITE })).toEqual([]);
  });

  it("WireGuard defaults: tunnel 10.200.0.0/24, Debian 12 arm64 on t4g.nano, management + application", () => {
    const w = vpnConfigSchema.parse({ wireguard: WG }).wireguard;
    expect(w).toMatchObject({ tunnelCidr: "10.200.0.0/24", instanceType: "t4g.nano", imageParameter: "/aws/service/debian/release/12/latest/arm64", reachableSegments: ["management", "application"] });
    expect(problems({ wireguard: WG })).toEqual([]);
  });
});

describe("refusals", () => {
  const s = "promptandpause:vpn.siteToSite";
  const w = "promptandpause:vpn.wireguard";
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "IKEv1",
      { siteToSite: { ...SITE, ikeVersions: ["ikev1", "ikev2"] } },
      [`${s}.ikeVersions[0]: is refused: only IKEv2 is allowed (RFC 8247 deprecates IKEv1) (got "ikev1"). Remove it; allowed: ikev2.`],
    ],
    [
      "DH group 2 in phase 1",
      { siteToSite: { ...SITE, phase1: { dhGroups: [2, 20] } } },
      [`${s}.phase1.dhGroups[0]: is refused: Diffie-Hellman groups must be 14-21 (RFC 8247: not 1, 2, 5, nor 22-24) (got 2). Remove it; allowed: 14, 15, 16, 17, 18, 19, 20, 21.`],
    ],
    [
      "DH group 24 in phase 2",
      { siteToSite: { ...SITE, phase2: { dhGroups: [24] } } },
      [`${s}.phase2.dhGroups[0]: is refused: Diffie-Hellman groups must be 14-21 (RFC 8247: not 1, 2, 5, nor 22-24) (got 24). Remove it; allowed: 14, 15, 16, 17, 18, 19, 20, 21.`],
    ],
    [
      "DH group 5 in phase 1 (AWS does not offer it there)",
      { siteToSite: { ...SITE, phase1: { dhGroups: [5] } } },
      [`${s}.phase1.dhGroups[0]: is not a value AWS accepts for phase1 (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24) (got 5). Use one of 14, 15, 16, 17, 18, 19, 20, 21.`],
    ],
    [
      "AES-128 only",
      { siteToSite: { ...SITE, phase2: { encryption: ["AES128"] } } },
      [`${s}.phase2.encryption[0]: is refused: the guide requires AES-256: only AES256 and AES256-GCM-16 are allowed (got "AES128"). Remove it; allowed: AES256, AES256-GCM-16.`],
    ],
    [
      "lower-case algorithm (AWS values are case-sensitive)",
      { siteToSite: { ...SITE, phase1: { encryption: ["aes256"] } } },
      [`${s}.phase1.encryption[0]: is not a value AWS accepts for phase1 (AES128, AES256, AES128-GCM-16, AES256-GCM-16) (got "aes256"). Use one of AES256, AES256-GCM-16.`],
    ],
    [
      "SHA-1",
      { siteToSite: { ...SITE, phase1: { integrity: ["SHA1", "SHA2-256"] } } },
      [`${s}.phase1.integrity[0]: is refused: integrity must be SHA-2 with at least 256 bits (SHA2-256, SHA2-384, SHA2-512) (got "SHA1"). Remove it; allowed: SHA2-256, SHA2-384, SHA2-512.`],
    ],
    [
      "a documentation address as the office IP (a placeholder)",
      { siteToSite: { ...SITE, officePublicIp: "203.0.113.10" } },
      [`${s}.officePublicIp: is in 203.0.113.0/24, which is not a public internet address (AWS must reach the office router's static public IP) (got "203.0.113.10"). Set the office router's real public address, or remove siteToSite until it exists.`],
    ],
    [
      "office network overlapping the VPC",
      { siteToSite: { ...SITE, officeCidrs: ["192.168.10.0/24", "10.0.8.0/24"] } },
      [`${s}.officeCidrs[1]: overlaps the VPC (10.0.0.0/16, promptandpause:network.cidr); routes to the office's networks would shadow the VPC's own addresses (got "10.0.8.0/24"). Use a range outside the VPC.`],
    ],
    [
      "UDP 51820 open to the world",
      { wireguard: { ...WG, developmentCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } },
      [`${w}.developmentCidrs: opens UDP 51820 to the whole internet (together these ranges cover at least a quarter of the address space) (got ["0.0.0.0/1","128.0.0.0/1"]). List the development network's own public ranges only.`],
    ],
    [
      "UDP 51820 open to all of IPv6",
      { wireguard: { ...WG, developmentCidrs: ["::/0"] } },
      [`${w}.developmentCidrs: opens UDP 51820 to the whole internet (together these ranges cover at least a quarter of the address space) (got ["::/0"]). List the development network's own public ranges only.`],
    ],
    [
      "tunnel network overlapping the VPC",
      { wireguard: { ...WG, tunnelCidr: "10.0.200.0/24", peers: [{ name: "alice-laptop", publicKey: KEY_A, tunnelIp: "10.0.200.10" }] } },
      [`${w}.tunnelCidr: overlaps the VPC (10.0.0.0/16, promptandpause:network.cidr); routes to the tunnel network would shadow the VPC's own addresses (got "10.0.200.0/24"). Use a range outside the VPC.`],
    ],
    [
      "duplicate tunnel IP",
      { wireguard: { ...WG, peers: [...WG.peers, { name: "bob", publicKey: KEY_B, tunnelIp: "10.200.0.10" }] } },
      [`${w}.peers[1].tunnelIp: duplicates ${w}.peers[0].tunnelIp; each peer needs its own (got "10.200.0.10").`],
    ],
    [
      "an AZ the stack does not use",
      { wireguard: { ...WG, availabilityZone: "eu-west-2c" } },
      [`${w}.availabilityZone: must be one of the stack's availability zones (eu-west-2a, eu-west-2b) (got "eu-west-2c").`],
    ],
    [
      "the database segment",
      { siteToSite: { ...SITE, reachableSegments: ["management", "database"] } },
      [`${s}.reachableSegments[1]: the database segment is reachable from the application segment only (guide: database ports only from application servers) (got "database"). Reach it through the admin host or the application instead.`],
    ],
    ["a misspelt key (schema)", { wireguard: { ...WG, peer: [] } }, ["wireguard: Unrecognized key: \"peer\""]],
  ])("%s", (_case, vpn, expected) => {
    expect(problems(vpn)).toEqual(expected);
  });
});
