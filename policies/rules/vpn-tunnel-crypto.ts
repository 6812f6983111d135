/**
 * vpn-tunnel-crypto: both tunnels of every Site-to-Site VPN connection negotiate only IKEv2, the
 * AES-256 family, SHA-2 ≥ 256 and DH groups 14–21, in both phases. Every option must be set: left
 * unset, AWS offers its whole list (IKEv1, AES128, SHA1, DH 2 and 22–24 included). The allowed
 * values are the pack config's (defaults: policies/lib/vpn.ts, shared with the stack config check);
 * a stack may narrow them, never widen them beyond what the pack's defaults allow.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configFrom } from "../lib/util";
import { ALLOWED_TUNNEL_VALUES, TUNNEL_VALUE_REASONS, type TunnelSetting } from "../lib/vpn";
import { VpnConnection } from "../lib/vpn-connection";

export const configSchema = {
  properties: {
    ikeVersions: { type: "array", items: { type: "string", enum: [...ALLOWED_TUNNEL_VALUES.ikeVersions] }, minItems: 1, description: "IKE versions a tunnel may offer.", default: [...ALLOWED_TUNNEL_VALUES.ikeVersions] },
    encryption: { type: "array", items: { type: "string", enum: [...ALLOWED_TUNNEL_VALUES.encryption] }, minItems: 1, description: "Phase 1 and 2 encryption algorithms a tunnel may offer (AES-256 family).", default: [...ALLOWED_TUNNEL_VALUES.encryption] },
    integrity: { type: "array", items: { type: "string", enum: [...ALLOWED_TUNNEL_VALUES.integrity] }, minItems: 1, description: "Phase 1 and 2 integrity algorithms a tunnel may offer (SHA-2, 256 bits or more).", default: [...ALLOWED_TUNNEL_VALUES.integrity] },
    dhGroups: { type: "array", items: { type: "integer", enum: [...ALLOWED_TUNNEL_VALUES.dhGroups] }, minItems: 1, description: "Diffie-Hellman groups a tunnel may offer (RFC 8247: 14-21).", default: [...ALLOWED_TUNNEL_VALUES.dhGroups] },
  },
} as const;

type Config = { [K in TunnelSetting]: (string | number)[] };

/** The options checked per tunnel: input suffix → which allow-list applies. */
const TUNNEL_OPTIONS: ReadonlyArray<{ suffix: string; setting: TunnelSetting }> = [
  { suffix: "IkeVersions", setting: "ikeVersions" },
  { suffix: "Phase1EncryptionAlgorithms", setting: "encryption" },
  { suffix: "Phase2EncryptionAlgorithms", setting: "encryption" },
  { suffix: "Phase1IntegrityAlgorithms", setting: "integrity" },
  { suffix: "Phase2IntegrityAlgorithms", setting: "integrity" },
  { suffix: "Phase1DhGroupNumbers", setting: "dhGroups" },
  { suffix: "Phase2DhGroupNumbers", setting: "dhGroups" },
];

export const vpnTunnelCrypto: ResourceValidationPolicy = {
  name: "vpn-tunnel-crypto",
  description: "Site-to-site VPN tunnels negotiate only IKEv2, AES-256 (AES256 or AES256-GCM-16), SHA-2 of at least 256 bits and Diffie-Hellman groups 14-21, in both phases of both tunnels.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(VpnConnection, (connection, args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
    const props = connection as unknown as Record<string, unknown>;
    for (const tunnel of [1, 2]) {
      for (const { suffix, setting } of TUNNEL_OPTIONS) {
        const key = `tunnel${tunnel}${suffix}`;
        const allowed = cfg[setting].join(", ");
        const value = props[key];
        if (!Array.isArray(value) || value.length === 0) {
          reportViolation(`VPN connection "${args.name}" does not set ${key}; AWS then offers every value it supports. Set it to a subset of [${allowed}].`);
          continue;
        }
        const refused = value.filter((v) => !cfg[setting].includes(v));
        if (refused.length > 0) {
          reportViolation(`VPN connection "${args.name}" allows ${refused.map((v) => JSON.stringify(v)).join(", ")} in ${key}: ${TUNNEL_VALUE_REASONS[setting]}. Allowed: ${allowed}.`);
        }
      }
    }
  }),
};

