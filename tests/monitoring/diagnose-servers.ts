/**
 * Local servers for the diagnostics tests, all on 127.0.0.1: a DNS server (node:dgram +
 * dns-packet) holding the zone's NS/A/CNAME/DS/DNSKEY records, HTTPS servers with certificates
 * from a test CA that openssl makes here (one valid, one expired, one that still accepts TLS 1.0),
 * a plain HTTP server (redirect or not), and behaviour switches for the failure cases.
 */
import { execFileSync } from "node:child_process";
import * as dgram from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as dnsPacket from "dns-packet";

export const DOMAIN = "promptandpause.test";

export interface TestCa {
  dir: string;
  caPem: string;
  caFile: string;
  valid: { key: string; cert: string };
  expired: { key: string; cert: string };
}

/** Removes the CA's files. */
export function removeTestCa(ca: TestCa): void {
  rmSync(ca.dir, { recursive: true, force: true });
}

/** A CA, a valid server certificate (SAN = the domain) and one that expired in 2020. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), "diagnose-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Diagnose Test CA");
  run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${DOMAIN}`);
  writeFileSync(path.join(dir, "san.ext"), `subjectAltName=DNS:${DOMAIN},DNS:www.${DOMAIN}\n`);
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "valid.pem", "-days", "90", "-extfile", "san.ext");
  // `openssl ca` can set explicit dates (x509 -req cannot backdate in OpenSSL 3.0).
  writeFileSync(path.join(dir, "index.txt"), "");
  writeFileSync(path.join(dir, "serial"), "1000\n");
  writeFileSync(
    path.join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = test",
      "[test]",
      "dir = .",
      "database = index.txt",
      "serial = serial",
      "new_certs_dir = .",
      "certificate = ca.pem",
      "private_key = ca.key",
      "default_md = sha256",
      "policy = any",
      "copy_extensions = none",
      "x509_extensions = ext",
      "unique_subject = no",
      "[any]",
      "commonName = supplied",
      "[ext]",
      `subjectAltName = DNS:${DOMAIN}`,
      "",
    ].join("\n"),
  );
  run("ca", "-batch", "-config", "ca.cnf", "-in", "server.csr", "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-notext");
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  return { dir, caPem: read("ca.pem"), caFile: path.join(dir, "ca.pem"), valid: { key: read("server.key"), cert: read("valid.pem") }, expired: { key: read("server.key"), cert: read("expired.pem") } };
}

/** What the HTTPS origin does; tests flip these for the failure cases. */
export interface Behaviour {
  wrongHeader: boolean;
  slowHealthMs: number;
  noRedirect: boolean;
  noCache: boolean;
  status429: boolean;
}

export const GOOD: Behaviour = { wrongHeader: false, slowHealthMs: 0, noRedirect: false, noCache: false, status429: false };

export interface Servers {
  dns: number;
  https: number;
  httpsExpired: number;
  httpsOldTls: number;
  http: number;
  /** A TCP port that is open (stands in for the database pooler). */
  pooler: number;
  behaviour: Behaviour;
  /** Requests the HTTPS origin served, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const API_HEADERS = { "strict-transport-security": "max-age=31536000; includeSubDomains", "x-content-type-options": "nosniff", "x-frame-options": "DENY" };

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

export async function startServers(ca: TestCa, options: { dnssec?: boolean } = {}): Promise<Servers> {
  const behaviour: Behaviour = { ...GOOD };
  const hits = new Map<string, number>();
  const origin: http.RequestListener = (req, res) => {
    const p = req.url ?? "/";
    const n = (hits.get(p) ?? 0) + 1;
    hits.set(p, n);
    if (behaviour.status429) {
      res.writeHead(429, { "retry-after": "60" }).end();
      return;
    }
    const headers: Record<string, string> = { ...API_HEADERS, "content-type": "application/json" };
    if (behaviour.wrongHeader) headers["x-frame-options"] = "SAMEORIGIN";
    if (p === "/api/prompts/today") headers["cf-cache-status"] = behaviour.noCache || n === 1 ? "MISS" : "HIT";
    const send = () => res.writeHead(200, headers).end('{"ok":true}');
    if (p === "/api/health" && behaviour.slowHealthMs > 0) setTimeout(send, behaviour.slowHealthMs);
    else send();
  };
  const httpsServer = https.createServer({ ...ca.valid, minVersion: "TLSv1.2" }, origin);
  const expiredServer = https.createServer({ ...ca.expired, minVersion: "TLSv1.2" }, origin);
  const oldTlsServer = https.createServer({ ...ca.valid, minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" }, origin);
  const httpServer = http.createServer((req, res) => {
    if (behaviour.noRedirect) res.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
    else res.writeHead(301, { location: `https://${DOMAIN}${req.url ?? "/"}` }).end();
  });
  const poolerServer = http.createServer(() => undefined);

  const dns = dgram.createSocket("udp4");
  const records = (name: string, type: string): dnsPacket.Answer[] => {
    const n = name.toLowerCase();
    const rr = (data: unknown) => ({ name, type, ttl: 300, class: "IN", data }) as unknown as dnsPacket.Answer;
    if (n === DOMAIN && type === "NS") return [rr("ada.ns.cloudflare.com"), rr("bob.ns.cloudflare.com")];
    if (n === DOMAIN && type === "A") return [rr("76.76.21.21")];
    if (n === `www.${DOMAIN}` && type === "CNAME") return [rr("cname.vercel-dns.com")];
    if (options.dnssec !== false && n === DOMAIN && type === "DS") return [rr({ keyTag: 2371, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) })];
    if (options.dnssec !== false && n === DOMAIN && type === "DNSKEY") return [rr({ flags: 257, algorithm: 13, key: Buffer.alloc(64, 2) })];
    return [];
  };
  dns.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    const answers = records(question.name, question.type);
    const signed = options.dnssec !== false && answers.length > 0;
    const reply = dnsPacket.encode({
      type: "response",
      id: q.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (signed ? dnsPacket.AUTHENTIC_DATA : 0),
      questions: q.questions,
      answers,
    });
    dns.send(reply, rinfo.port, rinfo.address);
  });
  const dnsPort = await new Promise<number>((resolve) => dns.bind(0, "127.0.0.1", () => resolve(dns.address().port)));

  const [httpsPort, expiredPort, oldPort, httpPort, poolerPort] = await Promise.all([listen(httpsServer), listen(expiredServer), listen(oldTlsServer), listen(httpServer), listen(poolerServer)]);
  return {
    dns: dnsPort,
    https: httpsPort,
    httpsExpired: expiredPort,
    httpsOldTls: oldPort,
    http: httpPort,
    pooler: poolerPort,
    behaviour,
    hits,
    async close() {
      dns.close();
      for (const s of [httpsServer, expiredServer, oldTlsServer, httpServer, poolerServer]) s.closeAllConnections?.();
      await Promise.all([httpsServer, expiredServer, oldTlsServer, httpServer, poolerServer].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
