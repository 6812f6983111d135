/**
 * The guide's "Network Troubleshooting" as checks: each returns report lines (pass / fail / skip).
 * Every target is overridable (resolver, HTTPS and HTTP addresses, trusted CA, pooler), so the
 * tests run the same checks against servers they start on 127.0.0.1.
 *
 * Guide → line: `nslookup` → dns.*; `openssl s_client` → tls.*; `curl -I` → redirect, headers,
 * hsts, cache; "Connection Timeouts" → connect.*; "High Latency" → cache hit ratio and
 * health latency; `ab -n 1000 -c 10` → load (opt-in, paced under the edge's rate limit);
 * `ping` / `traceroute` → icmp.* (skipped where ICMP is not allowed or the tool is missing).
 */
import { spawnSync } from "node:child_process";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import * as tls from "node:tls";
import type * as dnsPacket from "dns-packet";
import { queryDns, type Resolver } from "./dns";
import { type CheckResult, percentile } from "./report";

export interface HostPort {
  host: string;
  port: number;
}

export interface LoadOptions {
  /** Requests in total (the guide's `-n 1000`), at most 1000. */
  requests: number;
  /** Requests in flight (the guide's `-c 10`), at most 10. */
  concurrency: number;
  /** The edge's rate limit for the path (requests per minute per client); the load runs at 80 % of it. */
  rateLimitPerMinute: number;
}

export interface DiagnoseOptions {
  /** The stack's apex domain: TLS server name, `Host` header, DNS name. */
  domain: string;
  resolver: Resolver;
  /** Where HTTPS connects. @default `<domain>:443` */
  https: HostPort;
  /** Where plain HTTP connects (redirect check). @default `<domain>:80` */
  http: HostPort;
  /** Extra trusted CA certificates (PEM). @default the system's */
  ca?: string;
  /** The database pooler (Supabase Supavisor). @default none: the line is skipped */
  pooler?: HostPort;
  /** The app's health endpoint. @default "/api/health" */
  healthPath: string;
  /** The edge-cached routes (cache status and hit ratio). */
  cachedPaths: readonly string[];
  /** The guide's `/api/(.*)` headers, checked on the health path. */
  apiHeaders: Readonly<Record<string, string>>;
  thresholds: {
    /** Slowest acceptable TCP connect. */
    connectMs: number;
    /** Slowest acceptable 95th-percentile health latency. */
    latencyP95Ms: number;
    /** Fewest days a certificate may have left. */
    certMinDays: number;
    /** Lowest acceptable share of HITs after the first request to a cached route. */
    minHitRatio: number;
    /** Shortest HSTS max-age (the guide: 31536000). */
    hstsMaxAge: number;
  };
  /** Health samples for the latency line. @default 5 */
  latencySamples: number;
  /** The guide's `ab` run; undefined skips it. */
  load?: LoadOptions;
  /** Run ping / traceroute. */
  icmp: boolean;
  /** Per-request timeout. */
  timeoutMs: number;
}

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

const pass = (id: string, detail: string): CheckResult => ({ id, status: "pass", detail });
const fail = (id: string, detail: string): CheckResult => ({ id, status: "fail", detail });
const skip = (id: string, detail: string): CheckResult => ({ id, status: "skip", detail });
/** The data of a record as text (NS/CNAME names, A addresses). */
const dataOf = (r: dnsPacket.Answer) => ("data" in r ? String(r.data) : "");
const errText = (err: unknown) => (err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err));

/** One request on a fresh connection (as `ab` without -k), timed from start to the full body. */
function request(o: DiagnoseOptions, secure: boolean, path: string): Promise<HttpResult> {
  const target = secure ? o.https : o.http;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const common = { host: target.host, port: target.port, path, method: "GET", headers: { host: o.domain, "user-agent": "promptandpause-diagnose" }, agent: false as const, timeout: o.timeoutMs };
    const req = secure ? https.request({ ...common, servername: o.domain, ...(o.ca ? { ca: o.ca } : {}) }) : http.request(common);
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${o.timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export async function checkDns(o: DiagnoseOptions): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const ask = (name: string, type: Parameters<typeof queryDns>[2]) => queryDns(o.resolver, name, type, o.timeoutMs);
  try {
    const ns = await ask(o.domain, "NS");
    const names = ns.answers.filter((a) => a.type === "NS").map(dataOf);
    out.push(names.length > 0 ? pass("dns.ns", `${o.domain} NS ${names.join(", ")}`) : fail("dns.ns", `${o.domain}: no NS records (${ns.rcode})`));
  } catch (err) {
    out.push(fail("dns.ns", errText(err)));
  }
  for (const name of [o.domain, `www.${o.domain}`]) {
    const id = `dns.address ${name}`;
    try {
      const [a, cname] = await Promise.all([ask(name, "A"), ask(name, "CNAME")]);
      const found = [...a.answers, ...cname.answers].filter((r) => r.type === "A" || r.type === "CNAME").map((r) => `${r.type} ${dataOf(r)}`);
      out.push(found.length > 0 ? pass(id, found.join(", ")) : fail(id, `no A or CNAME record (${a.rcode})`));
    } catch (err) {
      out.push(fail(id, errText(err)));
    }
  }
  try {
    const [ds, dnskey] = await Promise.all([ask(o.domain, "DS"), ask(o.domain, "DNSKEY")]);
    const dsCount = ds.answers.filter((r) => r.type === "DS").length;
    const keyCount = dnskey.answers.filter((r) => r.type === "DNSKEY").length;
    if (dsCount === 0) out.push(fail("dns.dnssec", "no DS record at the parent zone: DNSSEC is off (enable it on the Cloudflare zone, then add the DS at the registrar)"));
    else if (keyCount === 0) out.push(fail("dns.dnssec", `${dsCount} DS record(s) but no DNSKEY: resolution will fail for validating resolvers`));
    else if (!ds.authenticated || !dnskey.authenticated) out.push(fail("dns.dnssec", "DS and DNSKEY present but the resolver did not validate them (no AD flag)"));
    else out.push(pass("dns.dnssec", `${dsCount} DS, ${keyCount} DNSKEY, validated (AD)`));
  } catch (err) {
    out.push(fail("dns.dnssec", errText(err)));
  }
  return out;
}

/** A TLS handshake with the given version range; the negotiated session, or the error. */
function handshake(o: DiagnoseOptions, extra: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: o.https.host, port: o.https.port, servername: o.domain, rejectUnauthorized: false, ...(o.ca ? { ca: o.ca } : {}), ...extra });
    socket.setTimeout(o.timeoutMs, () => socket.destroy(new Error(`timeout after ${o.timeoutMs} ms`)));
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
  });
}

export async function checkTls(o: DiagnoseOptions, now = new Date()): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  let socket: tls.TLSSocket;
  try {
    socket = await handshake(o, {});
  } catch (err) {
    return [fail("tls.chain", `handshake failed: ${errText(err)}`), fail("tls.expiry", "no certificate (handshake failed)"), fail("tls.min-version", "handshake failed")];
  }
  const cert = socket.getPeerCertificate(true);
  const chain: (string | string[])[] = [];
  for (let c: tls.DetailedPeerCertificate | undefined = cert; c && Object.keys(c).length > 0 && chain.length < 6; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) chain.push(c.subject?.CN ?? "?");
  const protocol = socket.getProtocol();
  const chainText = chain.map((cn) => (Array.isArray(cn) ? cn.join("/") : cn)).join(" ← ");
  out.push(socket.authorized ? pass("tls.chain", `verified for ${o.domain}: ${chainText} (${protocol})`) : fail("tls.chain", `not trusted: ${String(socket.authorizationError)} (${chainText})`));
  socket.destroy();
  const validTo = new Date(cert.valid_to);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / 86_400_000);
  if (Number.isNaN(daysLeft)) out.push(fail("tls.expiry", "certificate has no expiry date"));
  else if (daysLeft < 0) out.push(fail("tls.expiry", `expired ${-daysLeft} day(s) ago (${validTo.toISOString()})`));
  else if (daysLeft < o.thresholds.certMinDays) out.push(fail("tls.expiry", `expires in ${daysLeft} day(s) (< ${o.thresholds.certMinDays}) on ${validTo.toISOString()}`));
  else out.push(pass("tls.expiry", `${daysLeft} days left (until ${validTo.toISOString()})`));
  // The edge's minimum is TLS 1.2: offer only TLS 1.0–1.1 (SECLEVEL=0 lets OpenSSL 3 offer them at all).
  try {
    const old = await handshake(o, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    const version = old.getProtocol();
    old.destroy();
    out.push(fail("tls.min-version", `server accepts ${version}: the minimum must be TLS 1.2`));
  } catch {
    out.push(pass("tls.min-version", `TLS 1.0/1.1 refused; negotiated ${protocol} by default`));
  }
  return out;
}

function hstsProblem(value: string | undefined, minAge: number): string | undefined {
  if (!value) return "no Strict-Transport-Security header";
  const age = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? "NaN");
  if (!(age >= minAge)) return `max-age below ${minAge} (got "${value}")`;
  if (!/includeSubDomains/i.test(value)) return `no includeSubDomains (got "${value}")`;
  return undefined;
}

export async function checkHttp(o: DiagnoseOptions): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  try {
    const r = await request(o, false, "/");
    const location = String(r.headers.location ?? "");
    const ok = (r.status === 301 || r.status === 308) && location.startsWith(`https://${o.domain}`);
    out.push(ok ? pass("http.redirect", `${r.status} → ${location}`) : fail("http.redirect", `http://${o.domain}/ answered ${r.status}${location ? ` → ${location}` : ""}; expected 301/308 to https://${o.domain}/`));
  } catch (err) {
    out.push(fail("http.redirect", errText(err)));
  }
  try {
    const r = await request(o, true, "/");
    const problem = hstsProblem(r.headers["strict-transport-security"] as string | undefined, o.thresholds.hstsMaxAge);
    out.push(problem ? fail("tls.hsts", `https://${o.domain}/: ${problem}`) : pass("tls.hsts", String(r.headers["strict-transport-security"])));
  } catch (err) {
    out.push(fail("tls.hsts", errText(err)));
  }
  const id = `headers ${o.healthPath}`;
  try {
    const r = await request(o, true, o.healthPath);
    const wrong = Object.entries(o.apiHeaders)
      .filter(([k, v]) => String(r.headers[k.toLowerCase()] ?? "").toLowerCase() !== v.toLowerCase())
      .map(([k, v]) => `${k}: expected "${v}", got ${r.headers[k.toLowerCase()] === undefined ? "nothing" : `"${String(r.headers[k.toLowerCase()])}"`}`);
    out.push(wrong.length === 0 ? pass(id, `${Object.keys(o.apiHeaders).join(", ")} as the guide sets them`) : fail(id, wrong.join("; ")));
  } catch (err) {
    out.push(fail(id, errText(err)));
  }
  return out;
}

/** Cache status of each cached route: three requests, the later ones should be HITs. */
export async function checkCache(o: DiagnoseOptions): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const path of o.cachedPaths) {
    const id = `cache ${path}`;
    try {
      const statuses: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await request(o, true, path);
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        statuses.push(String(r.headers["cf-cache-status"] ?? r.headers["x-vercel-cache"] ?? "none").toUpperCase());
      }
      const later = statuses.slice(1);
      const ratio = later.filter((s) => s === "HIT").length / later.length;
      const detail = `hit ratio ${Math.round(ratio * 100)} % after the first request (${statuses.join(", ")})`;
      out.push(ratio >= o.thresholds.minHitRatio ? pass(id, detail) : fail(id, `${detail}; below ${Math.round(o.thresholds.minHitRatio * 100)} %: check the edge's cache rules and the origin's Cache-Control`));
    } catch (err) {
      out.push(fail(id, errText(err)));
    }
  }
  return out;
}

function tcpConnect(target: HostPort, timeoutMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    socket.once("connect", () => {
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.once("error", reject);
  });
}

export async function checkConnect(o: DiagnoseOptions): Promise<CheckResult[]> {
  const targets: [string, HostPort | undefined][] = [
    ["connect.app", o.https],
    ["connect.pooler", o.pooler],
  ];
  const out: CheckResult[] = [];
  for (const [id, target] of targets) {
    if (!target) {
      out.push(skip(id, "no target (pass --pooler host:port)"));
      continue;
    }
    try {
      const ms = await tcpConnect(target, o.timeoutMs);
      const detail = `${target.host}:${target.port} in ${ms.toFixed(1)} ms`;
      out.push(ms <= o.thresholds.connectMs ? pass(id, detail) : fail(id, `${detail} (> ${o.thresholds.connectMs} ms)`));
    } catch (err) {
      out.push(fail(id, `${target.host}:${target.port}: ${errText(err)}`));
    }
  }
  return out;
}

export async function checkLatency(o: DiagnoseOptions): Promise<CheckResult[]> {
  const id = `latency ${o.healthPath}`;
  const times: number[] = [];
  const bad: string[] = [];
  for (let i = 0; i < o.latencySamples; i++) {
    try {
      const r = await request(o, true, o.healthPath);
      times.push(r.ms);
      if (r.status !== 200) bad.push(`status ${r.status}`);
    } catch (err) {
      bad.push(errText(err));
    }
  }
  const stats = `p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms over ${times.length}`;
  if (bad.length > 0) return [fail(id, `${bad.length} of ${o.latencySamples} failed (${[...new Set(bad)].join(", ")}); ${stats}`)];
  const p95 = percentile(times, 95);
  return [p95 <= o.thresholds.latencyP95Ms ? pass(id, stats) : fail(id, `${stats}: p95 over ${o.thresholds.latencyP95Ms} ms`)];
}

/** Hard bounds of the load run (the guide's `ab -n 1000 -c 10`). */
export const LOAD_BOUNDS = { maxRequests: 1000, maxConcurrency: 10, shareOfRateLimit: 0.8 } as const;

/**
 * The guide's `ab -n 1000 -c 10` on the health endpoint, paced to 80 % of the edge's rate limit
 * (a load test that trips the limiter measures the limiter). A 429 is a failure: it means the
 * pacing or the limit is wrong.
 */
export async function checkLoad(o: DiagnoseOptions): Promise<CheckResult[]> {
  const id = "load";
  if (!o.load) return [skip(id, "opt-in: --load (the guide's ab -n 1000 -c 10, paced under the edge's rate limit)")];
  const n = Math.min(o.load.requests, LOAD_BOUNDS.maxRequests);
  const c = Math.min(o.load.concurrency, LOAD_BOUNDS.maxConcurrency);
  const intervalMs = 60_000 / (o.load.rateLimitPerMinute * LOAD_BOUNDS.shareOfRateLimit);
  const started = performance.now();
  let next = 0;
  const times: number[] = [];
  const statuses = new Map<string, number>();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const wait = started + i * intervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const r = await request(o, true, o.healthPath);
        times.push(r.ms);
        statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
      } catch (err) {
        statuses.set(errText(err), (statuses.get(errText(err)) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  const summary = `${n} requests, ${c} concurrent, 1 per ${intervalMs.toFixed(0)} ms; p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms; ${[...statuses].map(([s, k]) => `${s}×${k}`).join(", ")}`;
  const failed = [...statuses].filter(([s]) => s !== "200").reduce((sum, [, k]) => sum + k, 0);
  if (statuses.has("429")) return [fail(id, `rate limited (429): ${summary}`)];
  if (failed > 0) return [fail(id, `${failed} failed: ${summary}`)];
  return [percentile(times, 95) <= o.thresholds.latencyP95Ms ? pass(id, summary) : fail(id, `${summary}: p95 over ${o.thresholds.latencyP95Ms} ms`)];
}

/** ping and traceroute, skipped when the tool is missing or ICMP is not allowed. */
export function checkIcmp(o: DiagnoseOptions): CheckResult[] {
  if (!o.icmp) return [skip("icmp.ping", "opt-in: --icmp"), skip("icmp.traceroute", "opt-in: --icmp")];
  const host = o.https.host;
  const run = (id: string, cmd: string, args: string[], ok: (out: string) => string | undefined): CheckResult => {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return skip(id, `${cmd} is not installed`);
    const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    if (/not permitted|permission denied|socket: /i.test(text)) return skip(id, `ICMP not allowed here (${text.trim().split("\n")[0]})`);
    const found = r.status === 0 ? ok(text) : undefined;
    return found ? pass(id, found) : skip(id, `no ICMP answer from ${host} (filtered, or down: the connect.app line decides)`);
  };
  return [
    run("icmp.ping", "ping", ["-n", "-c", "3", "-W", "2", host], (t) => /(\d+)% packet loss/.exec(t)?.[0] && `${/rtt [^\n]*/.exec(t)?.[0] ?? ""} ${/(\d+)% packet loss/.exec(t)?.[0]}`.trim()),
    run("icmp.traceroute", "traceroute", ["-n", "-m", "20", "-w", "1", host], (t) => `${t.trim().split("\n").length - 1} hop(s)`),
  ];
}

/** Every check, in the report's order. */
export async function runDiagnose(o: DiagnoseOptions): Promise<CheckResult[]> {
  return [
    ...(await checkDns(o)),
    ...(await checkTls(o)),
    ...(await checkHttp(o)),
    ...(await checkCache(o)),
    ...(await checkConnect(o)),
    ...(await checkLatency(o)),
    ...(await checkLoad(o)),
    ...checkIcmp(o),
  ];
}
