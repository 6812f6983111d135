import type { MockOutputTable } from "./types";

/**
 * Computed outputs of the mocked Cloudflare API, per resource type, shaped like the documented
 * API responses: 32-hex ids, a new zone "pending" on two assigned name servers, rulesets at
 * version 1 with a generated id per rule, DNSSEC "pending" with its DS record until the
 * registrar has it. Ids derive from the logical name so plans are stable run to run.
 */

/** 32 hex characters from a name (FNV-1a, four rounds): looks like a Cloudflare id, stable per name. */
export function cloudflareId(seed: string): string {
  let out = "";
  for (let round = 0; round < 4; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (let i = 0; i < seed.length; i++) {
      hash ^= seed.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(16).padStart(8, "0");
  }
  return out;
}

const NOW = "2025-01-01T00:00:00Z";

export const cloudflareMockOutputs: MockOutputTable = {
  "cloudflare:index/zone:Zone": (inputs, name) => ({
    id: cloudflareId(`zone:${name}`),
    status: "pending",
    nameServers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
    originalNameServers: [],
    paused: inputs.paused ?? false,
    type: inputs.type ?? "full",
    plan: { id: "free", name: "Free Website", isSubscribed: false, canSubscribe: true, legacyId: "free" },
    verificationKey: `${cloudflareId(`verify:${name}`)}-${cloudflareId(`verify2:${name}`).slice(0, 8)}`,
    activatedOn: "",
    createdOn: NOW,
    modifiedOn: NOW,
    developmentMode: 0,
    cnameSuffix: "",
    vanityNameServers: [],
    permissions: [],
  }),
  "cloudflare:index/zoneSubscription:ZoneSubscription": (inputs) => ({
    id: String(inputs.zoneId ?? ""),
    state: "Paid",
    currency: "USD",
    price: 0,
    currentPeriodStart: NOW,
    currentPeriodEnd: NOW,
  }),
  "cloudflare:index/zoneSetting:ZoneSetting": (inputs) => ({
    id: String(inputs.settingId),
    editable: true,
    modifiedOn: NOW,
  }),
  "cloudflare:index/zoneDnssec:ZoneDnssec": (inputs, name) => {
    const key = cloudflareId(`dnssec:${name}`);
    const keyTag = Number.parseInt(key.slice(0, 4), 16);
    const digest = `${key}${cloudflareId(`digest:${name}`)}`.toUpperCase();
    return {
      id: String(inputs.zoneId ?? ""),
      status: inputs.status === "disabled" ? "disabled" : "pending",
      algorithm: "13",
      digestAlgorithm: "SHA256",
      digestType: "2",
      digest,
      keyTag,
      keyType: "ECDSAP256SHA256",
      flags: 257,
      publicKey: Buffer.from(key + key).toString("base64"),
      ds: `@ 3600 IN DS ${keyTag} 13 2 ${digest}`,
      modifiedOn: NOW,
    };
  },
  "cloudflare:index/tieredCache:TieredCache": (inputs) => ({ id: String(inputs.zoneId ?? ""), editable: true, modifiedOn: NOW }),
  "cloudflare:index/argoTieredCaching:ArgoTieredCaching": (inputs) => ({ id: String(inputs.zoneId ?? ""), editable: true, modifiedOn: NOW }),
  "cloudflare:index/dnsRecord:DnsRecord": (inputs, name) => ({
    id: cloudflareId(`dns:${name}`),
    proxiable: ["A", "AAAA", "CNAME"].includes(String(inputs.type)),
    createdOn: NOW,
    modifiedOn: NOW,
    commentModifiedOn: NOW,
    tagsModifiedOn: NOW,
    meta: "{}",
  }),
  "cloudflare:index/ruleset:Ruleset": (inputs, name) => ({
    id: cloudflareId(`ruleset:${name}`),
    version: "1",
    lastUpdated: NOW,
    rules: Array.isArray(inputs.rules)
      ? (inputs.rules as Record<string, unknown>[]).map((rule, i) => ({ ...rule, id: cloudflareId(`rule:${name}:${String(rule.ref ?? i)}`) }))
      : [],
  }),
  "cloudflare:index/healthcheck:Healthcheck": (inputs, name) => ({
    id: cloudflareId(`healthcheck:${name}`),
    status: "unknown",
    failureReason: "",
    interval: inputs.interval ?? 60,
    retries: inputs.retries ?? 2,
    consecutiveSuccesses: inputs.consecutiveSuccesses ?? 1,
    suspended: inputs.suspended ?? false,
    createdOn: NOW,
    modifiedOn: NOW,
  }),
};
