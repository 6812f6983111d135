/**
 * `npm run diagnose` against servers started here on 127.0.0.1 (tests/monitoring/diagnose-servers.ts):
 * a correct set of servers passes every line; each broken server fails exactly its line.
 */
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { optionsFrom } from "../../scripts/lib/diagnose/cli";
import { type DiagnoseOptions, runDiagnose } from "../../scripts/lib/diagnose/checks";
import type { CheckResult } from "../../scripts/lib/diagnose/report";
import { GUIDE } from "../../stacks/guide";
import { runEntry } from "../helpers/run-entry";
import { DOMAIN, GOOD, makeTestCa, removeTestCa, type Servers, startServers, type TestCa } from "./diagnose-servers";

let ca: TestCa;
let s: Servers;

beforeAll(async () => {
  ca = makeTestCa();
  s = await startServers(ca);
});
afterAll(async () => {
  await s.close();
  removeTestCa(ca);
});
beforeEach(() => {
  Object.assign(s.behaviour, GOOD);
  s.hits.clear();
});

function options(over: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return {
    domain: DOMAIN,
    resolver: { host: "127.0.0.1", port: s.dns },
    https: { host: "127.0.0.1", port: s.https },
    http: { host: "127.0.0.1", port: s.http },
    ca: ca.caPem,
    pooler: { host: "127.0.0.1", port: s.pooler },
    healthPath: "/api/health",
    cachedPaths: ["/api/prompts/today"],
    apiHeaders: GUIDE.app.apiSecurityHeaders,
    // Generous latency budget: a loaded test machine must not fail the other lines' tests.
    thresholds: { connectMs: 2000, latencyP95Ms: 2000, certMinDays: 14, minHitRatio: 0.5, hstsMaxAge: 31_536_000 },
    latencySamples: 3,
    icmp: false,
    timeoutMs: 2000,
    ...over,
  };
}

const status = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r.status]));
const failing = (results: CheckResult[]) => results.filter((r) => r.status === "fail").map((r) => r.id);

describe("a correct platform", () => {
  it("passes every line (load and ICMP are opt-in, so skipped)", async () => {
    const results = await runDiagnose(options());
    expect(status(results)).toEqual({
      "dns.ns": "pass",
      [`dns.address ${DOMAIN}`]: "pass",
      [`dns.address www.${DOMAIN}`]: "pass",
      "dns.dnssec": "pass",
      "tls.chain": "pass",
      "tls.expiry": "pass",
      "tls.min-version": "pass",
      "http.redirect": "pass",
      "tls.hsts": "pass",
      "headers /api/health": "pass",
      "cache /api/prompts/today": "pass",
      "connect.app": "pass",
      "connect.pooler": "pass",
      "latency /api/health": "pass",
      load: "skip",
      "icmp.ping": "skip",
      "icmp.traceroute": "skip",
    });
    expect(results.find((r) => r.id === "cache /api/prompts/today")?.detail).toBe("hit ratio 100 % after the first request (MISS, HIT, HIT)");
  });

  it("the opt-in load run stays bounded and paced under the rate limit", async () => {
    // 10 requests at a 1200 rpm limit → 1 request per 62.5 ms (80 % of the limit): ≥ 9 × 62.5 ms,
    // even with 10 workers; 2000 requested → capped at the guide's 1000 (checked on the bound).
    const started = Date.now();
    const results = await runDiagnose(options({ load: { requests: 10, concurrency: 10, rateLimitPerMinute: 1200 } }));
    const elapsed = Date.now() - started;
    expect(results.find((r) => r.id === "load")).toMatchObject({ status: "pass", detail: expect.stringMatching(/^10 requests, 10 concurrent, 1 per 63 ms;/) });
    expect(s.hits.get("/api/health")).toBe(10 + 3 + 1); // load + latency samples + the headers line
    expect(elapsed).toBeGreaterThanOrEqual(9 * 62.5);
  });
});

describe("each broken server fails its own line", () => {
  it("a wrong header fails the headers line only", async () => {
    s.behaviour.wrongHeader = true;
    const results = await runDiagnose(options());
    expect(failing(results)).toEqual(["headers /api/health"]);
    expect(results.find((r) => r.id === "headers /api/health")?.detail).toBe('X-Frame-Options: expected "DENY", got "SAMEORIGIN"');
  });

  it("an expired certificate fails the chain and expiry lines", async () => {
    const results = await runDiagnose(options({ https: { host: "127.0.0.1", port: s.httpsExpired } }));
    expect(failing(results).filter((id) => id.startsWith("tls."))).toEqual(["tls.chain", "tls.expiry", "tls.hsts"]);
    expect(results.find((r) => r.id === "tls.chain")?.detail).toContain("CERT_HAS_EXPIRED");
    expect(results.find((r) => r.id === "tls.expiry")?.detail).toMatch(/^expired \d+ day\(s\) ago \(2020-02-01T00:00:00\.000Z\)$/);
  });

  it("a missing redirect fails the redirect line only", async () => {
    s.behaviour.noRedirect = true;
    const results = await runDiagnose(options());
    expect(failing(results)).toEqual(["http.redirect"]);
    expect(results.find((r) => r.id === "http.redirect")?.detail).toBe(`http://${DOMAIN}/ answered 200; expected 301/308 to https://${DOMAIN}/`);
  });

  it("a slow health endpoint fails the latency line only", async () => {
    s.behaviour.slowHealthMs = 300;
    const base = options();
    // Two samples, both slow: the p95 of two is the slower one.
    const results = await runDiagnose({ ...base, latencySamples: 2, thresholds: { ...base.thresholds, latencyP95Ms: 200 } });
    expect(failing(results)).toEqual(["latency /api/health"]);
    expect(results.find((r) => r.id === "latency /api/health")?.detail).toMatch(/p95 over 200 ms$/);
  });

  it("a server that still accepts TLS 1.0/1.1 fails the minimum-version line", async () => {
    const results = await runDiagnose(options({ https: { host: "127.0.0.1", port: s.httpsOldTls } }));
    expect(results.find((r) => r.id === "tls.min-version")).toMatchObject({ status: "fail", detail: expect.stringMatching(/^server accepts TLSv1(\.1)?: the minimum must be TLS 1\.2$/) });
  });

  it("a route the edge does not cache fails its cache line", async () => {
    s.behaviour.noCache = true;
    const results = await runDiagnose(options());
    expect(failing(results)).toEqual(["cache /api/prompts/today"]);
  });

  it("a zone without DNSSEC fails the DNSSEC line", async () => {
    const unsigned = await startServers(ca, { dnssec: false });
    try {
      const results = await runDiagnose(options({ resolver: { host: "127.0.0.1", port: unsigned.dns } }));
      expect(failing(results)).toEqual(["dns.dnssec"]);
    } finally {
      await unsigned.close();
    }
  });

  it("a 429 during the load run is a failure", async () => {
    const results = await runDiagnose(options({ load: { requests: 3, concurrency: 1, rateLimitPerMinute: 6000 } }));
    expect(results.find((r) => r.id === "load")?.status).toBe("pass");
    s.behaviour.status429 = true;
    const limited = await runDiagnose(options({ load: { requests: 3, concurrency: 1, rateLimitPerMinute: 6000 } }));
    expect(limited.find((r) => r.id === "load")).toMatchObject({ status: "fail", detail: expect.stringMatching(/^rate limited \(429\)/) });
  });

  it("a closed pooler port fails the pooler connect line", async () => {
    const results = await runDiagnose(options({ pooler: { host: "127.0.0.1", port: 1 } }));
    expect(failing(results)).toEqual(["connect.pooler"]);
  });
});

describe("npm run diagnose (the CLI as a process)", () => {
  // As package.json's "diagnose" script runs it.
  const run = (args: string[]) => runEntry(path.join("scripts", "diagnose.ts"), args);
  const targets = () => ["--stack", "prod", "--domain", DOMAIN, "--resolver", `127.0.0.1:${s.dns}`, "--https", `127.0.0.1:${s.https}`, "--http", `127.0.0.1:${s.http}`, "--ca", ca.caFile, "--pooler", `127.0.0.1:${s.pooler}`, "--latency-budget-ms", "5000", "--connect-budget-ms", "5000"];

  it("reports every line and exits 0 against correct servers, 1 when one fails", async () => {
    const ok = await run(targets());
    expect(ok.stdout).toMatch(/^PASS {2}tls\.chain /m);
    expect(ok.stdout).toMatch(/14 passed, 0 failed, 3 skipped$/m);
    expect(ok.code).toBe(0);
    s.behaviour.noRedirect = true;
    const bad = await run(targets());
    expect(bad.stdout).toMatch(/^FAIL {2}http\.redirect +http:\/\/promptandpause\.test\/ answered 200/m);
    expect(bad.code).toBe(1);
  });

  it.each([
    [["--stack", "prod", "--https", "host:99999"], "--https: port must be 1-65535 (got 99999)"],
    [["--stack", "prod", "--load", "--requests", "5000"], '--requests: must be an integer from 1 to 1000 (got "5000")'],
    [["--stack", "prod", "--load", "--concurrency", "50"], '--concurrency: must be an integer from 1 to 10 (got "50")'],
    [["--domain", DOMAIN], "--stack: required (staging or prod)"],
  ])("refuses %j (exit 2): %s", (args, message) => {
    expect(() => optionsFrom(args, () => "nameserver 127.0.0.1\n")).toThrow(message);
  });

  it("reads the stack's domain, health path, API rate limit and pooler region", () => {
    const { options: o } = optionsFrom(["--stack", "prod", "--load"], () => "nameserver 10.0.0.2\n");
    expect(o).toMatchObject({
      domain: "promptandpause.com",
      resolver: { host: "10.0.0.2", port: 53 },
      https: { host: "promptandpause.com", port: 443 },
      healthPath: "/api/health",
      cachedPaths: ["/api/prompts/today"],
      pooler: { host: "aws-0-eu-west-2.pooler.supabase.com", port: 6543 },
      load: { requests: 1000, concurrency: 10, rateLimitPerMinute: GUIDE.rateLimits.api.requestsPerMinute },
    });
  });
});
