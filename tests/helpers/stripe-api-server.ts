/**
 * A local Stripe API for the webhook endpoints resource (node:http on 127.0.0.1:0), behaving as
 * Stripe documents it (https://docs.stripe.com/api/webhook_endpoints):
 *
 * - `Authorization: Bearer <secret key>`; a wrong key gets 401 with Stripe's error envelope.
 * - POST bodies must be `application/x-www-form-urlencoded`, with Stripe's bracket encoding
 *   (`enabled_events[0]=…`, `metadata[key]=…`). A parameter the endpoint does not take gets
 *   400 "Received unknown parameter" (as Stripe does), a missing required one 400.
 * - `POST /v1/webhook_endpoints` returns `secret` (whsec_…) — the only response that does.
 *   `Idempotency-Key` replays the first response.
 * - `POST /v1/webhook_endpoints/{id}` updates url / enabled_events / description / disabled /
 *   metadata (a metadata value "" removes the key); `api_version` is not accepted there.
 * - `DELETE` returns `{ id, object, deleted: true }`; unknown ids get 404 resource_missing.
 * - `failNext(status, times)` injects failures (e.g. 429 with Retry-After, 500) for retry tests.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedStripeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Raw form body. */
  body: string;
  /** Parsed form body. */
  form: Record<string, unknown>;
}

export interface StoredEndpoint {
  id: string;
  object: "webhook_endpoint";
  url: string;
  enabled_events: string[];
  description: string | null;
  api_version: string | null;
  metadata: Record<string, string>;
  status: "enabled" | "disabled";
  livemode: boolean;
  created: number;
  application: null;
  secret: string;
}

const CREATE_PARAMS = new Set(["url", "enabled_events", "description", "api_version", "metadata", "connect", "expand"]);
const UPDATE_PARAMS = new Set(["url", "enabled_events", "description", "disabled", "metadata", "expand"]);

/** Parses Stripe's bracket form encoding into nested objects / arrays. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    if (!match) {
      root[rawKey] = value;
      continue;
    }
    const path = [match[1] as string, ...[...(match[2] ?? "").matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string)];
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      if (last) {
        node[part] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1] as string);
      if (node[part] === undefined) node[part] = nextIsIndex ? [] : {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return root;
}

export class StripeApiServer {
  readonly endpoints = new Map<string, StoredEndpoint>();
  readonly requests: RecordedStripeRequest[] = [];
  private readonly idempotent = new Map<string, { status: number; body: string }>();
  private faults: { status: number; times: number; headers: Record<string, string>; body: string }[] = [];
  private server: http.Server | undefined;
  private counter = 0;
  url = "";

  /** @param apiKey the only key accepted */
  constructor(readonly apiKey: string) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        body += chunk;
      });
      req.on("end", () => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests fail with `status`. */
  failNext(status: number, times = 1, headers: Record<string, string> = {}, body = ""): void {
    this.faults.push({ status, times, headers, body: body || JSON.stringify({ error: { type: "api_error", message: `injected ${status}` } }) });
  }

  private send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): { status: number; body: string } {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
    return { status, body };
  }

  private error(res: http.ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): { status: number; body: string } {
    return this.send(res, status, { error: { type, message, ...extra } });
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] as string;
    const form = method === "POST" ? parseStripeForm(body) : {};
    this.requests.push({ method, path, headers: req.headers, body, form });

    const fault = this.faults[0];
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.shift();
      this.send(res, fault.status, fault.body, fault.headers);
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      this.error(res, 401, "invalid_request_error", "Invalid API Key provided: sk_****");
      return;
    }
    if (method === "POST" && !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      this.error(res, 400, "invalid_request_error", "Invalid request: expected application/x-www-form-urlencoded");
      return;
    }

    const idemKey = method === "POST" ? req.headers["idempotency-key"] : undefined;
    if (typeof idemKey === "string" && this.idempotent.has(idemKey)) {
      const replay = this.idempotent.get(idemKey) as { status: number; body: string };
      this.send(res, replay.status, replay.body, { "idempotent-replayed": "true" });
      return;
    }

    let result: { status: number; body: string };
    const item = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(path);
    if (path === "/v1/webhook_endpoints" && method === "POST") result = this.create(form, res);
    else if (item && method === "GET") result = this.withEndpoint(item[1] as string, res, (e) => this.send(res, 200, publicView(e)));
    else if (item && method === "POST") result = this.withEndpoint(item[1] as string, res, (e) => this.update(e, form, res));
    else if (item && method === "DELETE")
      result = this.withEndpoint(item[1] as string, res, (e) => {
        this.endpoints.delete(e.id);
        return this.send(res, 200, { id: e.id, object: "webhook_endpoint", deleted: true });
      });
    else result = this.error(res, 404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
    if (typeof idemKey === "string") this.idempotent.set(idemKey, result);
  }

  private withEndpoint(id: string, res: http.ServerResponse, fn: (e: StoredEndpoint) => { status: number; body: string }): { status: number; body: string } {
    const endpoint = this.endpoints.get(decodeURIComponent(id));
    if (!endpoint) return this.error(res, 404, "invalid_request_error", `No such webhook endpoint: '${id}'`, { code: "resource_missing", param: "id" });
    return fn(endpoint);
  }

  private unknownParam(form: Record<string, unknown>, allowed: Set<string>, res: http.ServerResponse): { status: number; body: string } | undefined {
    for (const key of Object.keys(form)) {
      if (!allowed.has(key)) return this.error(res, 400, "invalid_request_error", `Received unknown parameter: ${key}`, { param: key });
    }
    return undefined;
  }

  private create(form: Record<string, unknown>, res: http.ServerResponse): { status: number; body: string } {
    const unknown = this.unknownParam(form, CREATE_PARAMS, res);
    if (unknown) return unknown;
    if (typeof form.url !== "string") return this.error(res, 400, "invalid_request_error", "Missing required param: url.", { param: "url" });
    if (!Array.isArray(form.enabled_events) || form.enabled_events.length === 0) {
      return this.error(res, 400, "invalid_request_error", "Missing required param: enabled_events.", { param: "enabled_events" });
    }
    this.counter += 1;
    const id = `we_test${String(this.counter).padStart(6, "0")}`;
    const endpoint: StoredEndpoint = {
      id,
      object: "webhook_endpoint",
      url: form.url,
      enabled_events: form.enabled_events as string[],
      description: typeof form.description === "string" && form.description !== "" ? form.description : null,
      api_version: typeof form.api_version === "string" ? form.api_version : null,
      metadata: cleanMetadata((form.metadata as Record<string, string>) ?? {}),
      status: "enabled",
      livemode: this.apiKey.startsWith("sk_live_"),
      created: 1_700_000_000 + this.counter,
      application: null,
      secret: `whsec_test${String(this.counter).padStart(6, "0")}abcdefghijklmnop`,
    };
    this.endpoints.set(id, endpoint);
    return this.send(res, 200, endpoint);
  }

  private update(endpoint: StoredEndpoint, form: Record<string, unknown>, res: http.ServerResponse): { status: number; body: string } {
    const unknown = this.unknownParam(form, UPDATE_PARAMS, res);
    if (unknown) return unknown;
    if (typeof form.url === "string") endpoint.url = form.url;
    if (Array.isArray(form.enabled_events)) endpoint.enabled_events = form.enabled_events as string[];
    if (typeof form.description === "string") endpoint.description = form.description === "" ? null : form.description;
    if (form.disabled !== undefined) endpoint.status = form.disabled === "true" ? "disabled" : "enabled";
    if (form.metadata && typeof form.metadata === "object") {
      endpoint.metadata = cleanMetadata({ ...endpoint.metadata, ...(form.metadata as Record<string, string>) });
    }
    return this.send(res, 200, publicView(endpoint));
  }
}

/** Stripe returns `secret` only on create. */
function publicView(endpoint: StoredEndpoint): Omit<StoredEndpoint, "secret"> {
  const { secret: _secret, ...rest } = endpoint;
  return rest;
}

function cleanMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== ""));
}
