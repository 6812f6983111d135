/**
 * The log intake over real HTTP: a node:http server on 127.0.0.1 wraps the handler exactly as
 * a local run does (components/monitoring/log-intake/node-server.ts), and the test talks to it
 * like Vercel's drain does (signed POSTs of JSON / NDJSON batches, retries).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chunkLogEvents, PUT_LOG_EVENTS_LIMITS, toLogEvents } from "../../components/monitoring/log-intake/cloudwatch-sink";
import { createIntakeHandler, vercelSignature } from "../../components/monitoring/log-intake/handler";
import { AUTH_SIGN_IN_FAILED_EVENT, createLogger, type LogEntry } from "../../components/monitoring/log-intake/log-entry";
import { intakeRequestListener } from "../../components/monitoring/log-intake/node-server";
import type { LogSink, StoredEntry } from "../../components/monitoring/log-intake/sink";

const SECRET = "test-drain-secret-0123456789abcdef";
const VERIFY = "verify-code-abc123";

/** A sink that can be told to fail, to prove a failed write is retried, not dropped. */
class TestSink implements LogSink {
  entries: StoredEntry[] = [];
  failNext = 0;
  async write(entries: readonly StoredEntry[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error("down"), { name: "ServiceUnavailableException" });
    }
    this.entries.push(...entries);
  }
}

let sink: TestSink;
let server: http.Server;
let url: string;

beforeAll(async () => {
  // One server for the file; each test gets a fresh sink and dedupe memory (`reset`).
  let handler = createIntakeHandler({ secret: SECRET, verificationCode: VERIFY, sink: new TestSink() });
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => intakeRequestListener(handler)(req, res);
  server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vercel/prod`;
  reset = () => {
    sink = new TestSink();
    handler = createIntakeHandler({ secret: SECRET, verificationCode: VERIFY, sink });
  };
});
let reset: () => void;
beforeEach(() => reset());
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function line(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    deploymentId: "dpl_233NRGRjVZX1caZrXWtz5g1TAksD",
    source: "lambda",
    host: "promptandpause.vercel.app",
    timestamp: Date.parse("2026-12-01T10:00:00Z"),
    projectId: "prj_1",
    level: "info",
    message: `message ${id}`,
    requestId: `req-${id}`,
    environment: "production",
    proxy: { method: "GET", path: "/api/prompts/today", statusCode: 200, clientIp: "203.0.113.9", userAgent: ["Mozilla/5.0"], region: "lhr1" },
    ...over,
  };
}

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-vercel-signature": vercelSignature(SECRET, body), ...headers } });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const stored = (): LogEntry[] => sink.entries.map((e) => e.entry);

describe("Vercel's endpoint verification", () => {
  it.each(["GET", "HEAD"])("%s answers 200 with x-vercel-verify", async (method) => {
    const res = await fetch(url, { method });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-vercel-verify")).toBe(VERIFY);
  });

  it("an unsigned empty POST answers 200 with the code and stores nothing", async () => {
    const res = await fetch(url, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-vercel-verify")).toBe(VERIFY);
    expect(sink.entries).toHaveLength(0);
  });
});

describe("refused requests store nothing", () => {
  const body = JSON.stringify([line("1")]);

  it.each([
    ["a forged signature", { "x-vercel-signature": vercelSignature("another-secret-of-sixteen+", body) }],
    ["a signature of another body", { "x-vercel-signature": vercelSignature(SECRET, `${body} `) }],
    ["a truncated signature", { "x-vercel-signature": vercelSignature(SECRET, body).slice(0, 20) }],
    ["no signature", { "x-vercel-signature": "" }],
  ])("%s → 403", async (_label, headers) => {
    const res = await post(body, headers);
    expect(res.status).toBe(403);
    expect(res.json.error).toBe("invalid x-vercel-signature");
    expect(sink.entries).toHaveLength(0);
  });

  it("a 10 MB body (correctly signed) → 413", async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(sink.entries).toHaveLength(0);
  });

  it("a 10 MB chunked body without content-length → 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: "POST", headers: { "x-vercel-signature": "x", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 10; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(sink.entries).toHaveLength(0);
  });

  it("a signed body that is not a Vercel batch → 400", async () => {
    const res = await post(JSON.stringify([{ message: "no id" }]));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('entry 0: "id" must be a non-empty string');
  });

  it("PUT → 405", async () => {
    expect((await fetch(url, { method: "PUT", body: "x" })).status).toBe(405);
  });
});

describe("storing", () => {
  it("normalises a JSON batch to the guide's LogEntry", async () => {
    const res = await post(JSON.stringify([line("a1"), line("a2", { level: "fatal", source: "edge" })]));
    expect(res).toMatchObject({ status: 200, json: { stored: 2, duplicates: 0 } });
    expect(stored()[0]).toEqual({
      timestamp: "2026-12-01T10:00:00.000Z",
      level: "info",
      service: "vercel:lambda",
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0",
      message: "message a1",
      metadata: {
        vercel: {
          id: "a1",
          source: "lambda",
          projectId: "prj_1",
          deploymentId: "dpl_233NRGRjVZX1caZrXWtz5g1TAksD",
          environment: "production",
          host: "promptandpause.vercel.app",
          requestId: "req-a1",
          proxy: { method: "GET", path: "/api/prompts/today", statusCode: 200, region: "lhr1" },
        },
      },
    });
    expect(stored()[1]).toMatchObject({ level: "critical", service: "vercel:edge" });
  });

  it("parses NDJSON (deliveryFormat ndjson)", async () => {
    const res = await post(`${JSON.stringify(line("n1"))}\n${JSON.stringify(line("n2", { level: "warning" }))}\n`);
    expect(res.json).toEqual({ stored: 2, duplicates: 0 });
    expect(stored().map((e) => e.level)).toEqual(["info", "warn"]);
  });

  it("a retried batch is stored once; a batch with one new line stores only that line", async () => {
    const batch = JSON.stringify([line("r1"), line("r2")]);
    expect((await post(batch)).json).toEqual({ stored: 2, duplicates: 0 });
    expect((await post(batch)).json).toEqual({ stored: 0, duplicates: 2 });
    expect((await post(JSON.stringify([line("r2"), line("r3"), line("r3")]))).json).toEqual({ stored: 1, duplicates: 2 });
    expect(sink.entries.map((e) => e.id)).toEqual(["r1", "r2", "r3"]);
  });

  it("a batch whose write failed (503) is stored when Vercel retries it", async () => {
    sink.failNext = 1;
    const batch = JSON.stringify([line("f1")]);
    expect((await post(batch)).status).toBe(503);
    expect((await post(batch)).json).toEqual({ stored: 1, duplicates: 0 });
    expect(sink.entries.map((e) => e.id)).toEqual(["f1"]);
  });

  it.each([
    ["a bearer token", "calling api with Authorization: Bearer abc.def-ghi_123 now", "calling api with Authorization: Bearer [REDACTED] now", "abc.def-ghi_123"],
    ["a Stripe secret key", "stripe init sk_live_51HxYzAbCdEf0123456789 ok", "stripe init [REDACTED:Stripe secret or restricted key] ok", "sk_live_51HxYz"],
    ["a Stripe restricted key", "key=rk_test_abcDEF123456", "key=[REDACTED:Stripe secret or restricted key]", "rk_test_abc"],
    ["a Stripe webhook secret", "whsec_0123456789abcdefABCDEF leaked", "[REDACTED:Stripe webhook signing secret] leaked", "whsec_0123"],
    ["a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig_abcDEF-123", "token [REDACTED:JWT]", "eyJzdWIi"],
    ["an AWS access key id", "creds AKIAIOSFODNN7EXAMPLE used", "creds [REDACTED:AWS access key id] used", "AKIAIOSFODNN7"],
    ["a token in a query string", "GET /auth/callback?code=s3cr3tc0de&state=1", "GET /auth/callback?code=[REDACTED]&state=1", "s3cr3tc0de"],
    ["a database URL password", "db postgres://postgres:hunter2pw@db.example.co:5432/postgres", "db [REDACTED:URL with a password]db.example.co:5432/postgres", "hunter2pw"],
  ])("a line carrying %s is stored redacted", async (_label, message, expected, secretPart) => {
    await post(JSON.stringify([line("s1", { message })]));
    expect(stored()[0]?.message).toBe(expected);
    expect(JSON.stringify(sink.entries)).not.toContain(secretPart);
  });

  it("the app's logger lines keep their level, service, user and metadata; secret metadata keys are blanked", async () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: () => new Date("2026-12-01T09:00:00Z"), context: () => ({ userId: "user-42" }) });
    log.warn("sign-in refused", { event: AUTH_SIGN_IN_FAILED_EVENT, email: "a@example.com", authorization: "Bearer xyz", nested: { password: "pw" } });
    await post(JSON.stringify([line("app1", { message: lines[0] })]));
    const entry = stored()[0];
    expect(entry).toMatchObject({
      timestamp: "2026-12-01T09:00:00.000Z",
      level: "warn",
      service: "promptandpause",
      userId: "user-42",
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0",
      message: "sign-in refused",
      metadata: { event: AUTH_SIGN_IN_FAILED_EVENT, email: "a@example.com", authorization: "[REDACTED]", nested: { password: "[REDACTED]" } },
    });
    expect(entry?.metadata.vercel).toMatchObject({ id: "app1" });
  });
});

describe("PutLogEvents batches (CloudWatch limits)", () => {
  const at = (ms: number, size = 10) => ({ timestamp: ms, message: "x".repeat(size) });

  it("sorts entries by time and cuts an over-long message to the per-event limit", () => {
    const base = { level: "info" as const, service: "s", ip: "-", userAgent: "-", metadata: {} };
    const events = toLogEvents([
      { id: "2", entry: { ...base, timestamp: "2026-12-01T10:00:02.000Z", message: "late" } },
      { id: "1", entry: { ...base, timestamp: "2026-12-01T10:00:01.000Z", message: "y".repeat(300 * 1024) } },
    ]);
    expect(events.map((e) => e.timestamp)).toEqual([Date.parse("2026-12-01T10:00:01.000Z"), Date.parse("2026-12-01T10:00:02.000Z")]);
    expect(Buffer.byteLength(events[0]?.message ?? "")).toBeLessThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxEventBytes - PUT_LOG_EVENTS_LIMITS.perEventOverhead);
    expect(JSON.parse(events[0]?.message ?? "{}").metadata).toEqual({ truncated: true });
  });

  it.each([
    ["10,001 events → 10,000 + 1", Array.from({ length: 10_001 }, (_, i) => at(i, 1)), [10_000, 1]],
    ["bytes: 5 × 250 KB → 4 + 1 (1,048,576 per call incl. 26 per event)", Array.from({ length: 5 }, (_, i) => at(i, 250 * 1024)), [4, 1]],
    ["a span over 24 hours → split", [at(0), at(24 * 3600 * 1000 + 1)], [1, 1]],
    ["one small batch → one call", [at(0), at(1), at(2)], [3]],
  ])("%s", (_label, events, sizes) => {
    expect(chunkLogEvents(events).map((c) => c.length)).toEqual(sizes);
  });
});
