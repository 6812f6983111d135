/**
 * The log intake: Vercel's log drain → the guide's LogEntry → a LogSink (CloudWatch Logs on AWS).
 * A plain TypeScript module (no Pulumi): API Gateway (HTTP API, payload 2.0) → Lambda calls
 * {@link lambdaAdapter}; tests and local runs wrap {@link createIntakeHandler} in node:http
 * (./node-server.ts).
 *
 * What it does, per Vercel's drain docs (https://vercel.com/docs/drains/security and
 * https://vercel.com/docs/drains/reference/logs):
 * - every response carries `x-vercel-verify: <team verification code>`; Vercel checks for a `200`
 *   with that header when the drain is created (GET/HEAD, or a POST with an empty body, answer
 *   200 without storing anything);
 * - a POST body must carry `x-vercel-signature` = hex HMAC-SHA1 of the raw body with the drain's
 *   secret, compared in constant time; otherwise 403 and nothing is stored;
 * - bodies over `maxBodyBytes` are refused with 413 before they are parsed;
 * - each entry is normalised to LogEntry, redacted, and stored once: Vercel retries a batch that
 *   did not get a 2xx, so ids already stored (or being stored by a concurrent delivery) are skipped;
 * - a sink failure answers 503 and gives the batch's claims back, so Vercel's retry stores it.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { LogEntry } from "./log-entry";
import { redactText, redactValue } from "./redact";
import { type DedupeStore, type LogSink, MemoryDedupe, type StoredEntry } from "./sink";
import { PayloadError, parseVercelBatch, toLogEntry } from "./vercel-format";

/**
 * Largest body accepted. API Gateway HTTP APIs take up to 10 MB and a synchronous Lambda
 * invocation 6 MB (base64 adds a third for binary bodies); 4 MiB stays under both, and Vercel's
 * batches are far smaller (a message is truncated over 256 KB). A 10 MB body is refused.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface IntakeRequest {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

export interface IntakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IntakeOptions {
  /** The drain's signing secret (the same value the Vercel `LogDrain` was created with). Secret. */
  secret: string;
  /** The team's endpoint verification code (`vercel.getEndpointVerification`). Not secret. */
  verificationCode: string;
  sink: LogSink;
  /** @default a new in-memory store per handler */
  dedupe?: DedupeStore;
  /** @default {@link DEFAULT_MAX_BODY_BYTES} */
  maxBodyBytes?: number;
  /** Called with a one-line summary of each refused or failed request (never a body or secret). @default none */
  onProblem?: (summary: string) => void;
}

/** Hex HMAC-SHA1 of `body` with `secret`: the value of `x-vercel-signature`. */
export function vercelSignature(secret: string, body: Buffer | string): string {
  return createHmac("sha1", secret).update(body).digest("hex");
}

/**
 * Constant-time check of a presented signature. Both sides are hashed to 32 bytes first, so the
 * comparison takes the same time whatever the presented length (timingSafeEqual needs equal
 * lengths), then compared with timingSafeEqual.
 */
export function signatureMatches(secret: string, body: Buffer, presented: string | undefined): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(presented.trim().toLowerCase()), digest(vercelSignature(secret, body)));
}

/** The stored form of an entry: every string redacted (message, user agent, metadata). */
export function redactEntry(entry: LogEntry): LogEntry {
  return {
    ...entry,
    userAgent: redactText(entry.userAgent),
    message: redactText(entry.message),
    metadata: redactValue(entry.metadata) as Record<string, unknown>,
  };
}

export type IntakeHandler = (req: IntakeRequest) => Promise<IntakeResponse>;

export function createIntakeHandler(options: IntakeOptions): IntakeHandler {
  if (options.secret.length < 16) throw new Error("log intake: the drain secret must be at least 16 characters");
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const dedupe = options.dedupe ?? new MemoryDedupe();
  const reply = (status: number, body: Record<string, unknown>): IntakeResponse => ({
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", "x-vercel-verify": options.verificationCode },
    body: JSON.stringify(body),
  });
  const refuse = (status: number, error: string): IntakeResponse => {
    options.onProblem?.(`${status} ${error}`);
    return reply(status, { error });
  };

  return async (req) => {
    const method = req.method.toUpperCase();
    if (method === "GET" || method === "HEAD") return reply(200, { ok: true });
    if (method !== "POST") return refuse(405, "method not allowed");
    if (req.body.length > max) return refuse(413, `body over ${max} bytes`);
    if (req.body.length === 0 && !req.headers["x-vercel-signature"]) return reply(200, { ok: true, stored: 0 });
    if (!signatureMatches(options.secret, req.body, req.headers["x-vercel-signature"])) return refuse(403, "invalid x-vercel-signature");

    let entries: StoredEntry[];
    try {
      entries = parseVercelBatch(req.body.toString("utf8")).map((line) => ({ id: line.id, entry: redactEntry(toLogEntry(line)) }));
    } catch (err) {
      if (err instanceof PayloadError) return refuse(400, err.message);
      throw err;
    }
    // Unique within the batch, then claimed against what was stored (or is being stored) before.
    const byId = new Map(entries.map((e) => [e.id, e]));
    const { mine, pending } = await dedupe.claim([...byId.keys()]);
    const toStore = [...byId.values()].filter((e) => mine.has(e.id));
    try {
      if (toStore.length > 0) await options.sink.write(toStore);
    } catch (err) {
      await dedupe.release(toStore.map((e) => e.id));
      return refuse(503, `sink failed: ${err instanceof Error ? err.name : "error"}`);
    }
    await dedupe.confirm(toStore.map((e) => e.id));
    if (pending.size > 0) {
      // Another delivery holds some of these unconfirmed; if it fails, only a retry stores them.
      options.onProblem?.(`503 ${pending.size} entries are being stored by another delivery`);
      return reply(503, { error: "entries are being stored by another delivery; retry", stored: toStore.length, pending: pending.size });
    }
    return reply(200, { stored: toStore.length, duplicates: entries.length - toStore.length });
  };
}

/** The parts of API Gateway's HTTP API payload 2.0 event the intake reads. */
export interface HttpApiEvent {
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string } };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * API Gateway HTTP API (payload format 2.0) → {@link IntakeHandler}. Header names arrive
 * lower-cased in 2.0; the body is base64 when `isBase64Encoded`.
 */
export function lambdaAdapter(handler: IntakeHandler): (event: HttpApiEvent) => Promise<HttpApiResult> {
  return async (event) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8") : Buffer.alloc(0);
    const res = await handler({ method: event.requestContext.http.method, headers, body });
    return { statusCode: res.status, headers: res.headers, body: res.body };
  };
}
