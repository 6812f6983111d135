/**
 * The WireGuard gateway's configuration, as pure functions: peer validation, the server's
 * `wg0.conf` and each developer's client file. No secret ever passes through here: the server
 * reads its private key from a file at interface start (`PostUp = wg set %i private-key …`), and
 * a client file leaves the developer's own private key for them to fill in.
 *
 * WireGuard's cipher suite is fixed (Noise_IK: Curve25519, ChaCha20-Poly1305, BLAKE2s); there is
 * nothing to choose, so the guide's "AES-256" for this tunnel cannot be honoured (docs/vpn.md).
 */
import { cidrContains, parseCidr, parseIpv4 } from "../../policies/lib/cidr";
import { isWireGuardKey, WIREGUARD_KEY_PATTERN, WIREGUARD_PORT } from "../../policies/lib/vpn";
import type { ConfigIssue } from "../shared/errors";

/** One developer's device. */
export interface WireGuardPeer {
  /** Who this is (`alice-laptop`): 1–32 of `a-z`, `0-9`, `-`, starting with a letter. */
  name: string;
  /** The device's public key (`wg pubkey < private.key`): base64 of 32 bytes. */
  publicKey: string;
  /** The device's address inside the tunnel (IPv4, inside the tunnel CIDR). */
  tunnelIp: string;
}

export const PEER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** The server's own tunnel address: the first host of the tunnel CIDR (`10.200.0.1` in `10.200.0.0/24`). */
export function serverTunnelIp(tunnelCidr: string): string {
  const cidr = parseCidr(tunnelCidr);
  if (cidr?.version !== 4) throw new Error(`serverTunnelIp: ${tunnelCidr} is not an IPv4 CIDR block`);
  return formatIpv4(cidr.start + 1n);
}

/** The VPC router of a subnet: its base address + 1 (AWS reserves it for the router). */
export function subnetRouterIp(subnetCidr: string): string {
  return serverTunnelIp(subnetCidr);
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
}

/**
 * Every problem with the peer list, each naming `<path>[i].<field>`: names safe and unique, keys
 * well-formed and unique, tunnel IPs unique and usable inside `tunnelCidr` (not its network or
 * broadcast address, not the server's).
 */
export function validatePeers(peers: readonly WireGuardPeer[], tunnelCidr: string, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const tunnel = parseCidr(tunnelCidr);
  if (tunnel?.version !== 4 || tunnel.prefix > 29) {
    return [{ path: path.replace(/\.peers$/, ".tunnelCidr"), problem: "must be an IPv4 CIDR block of /29 or wider", got: tunnelCidr, fix: "Use a private range outside the VPC, e.g. 10.200.0.0/24." }];
  }
  const server = serverTunnelIp(tunnelCidr);
  const seen = { name: new Map<string, number>(), publicKey: new Map<string, number>(), tunnelIp: new Map<string, number>() };
  peers.forEach((peer, i) => {
    const at = `${path}[${i}]`;
    if (!PEER_NAME_PATTERN.test(peer.name)) {
      issues.push({ path: `${at}.name`, problem: "must be 1-32 of a-z, 0-9, '-', starting with a letter (it becomes a comment in wg0.conf and a route label)", got: peer.name });
    }
    if (!isWireGuardKey(peer.publicKey)) {
      issues.push({ path: `${at}.publicKey`, problem: `must be a WireGuard public key: base64 of 32 bytes (${WIREGUARD_KEY_PATTERN.source})`, got: peer.publicKey, fix: "Run `wg pubkey < private.key` on the device and paste its output." });
    }
    const ip = parseIpv4(peer.tunnelIp);
    if (ip === undefined) {
      issues.push({ path: `${at}.tunnelIp`, problem: "must be an IPv4 address", got: peer.tunnelIp });
    } else if (!cidrContains(tunnel, parseCidr(`${peer.tunnelIp}/32`) ?? tunnel)) {
      issues.push({ path: `${at}.tunnelIp`, problem: `must be inside the tunnel CIDR ${tunnel.text}`, got: peer.tunnelIp });
    } else if (ip === tunnel.start || ip === tunnel.end) {
      issues.push({ path: `${at}.tunnelIp`, problem: `is the network or broadcast address of ${tunnel.text}`, got: peer.tunnelIp });
    } else if (peer.tunnelIp === server) {
      issues.push({ path: `${at}.tunnelIp`, problem: `is the gateway's own tunnel address (${server}, the first host of ${tunnel.text})`, got: peer.tunnelIp });
    }
    for (const field of ["name", "publicKey", "tunnelIp"] as const) {
      const first = seen[field].get(peer[field]);
      if (first !== undefined) issues.push({ path: `${at}.${field}`, problem: `duplicates ${path}[${first}].${field}; each peer needs its own`, got: peer[field] });
      else seen[field].set(peer[field], i);
    }
  });
  return issues;
}

export interface ServerConfigInput {
  /** The tunnel network; the server takes its first host. */
  tunnelCidr: string;
  /** Where the boot script writes the private key (mode 0600). */
  privateKeyPath: string;
  /** Script run with `up|down <iface>` after the interface is up / before it goes down (policy routing). */
  routingScriptPath: string;
  peers: readonly WireGuardPeer[];
}

/**
 * The server's `wg0.conf` (wg-quick format). No `PrivateKey` line: the key is loaded from
 * {@link ServerConfigInput.privateKeyPath} by `PostUp`, so this file holds nothing secret and can
 * sit in the launch template's user data. Each peer may use only its own /32 (`AllowedIPs`), so a
 * device cannot spoof another's address.
 */
export function renderServerConfig(input: ServerConfigInput): string {
  const prefix = parseCidr(input.tunnelCidr)?.prefix;
  const lines = [
    "# WireGuard gateway (generated by components/vpn/wireguard-config.ts; do not edit on the host).",
    "# The private key is not here: PostUp loads it from the file the boot script wrote from SSM.",
    "[Interface]",
    `Address = ${serverTunnelIp(input.tunnelCidr)}/${prefix}`,
    `ListenPort = ${WIREGUARD_PORT}`,
    `PostUp = wg set %i private-key ${input.privateKeyPath}`,
    `PostUp = ${input.routingScriptPath} up %i`,
    `PreDown = ${input.routingScriptPath} down %i`,
  ];
  for (const peer of [...input.peers].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push("", `# ${peer.name}`, "[Peer]", `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${peer.tunnelIp}/32`);
  }
  return `${lines.join("\n")}\n`;
}

export interface ClientConfigInput {
  peer: WireGuardPeer;
  serverPublicKey: string;
  /** `<public ip>:51820`. */
  endpoint: string;
  /** What the device routes into the tunnel: the staging VPC's reachable ranges. */
  allowedIps: readonly string[];
}

/**
 * A developer's client file. The `PrivateKey` line is a comment: the device's key never leaves
 * the device; the developer pastes it in (or uses `PostUp = wg set %i private-key …`).
 */
export function renderClientConfig(input: ClientConfigInput): string {
  return `${[
    `# ${input.peer.name} → staging (WireGuard; generated by components/vpn/wireguard-config.ts).`,
    "[Interface]",
    "# PrivateKey = <contents of this device's private key file; never share it>",
    `Address = ${input.peer.tunnelIp}/32`,
    "",
    "[Peer]",
    `PublicKey = ${input.serverPublicKey}`,
    `Endpoint = ${input.endpoint}`,
    `AllowedIPs = ${input.allowedIps.join(", ")}`,
    // Keeps the NAT mapping of a laptop behind a home router open (WireGuard's documented value).
    "PersistentKeepalive = 25",
  ].join("\n")}\n`;
}
