/**
 * The WireGuard files as the real tools see them: `wg-quick strip` (Debian wireguard-tools) reads
 * the generated wg0.conf and the client file, the stripped result follows wg(8)'s configuration
 * grammar, `shellcheck` passes the user data and the routing helper, and Node's X25519 public
 * keys equal `wg pubkey`'s.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderClientConfig, renderServerConfig, serverTunnelIp, validatePeers, type WireGuardPeer } from "../../components/vpn/wireguard-config";
import { wireGuardPublicKey } from "../../components/vpn/wireguard-keys";
import { HOST_PATHS, renderRoutingScript, renderUserData, USER_DATA_LIMIT_BYTES } from "../../components/vpn/wireguard-user-data";

const dir = mkdtempSync(join(tmpdir(), "wg-files-"));
chmodSync(dir, 0o700);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const genkey = (): string => execFileSync("wg", ["genkey"]).toString().trim();
const pubkey = (priv: string): string => execFileSync("wg", ["pubkey"], { input: priv }).toString().trim();

const PEERS: WireGuardPeer[] = [
  { name: "bob-desktop", publicKey: pubkey(genkey()), tunnelIp: "10.200.0.11" },
  { name: "alice-laptop", publicKey: pubkey(genkey()), tunnelIp: "10.200.0.10" },
];

function serverConfig(peers = PEERS): string {
  return renderServerConfig({ tunnelCidr: "10.200.0.0/24", privateKeyPath: HOST_PATHS.privateKey, routingScriptPath: HOST_PATHS.routingScript, peers });
}

/** Runs `wg-quick strip` on `text` saved as `<iface>.conf` (wg-quick requires that name), mode 0600. */
function wgQuickStrip(iface: string, text: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `${iface}.conf`);
  writeFileSync(file, text, { mode: 0o600 });
  const run = spawnSync("wg-quick", ["strip", file], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The keys `wg setconf` accepts per section (wireguard-tools src/config.c, `process_line`): what
 * wg-quick leaves after strip must be only these, with well-formed values. wg-quick itself only
 * removes its own keys and passes everything else through, so this is the check that would catch
 * a misspelt or misplaced key.
 */
const WG_KEYS = {
  Interface: new Set(["PrivateKey", "ListenPort", "FwMark"]),
  Peer: new Set(["PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive"]),
} as const;

function parseWgConf(text: string): { interface: Record<string, string>; peers: Record<string, string>[] } {
  const out: { interface: Record<string, string>; peers: Record<string, string>[] } = { interface: {}, peers: [] };
  let section: Record<string, string> | undefined;
  let keys: Set<string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    if (line === "[Interface]") [section, keys] = [out.interface, WG_KEYS.Interface];
    else if (line === "[Peer]") {
      section = {};
      out.peers.push(section);
      keys = WG_KEYS.Peer;
    } else {
      const match = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(line);
      if (!match || !section || !keys) throw new Error(`wg would refuse line: ${raw}`);
      const [, key = "", value = ""] = match;
      if (!keys.has(key)) throw new Error(`wg would refuse key ${key} in this section`);
      section[key] = value;
    }
  }
  return out;
}

describe("server wg0.conf", () => {
  const text = serverConfig();
  const stripped = wgQuickStrip("wg0", text);

  it("is accepted by wg-quick strip", () => {
    expect(stripped.stderr).toBe("");
    expect(stripped.status).toBe(0);
  });

  it("strips to a wg(8) configuration: listen port 51820, no private key, one /32 per peer", () => {
    const conf = parseWgConf(stripped.stdout);
    expect(conf.interface).toEqual({ ListenPort: "51820" });
    expect(conf.peers).toEqual([
      { PublicKey: PEERS[1]?.publicKey, AllowedIPs: "10.200.0.10/32" },
      { PublicKey: PEERS[0]?.publicKey, AllowedIPs: "10.200.0.11/32" },
    ]);
  });

  it("gives the server the first host of the tunnel, loads the key from the file and runs the routing helper", () => {
    expect(text).toContain(`Address = ${serverTunnelIp("10.200.0.0/24")}/24`);
    expect(text).toContain("PostUp = wg set %i private-key /etc/wireguard/wg0.key");
    expect(text).toContain("PostUp = /usr/local/sbin/wg-gateway-routes up %i");
    expect(text).toContain("PreDown = /usr/local/sbin/wg-gateway-routes down %i");
    expect(text).not.toMatch(/^PrivateKey/m);
  });

  it("does not depend on the order peers are listed in", () => {
    expect(serverConfig([...PEERS].reverse())).toBe(text);
  });
});

describe("client file", () => {
  const server = pubkey(genkey());
  const peer = PEERS[1] as WireGuardPeer;
  const text = renderClientConfig({ peer, serverPublicKey: server, endpoint: "198.51.100.7:51820", allowedIps: ["10.0.0.0/16", "10.200.0.0/24"] });

  it("is accepted by wg-quick strip and names the server, endpoint and routed ranges", () => {
    const stripped = wgQuickStrip("staging", text);
    expect(stripped.status).toBe(0);
    expect(parseWgConf(stripped.stdout).peers).toEqual([{ PublicKey: server, Endpoint: "198.51.100.7:51820", AllowedIPs: "10.0.0.0/16, 10.200.0.0/24", PersistentKeepalive: "25" }]);
    expect(text).toContain("Address = 10.200.0.10/32");
  });

  it("leaves the device's private key out (commented placeholder only)", () => {
    expect(parseWgConf(wgQuickStrip("staging", text).stdout).interface).toEqual({});
    expect(text).not.toMatch(/^PrivateKey/m);
  });
});

describe("keys", () => {
  it.each([1, 2, 3, 4, 5])("Node's X25519 public key equals wg pubkey (%i)", () => {
    const priv = genkey();
    expect(wireGuardPublicKey(priv)).toBe(pubkey(priv));
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => wireGuardPublicKey("c2hvcnQ=")).toThrow("32 bytes");
  });
});

describe("user data and routing helper", () => {
  const routing = renderRoutingScript({ eniMac: "0A:1B:2C:3D:4E:5F", eniPrivateIp: "10.0.0.10", subnetCidr: "10.0.0.0/24", vpcCidr: "10.0.0.0/16" });
  const userData = renderUserData({
    region: "eu-west-2",
    networkInterfaceId: "eni-0123456789abcdef0",
    privateKeyParameter: "/promptandpause/staging/wireguard/private-key",
    wireguardConfig: serverConfig(),
    routingScript: routing,
  });

  it.each([
    ["user-data.sh", userData],
    ["wg-gateway-routes", routing],
  ])("%s passes shellcheck and bash -n", (file, text) => {
    const path = join(dir, file);
    writeFileSync(path, text, { mode: 0o600 });
    const check = spawnSync("shellcheck", ["--shell=bash", "--severity=style", path], { encoding: "utf8" });
    expect(check.stdout).toBe("");
    expect(check.status).toBe(0);
    expect(spawnSync("bash", ["-n", path]).status).toBe(0);
  });

  it("embeds exactly the rendered wg0.conf and routing helper as quoted here-documents", () => {
    expect(userData).toContain(`cat > /etc/wireguard/wg0.conf <<'WG_CONF'\n${serverConfig()}WG_CONF\n`);
    expect(userData).toContain(`cat > /usr/local/sbin/wg-gateway-routes <<'WG_GATEWAY_ROUTES'\n${routing}WG_GATEWAY_ROUTES\n`);
  });

  it("reads the key from SSM with decryption into a 0600 file and attaches the interface as device 1", () => {
    expect(userData).toContain("readonly KEY_PARAMETER='/promptandpause/staging/wireguard/private-key'");
    expect(userData).toMatch(/aws ssm get-parameter .*--with-decryption .*> \/etc\/wireguard\/wg0\.key\nchmod 0600 \/etc\/wireguard\/wg0\.key/);
    expect(userData).toContain("umask 077");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell variables, asserted literally
    expect(userData).toContain('--network-interface-id "${ENI_ID}" --instance-id "${instance_id}" --device-index 1');
    expect(userData).toContain("X-aws-ec2-metadata-token");
    // Before the attach: until then every call leaves through the instance's own interface.
    expect(userData.indexOf("aws ssm get-parameter")).toBeLessThan(userData.indexOf("aws ec2 attach-network-interface"));
  });

  it("routes through the interface found by its MAC, via the subnet's router", () => {
    expect(routing).toContain("readonly ENI_MAC='0a:1b:2c:3d:4e:5f'");
    expect(routing).toContain("readonly ROUTER='10.0.0.1'");
    expect(routing).toContain("readonly ENI_PREFIX='24'");
  });

  it("refuses user data over EC2's 16 KB limit", () => {
    expect(() =>
      renderUserData({ region: "eu-west-2", networkInterfaceId: "eni-1", privateKeyParameter: "/k", wireguardConfig: "#".repeat(USER_DATA_LIMIT_BYTES), routingScript: routing }),
    ).toThrow(/EC2 allows 16384/);
  });

  it("never lets a body end its here-document early", () => {
    expect(() => renderUserData({ region: "eu-west-2", networkInterfaceId: "eni-1", privateKeyParameter: "/k", wireguardConfig: "x\nWG_CONF\nrm -rf /\n", routingScript: routing })).toThrow("delimiter");
  });
});

describe("validatePeers", () => {
  const key = PEERS[0]?.publicKey as string;
  const key2 = PEERS[1]?.publicKey as string;
  const at = "promptandpause:vpn.wireguard.peers";
  it.each<[string, WireGuardPeer[], { path: string; problem: string }[]]>([
    ["valid peers", PEERS, []],
    ["unsafe name", [{ name: "Alice Laptop", publicKey: key, tunnelIp: "10.200.0.10" }], [{ path: `${at}[0].name`, problem: "must be 1-32 of a-z, 0-9, '-', starting with a letter (it becomes a comment in wg0.conf and a route label)" }]],
    ["key of 31 bytes", [{ name: "a", publicKey: Buffer.alloc(31, 1).toString("base64"), tunnelIp: "10.200.0.10" }], [{ path: `${at}[0].publicKey`, problem: "must be a WireGuard public key: base64 of 32 bytes (^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$)" }]],
    ["key with a newline", [{ name: "a", publicKey: `${key}\n`, tunnelIp: "10.200.0.10" }], [{ path: `${at}[0].publicKey`, problem: "must be a WireGuard public key: base64 of 32 bytes (^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$)" }]],
    ["IP outside the tunnel", [{ name: "a", publicKey: key, tunnelIp: "10.201.0.10" }], [{ path: `${at}[0].tunnelIp`, problem: "must be inside the tunnel CIDR 10.200.0.0/24" }]],
    ["the server's address", [{ name: "a", publicKey: key, tunnelIp: "10.200.0.1" }], [{ path: `${at}[0].tunnelIp`, problem: "is the gateway's own tunnel address (10.200.0.1, the first host of 10.200.0.0/24)" }]],
    ["the broadcast address", [{ name: "a", publicKey: key, tunnelIp: "10.200.0.255" }], [{ path: `${at}[0].tunnelIp`, problem: "is the network or broadcast address of 10.200.0.0/24" }]],
    ["not an address", [{ name: "a", publicKey: key, tunnelIp: "10.200.0.010" }], [{ path: `${at}[0].tunnelIp`, problem: "must be an IPv4 address" }]],
    [
      "duplicate IP",
      [
        { name: "a", publicKey: key, tunnelIp: "10.200.0.10" },
        { name: "b", publicKey: key2, tunnelIp: "10.200.0.10" },
      ],
      [{ path: `${at}[1].tunnelIp`, problem: `duplicates ${at}[0].tunnelIp; each peer needs its own` }],
    ],
    [
      "duplicate name and key",
      [
        { name: "a", publicKey: key, tunnelIp: "10.200.0.10" },
        { name: "a", publicKey: key, tunnelIp: "10.200.0.11" },
      ],
      [
        { path: `${at}[1].name`, problem: `duplicates ${at}[0].name; each peer needs its own` },
        { path: `${at}[1].publicKey`, problem: `duplicates ${at}[0].publicKey; each peer needs its own` },
      ],
    ],
  ])("%s", (_case, peers, expected) => {
    expect(validatePeers(peers, "10.200.0.0/24", at).map(({ path, problem }) => ({ path, problem }))).toEqual(expected);
  });
});
