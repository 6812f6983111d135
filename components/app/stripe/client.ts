/**
 * HTTP client for Stripe's webhook endpoints API (`https://api.stripe.com/v1/webhook_endpoints`).
 *
 * Runs inside the Pulumi dynamic-provider process, which loads this file at run time (see
 * `runtime.ts`). It must therefore import nothing but Node built-ins.
 *
 * - Secret-key auth (`Authorization: Bearer sk_…`), form-encoded bodies as Stripe documents
 *   (`enabled_events[0]=…`, `metadata[key]=…`); base URL from the `baseUrl` option, else env
 *   `STRIPE_API_URL`, else `https://api.stripe.com`.
 * - Creates carry an `Idempotency-Key`, so every call is safe to retry: retries with exponential
 *   backoff + jitter on 429, 5xx, network errors and timeouts, honouring `Retry-After`.
 * - Errors ({@link StripeApiError}) name the call, the endpoint id, the HTTP status and Stripe's
 *   message. The API key and every webhook signing secret are redacted from errors and logs.
 */

/** Default Stripe API base URL. */
export const DEFAULT_STRIPE_API_URL = "https://api.stripe.com";
/** The config key the secret key is read from (used in the fix of a 401 error). */
export const STRIPE_KEY_CONFIG_KEY = "promptandpause:stripeSecretKey";

/** Stripe's Webhook Endpoint object (the fields we use). `secret` is only present on create. */
export interface StripeWebhookEndpointObject {
  id: string;
  object: "webhook_endpoint";
  url: string;
  enabled_events: string[];
  description: string | null;
  api_version: string | null;
  metadata: Record<string, string>;
  status: "enabled" | "disabled";
  livemode: boolean;
  secret?: string;
}

/** Parameters of create (url and events required) and update (all optional). */
export interface WebhookEndpointParams {
  url?: string;
  enabled_events?: string[];
  description?: string;
  /** Create only: the API version events are rendered in. */
  api_version?: string;
  /** Values set to "" remove the key (Stripe's convention). */
  metadata?: Record<string, string>;
  /** Update only. */
  disabled?: boolean;
}

export interface StripeClientOptions {
  /** Stripe secret (or restricted) key. Never logged, never in an error. */
  apiKey: string;
  /** Base URL. @default env `STRIPE_API_URL`, else `https://api.stripe.com` */
  baseUrl?: string;
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Attempts per call, including the first. @default 4 */
  maxAttempts?: number;
  /** First backoff delay (doubles each retry, with jitter). @default 500 */
  baseDelayMs?: number;
  /** Cap of one backoff delay (also caps `Retry-After`). @default 20000 */
  maxDelayMs?: number;
  /** Receives one (redacted) line per retry. @default no logging */
  log?: (line: string) => void;
  /** Replaceable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Replaceable for tests. @default Math.random */
  random?: () => number;
}

/** A failed Stripe API call. The message never contains the API key or a signing secret. */
export class StripeApiError extends Error {
  readonly status: number | undefined;
  /** `METHOD /v1/path`. */
  readonly endpoint: string;
  /** Stripe's `error.type` / `error.code`, when given. */
  readonly stripeType: string | undefined;
  readonly stripeCode: string | undefined;
  readonly attempts: number;
  constructor(init: { message: string; status: number | undefined; endpoint: string; stripeType?: string; stripeCode?: string; attempts: number }) {
    super(init.message);
    this.name = "StripeApiError";
    this.status = init.status;
    this.endpoint = init.endpoint;
    this.stripeType = init.stripeType;
    this.stripeCode = init.stripeCode;
    this.attempts = init.attempts;
  }
}

/** True for a StripeApiError, also across module copies. */
export function isStripeApiError(err: unknown): err is StripeApiError {
  return err instanceof Error && err.name === "StripeApiError" && "endpoint" in err;
}

/**
 * Stripe's form encoding: nested objects as `a[b]=`, arrays as `a[0]=`, booleans as
 * `true`/`false`; undefined values are left out.
 */
export function formEncode(params: object): string {
  const pairs: [string, string][] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) add(`${key}[${i}]`, item);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) add(`${key}[${k}]`, v);
    } else {
      pairs.push([key, value === null ? "" : String(value)]);
    }
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

/** Replaces each secret (4+ characters) and anything shaped like a Stripe key or signing secret. */
export function redactStripe(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets.filter((s): s is string => typeof s === "string" && s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join("[secret]");
  }
  return out.replace(/\b(sk|rk)_(live|test)_[A-Za-z0-9]+/g, "[secret]").replace(/\bwhsec_[A-Za-z0-9]+/g, "[secret]");
}

/** Parses `Retry-After` (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Client for Stripe's webhook endpoints API. */
export class StripeClient {
  readonly baseUrl: string;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  private readonly apiKey: string;
  private readonly secrets: string[];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly logFn: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: StripeClientOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new Error(`Stripe secret key is missing (got nothing). Set it with: pulumi config set --secret ${STRIPE_KEY_CONFIG_KEY} <sk_…>`);
    }
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? process.env.STRIPE_API_URL ?? DEFAULT_STRIPE_API_URL).replace(/\/+$/, "");
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.secrets = [this.apiKey];
    this.logFn = options.log ?? (() => {});
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Redacts the key, registered secrets and anything shaped like a Stripe secret. */
  redact(text: string): string {
    return redactStripe(text, this.secrets);
  }

  /** POST /v1/webhook_endpoints — the response is the only time Stripe returns `secret`. */
  async createWebhookEndpoint(params: WebhookEndpointParams & { url: string; enabled_events: string[] }, idempotencyKey: string): Promise<StripeWebhookEndpointObject> {
    const created = await this.request<StripeWebhookEndpointObject>("POST", "/v1/webhook_endpoints", params, { idempotencyKey });
    if (typeof created.secret === "string") this.secrets.push(created.secret);
    return created;
  }

  /** GET /v1/webhook_endpoints/{id} (no `secret`). */
  retrieveWebhookEndpoint(id: string): Promise<StripeWebhookEndpointObject> {
    return this.request("GET", `/v1/webhook_endpoints/${encodeURIComponent(id)}`, undefined, { id });
  }

  /** POST /v1/webhook_endpoints/{id}: url, enabled_events, description, metadata, disabled. */
  updateWebhookEndpoint(id: string, params: WebhookEndpointParams): Promise<StripeWebhookEndpointObject> {
    const { api_version: _createOnly, ...rest } = params;
    return this.request("POST", `/v1/webhook_endpoints/${encodeURIComponent(id)}`, rest, { id });
  }

  /** DELETE /v1/webhook_endpoints/{id}. */
  deleteWebhookEndpoint(id: string): Promise<{ id: string; object: string; deleted: boolean }> {
    return this.request("DELETE", `/v1/webhook_endpoints/${encodeURIComponent(id)}`, undefined, { id });
  }

  private delayFor(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.maxDelayMs);
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  private async request<T>(method: "GET" | "POST" | "DELETE", path: string, params: object | undefined, ctx: { id?: string; idempotencyKey?: string }): Promise<T> {
    const endpoint = `${method} ${ctx.id ? "/v1/webhook_endpoints/{id}" : "/v1/webhook_endpoints"}`;
    const who = ctx.id ? `webhook endpoint ${ctx.id}` : "a new webhook endpoint";
    const headers: Record<string, string> = { Authorization: `Bearer ${this.apiKey}`, Accept: "application/json" };
    let body: string | undefined;
    if (method === "POST") {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = formEncode(params ?? {});
      if (ctx.idempotencyKey) headers["Idempotency-Key"] = ctx.idempotencyKey;
    }
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
        const detail = timeout ? `no response within ${this.timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`;
        if (attempt < this.maxAttempts) {
          const delay = this.delayFor(attempt, undefined);
          this.logFn(this.redact(`Stripe ${endpoint} for ${who}: ${detail}; retrying in ${delay} ms (attempt ${attempt + 1} of ${this.maxAttempts})`));
          await this.sleep(delay);
          continue;
        }
        throw new StripeApiError({ message: this.redact(`Stripe API ${endpoint} for ${who} failed after ${attempt} attempt(s): ${detail}.`), status: undefined, endpoint, attempts: attempt });
      }
      const text = await response.text();
      if (response.ok) return (text.trim() === "" ? {} : JSON.parse(text)) as T;

      const status = response.status;
      if ((status === 429 || status >= 500) && attempt < this.maxAttempts) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        const delay = this.delayFor(attempt, retryAfter);
        this.logFn(this.redact(`Stripe ${endpoint} for ${who} returned HTTP ${status}; retrying in ${delay} ms (attempt ${attempt + 1} of ${this.maxAttempts})`));
        await this.sleep(delay);
        continue;
      }
      let apiMessage: string | undefined;
      let stripeType: string | undefined;
      let stripeCode: string | undefined;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string; type?: string; code?: string } };
        apiMessage = parsed.error?.message;
        stripeType = parsed.error?.type;
        stripeCode = parsed.error?.code;
      } catch {
        apiMessage = text.slice(0, 300) || undefined;
      }
      const api = apiMessage ? `: ${apiMessage}` : "";
      let message: string;
      if (status === 401) {
        message = `Stripe rejected the secret key (HTTP 401) on ${endpoint}${api}. The key is wrong, rolled or revoked. Set a valid one with: pulumi config set --secret ${STRIPE_KEY_CONFIG_KEY} <sk_…>`;
      } else if (status === 403) {
        message = `Stripe denied ${endpoint} for ${who} (HTTP 403)${api}. A restricted key needs the "Webhook Endpoints: write" permission.`;
      } else if (status === 404 && ctx.id) {
        message = `Stripe ${who} not found (HTTP 404) on ${endpoint}${api}. It was deleted outside Pulumi, or the key belongs to another account or mode (test vs live).`;
      } else {
        message = `Stripe API ${endpoint} for ${who} failed with HTTP ${status}${attempt > 1 ? ` after ${attempt} attempts` : ""}${api}.`;
      }
      throw new StripeApiError({ message: this.redact(message), status, endpoint, stripeType, stripeCode, attempts: attempt });
    }
  }
}
