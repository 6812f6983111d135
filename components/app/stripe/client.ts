/**
 * HTTP client for Stripe's webhook endpoints API (`https://api.stripe.com/v1/webhook_endpoints`).
 *
 * Runs inside the Pulumi dynamic-provider process, which loads this file at run time (see
 * `runtime.ts`). It must therefore import nothing but Node built-ins and
 * components/shared/http-retry.ts (the transport mechanics it shares with the Supabase client).
 *
 * - Secret-key auth (`Authorization: Bearer sk_…`), form-encoded bodies as Stripe documents
 *   (`enabled_events[0]=…`, `metadata[key]=…`); base URL from the `baseUrl` option, else env
 *   `STRIPE_API_URL`, else `https://api.stripe.com`.
 * - Creates carry an `Idempotency-Key`, so every call is safe to retry: retries with exponential
 *   backoff + jitter on 429, 5xx, network errors and timeouts, honouring `Retry-After`.
 * - Errors ({@link StripeApiError}) name the call, the endpoint id, the HTTP status and Stripe's
 *   message. The API key and every webhook signing secret are redacted from errors and logs.
 */

import { type RetryDefaults, type RetryOptions, type RetryPolicy, fetchWithRetry, redactSecrets, retryPolicy } from "../../shared/http-retry";

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

/** Retry defaults of {@link StripeClient} (see {@link RetryOptions}). */
export const STRIPE_RETRY_DEFAULTS: RetryDefaults = { timeoutMs: 30_000, maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * Options of {@link StripeClient}. Timeout and retries ({@link RetryOptions}): @default
 * {@link STRIPE_RETRY_DEFAULTS} (30000 ms per request, 4 attempts, backoff from 500 ms capped at
 * 20000 ms), no logging, real sleep and Math.random.
 */
export interface StripeClientOptions extends RetryOptions {
  /** Stripe secret (or restricted) key. Never logged, never in an error. */
  apiKey: string;
  /** Base URL. @default env `STRIPE_API_URL`, else `https://api.stripe.com` */
  baseUrl?: string;
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
  return redactSecrets(text, secrets).replace(/\b(sk|rk)_(live|test)_[A-Za-z0-9]+/g, "[secret]").replace(/\bwhsec_[A-Za-z0-9]+/g, "[secret]");
}

/** Client for Stripe's webhook endpoints API. */
export class StripeClient {
  readonly baseUrl: string;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  private readonly apiKey: string;
  private readonly secrets: string[];
  private readonly retry: RetryPolicy;

  constructor(options: StripeClientOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new Error(`Stripe secret key is missing (got nothing). Set it with: pulumi config set --secret ${STRIPE_KEY_CONFIG_KEY} <sk_…>`);
    }
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? process.env.STRIPE_API_URL ?? DEFAULT_STRIPE_API_URL).replace(/\/+$/, "");
    this.retry = retryPolicy(options, STRIPE_RETRY_DEFAULTS);
    this.maxAttempts = this.retry.maxAttempts;
    this.timeoutMs = this.retry.timeoutMs;
    this.secrets = [this.apiKey];
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
    // every call is safe to repeat (creates carry an Idempotency-Key): retry 429, 5xx, timeouts, network errors
    const result = await fetchWithRetry({ url: `${this.baseUrl}${path}`, method, headers, body, label: `Stripe ${endpoint} for ${who}`, idempotent: true }, this.retry, (text) =>
      this.redact(text),
    );
    const attempt = result.attempts;
    if (result.status === undefined) {
      throw new StripeApiError({ message: this.redact(`Stripe API ${endpoint} for ${who} failed after ${attempt} attempt(s): ${result.detail}.`), status: undefined, endpoint, attempts: attempt });
    }
    const { status, text } = result;
    if (result.ok) return (text.trim() === "" ? {} : JSON.parse(text)) as T;
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
