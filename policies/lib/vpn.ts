/**
 * What an IPSec tunnel may negotiate, and how a WireGuard key looks: shared by the stack config
 * checks (stacks/schema/vpn.ts), the site-to-site component and the pack's VPN policies, so the
 * three can never disagree. Pure (no Node modules: the pack compiles without them).
 *
 * Two lists per setting: what AWS Site-to-Site VPN accepts at all (values outside it fail at
 * `pulumi up`), and what this platform allows (the guide's AES-256, plus RFC 8247's floor for
 * integrity and Diffie-Hellman groups). Sources for the AWS values: the tunnel options table of
 * https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html and terraform-provider-aws
 * `internal/service/ec2/consts.go` (`vpnTunnelOptions*_Values`) / `vpnsite_connection.go`
 * (`defaultVPNTunnelOptionsPhase{1,2}DHGroupNumbers`): phase 1 DH 2, 14–24; phase 2 DH 2, 5, 14–24;
 * encryption AES128, AES256, AES128-GCM-16, AES256-GCM-16; integrity SHA1, SHA2-256/384/512;
 * IKE versions ikev1, ikev2 (all case-sensitive).
 */

export type IpsecPhase = "phase1" | "phase2";

/** Values AWS accepts, per setting and phase (the API refuses anything else). */
export const AWS_TUNNEL_VALUES = {
  ikeVersions: ["ikev1", "ikev2"],
  encryption: ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"],
  integrity: ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"],
  dhGroups: {
    phase1: [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    phase2: [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
  },
} as const;

/**
 * What the platform allows. IKEv2 only (IKEv1's aggressive mode and weaker negotiation are
 * deprecated by RFC 8247 §2.1); the AES-256 family only (the guide's "AES-256"); SHA-2 with at least
 * 256 bits (SHA-1 is "MUST NOT" for new IKEv2 integrity, RFC 8247 §2.3); DH groups 14–21 (RFC 8247
 * §2.4: not 1, 2, 5 (MODP < 2048 bits) nor 22–24 (MODP with small subgroups)).
 */
export const ALLOWED_TUNNEL_VALUES = {
  ikeVersions: ["ikev2"],
  encryption: ["AES256", "AES256-GCM-16"],
  integrity: ["SHA2-256", "SHA2-384", "SHA2-512"],
  dhGroups: [14, 15, 16, 17, 18, 19, 20, 21],
} as const;

/** Why a value is refused, for messages. */
export const TUNNEL_VALUE_REASONS = {
  ikeVersions: "only IKEv2 is allowed (RFC 8247 deprecates IKEv1)",
  encryption: "the guide requires AES-256: only AES256 and AES256-GCM-16 are allowed",
  integrity: "integrity must be SHA-2 with at least 256 bits (SHA2-256, SHA2-384, SHA2-512)",
  dhGroups: "Diffie-Hellman groups must be 14-21 (RFC 8247: not 1, 2, 5, nor 22-24)",
} as const;

export type TunnelSetting = keyof typeof ALLOWED_TUNNEL_VALUES;

/** The values of `setting` that AWS accepts for `phase`. */
export function awsAccepted(setting: TunnelSetting, phase: IpsecPhase): readonly (string | number)[] {
  return setting === "dhGroups" ? AWS_TUNNEL_VALUES.dhGroups[phase] : AWS_TUNNEL_VALUES[setting];
}

/** Whether the platform allows `value` for `setting`. */
export function isAllowedTunnelValue(setting: TunnelSetting, value: unknown): boolean {
  return (ALLOWED_TUNNEL_VALUES[setting] as readonly unknown[]).includes(value);
}

/** The WireGuard UDP port (the only port the gateway's security group may open). */
export const WIREGUARD_PORT = 51820;

/**
 * A WireGuard key as `wg genkey` / `wg pubkey` print it: exactly 32 bytes in standard base64,
 * 43 characters and one `=`. The 43rd character carries only 4 bits, so it is one of 16 letters.
 */
export const WIREGUARD_KEY_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function isWireGuardKey(text: unknown): boolean {
  return typeof text === "string" && WIREGUARD_KEY_PATTERN.test(text);
}

/** The tag the WireGuard gateway's security group and its rules carry, so the pack can find them. */
export const WIREGUARD_ROLE_TAG = { key: "promptandpause:role", value: "wireguard-gateway" } as const;
