/**
 * HTTP client for the Supabase Management API v1 (`https://api.supabase.com`).
 *
 * Runs inside the Pulumi dynamic-provider process, which loads this file at run time (see
 * `runtime.ts`). It must therefore import nothing but Node built-ins and
 * components/shared/http-retry.ts (the transport mechanics it shares with the Stripe client).
 *
 * - Bearer token auth; base URL from the `baseUrl` option, else env `SUPABASE_API_URL`, else
 *   `https://api.supabase.com`.
 * - Every call goes through {@link SUPABASE_ENDPOINTS} (method + path template), so the list of
 *   endpoints the provider can call is data that tests check against the OpenAPI document.
 * - Per-request timeout (`AbortSignal.timeout`), retries with exponential backoff + jitter on 429
 *   (always) and on 5xx / network errors / timeouts (idempotent calls only), honouring
 *   `Retry-After` (seconds or HTTP date), bounded by `maxAttempts`.
 * - Errors ({@link SupabaseApiError}) name the project, the call, the HTTP status and the API's
 *   message. The token and every registered secret are replaced by `[secret]` in every error and
 *   log line.
 */

import { type RetryDefaults, type RetryOptions, type RetryPolicy, fetchWithRetry, parseRetryAfter, redactSecrets, retryPolicy } from "../../shared/http-retry";

export { parseRetryAfter };

/** Default Management API base URL. */
export const DEFAULT_SUPABASE_API_URL = "https://api.supabase.com";
/** The config key the access token is read from (used in the fix of a 401 error). */
export const ACCESS_TOKEN_CONFIG_KEY = "promptandpause:supabaseAccessToken";

type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One endpoint of the Management API the provider uses. */
export interface EndpointSpec {
  readonly method: HttpMethod;
  /** Path template exactly as in the OpenAPI document, e.g. `/v1/projects/{ref}`. */
  readonly path: string;
  /** Safe to repeat after a 5xx, a timeout or a network error (the request may have been applied). */
  readonly idempotent: boolean;
}

/**
 * Every call the provider makes. Tests assert each one exists in the OpenAPI document with that
 * method; the client refuses to call anything else.
 */
export const SUPABASE_ENDPOINTS = {
  createProject: { method: "POST", path: "/v1/projects", idempotent: false },
  getProject: { method: "GET", path: "/v1/projects/{ref}", idempotent: true },
  updateProject: { method: "PATCH", path: "/v1/projects/{ref}", idempotent: true },
  deleteProject: { method: "DELETE", path: "/v1/projects/{ref}", idempotent: true },
  getApiKeys: { method: "GET", path: "/v1/projects/{ref}/api-keys", idempotent: true },
  updateDatabasePassword: { method: "PATCH", path: "/v1/projects/{ref}/database/password", idempotent: true },
  listAddons: { method: "GET", path: "/v1/projects/{ref}/billing/addons", idempotent: true },
  applyAddon: { method: "PATCH", path: "/v1/projects/{ref}/billing/addons", idempotent: true },
  removeAddon: { method: "DELETE", path: "/v1/projects/{ref}/billing/addons/{addon_variant}", idempotent: true },
  getPoolerConfig: { method: "GET", path: "/v1/projects/{ref}/config/database/pooler", idempotent: true },
  updatePoolerConfig: { method: "PATCH", path: "/v1/projects/{ref}/config/database/pooler", idempotent: true },
  getPostgresConfig: { method: "GET", path: "/v1/projects/{ref}/config/database/postgres", idempotent: true },
  updatePostgresConfig: { method: "PUT", path: "/v1/projects/{ref}/config/database/postgres", idempotent: true },
  getAuthConfig: { method: "GET", path: "/v1/projects/{ref}/config/auth", idempotent: true },
  updateAuthConfig: { method: "PATCH", path: "/v1/projects/{ref}/config/auth", idempotent: true },
  getStorageConfig: { method: "GET", path: "/v1/projects/{ref}/config/storage", idempotent: true },
  updateStorageConfig: { method: "PATCH", path: "/v1/projects/{ref}/config/storage", idempotent: true },
  getSslEnforcement: { method: "GET", path: "/v1/projects/{ref}/ssl-enforcement", idempotent: true },
  updateSslEnforcement: { method: "PUT", path: "/v1/projects/{ref}/ssl-enforcement", idempotent: true },
  getNetworkRestrictions: { method: "GET", path: "/v1/projects/{ref}/network-restrictions", idempotent: true },
  applyNetworkRestrictions: { method: "POST", path: "/v1/projects/{ref}/network-restrictions/apply", idempotent: true },
  getBackupSchedule: { method: "GET", path: "/v1/projects/{ref}/database/backups/schedule", idempotent: true },
  updateBackupSchedule: { method: "PATCH", path: "/v1/projects/{ref}/database/backups/schedule", idempotent: true },
  /** Lists the organization's projects with their databases (primary + read replicas). */
  listOrganizationProjects: { method: "GET", path: "/v1/organizations/{slug}/projects", idempotent: true },
  /** Starts a read replica; answers 201 with no body. Not retried after a 5xx (it may have started one). */
  setupReadReplica: { method: "POST", path: "/v1/projects/{ref}/read-replicas/setup", idempotent: false },
  /** Removes one read replica by `database_identifier`; repeating it for the same replica is harmless. */
  removeReadReplica: { method: "POST", path: "/v1/projects/{ref}/read-replicas/remove", idempotent: true },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof SUPABASE_ENDPOINTS;

/** Retry defaults of {@link SupabaseClient} (see {@link RetryOptions}). */
export const SUPABASE_RETRY_DEFAULTS: RetryDefaults = { timeoutMs: 30_000, maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Options of {@link SupabaseClient}. Timeout and retries ({@link RetryOptions}): @default
 * {@link SUPABASE_RETRY_DEFAULTS} (30000 ms per request, 5 attempts, backoff from 500 ms capped at
 * 30000 ms), no logging, real sleep and Math.random.
 */
export interface SupabaseClientOptions extends RetryOptions {
  /** Management API access token (personal access token). Never logged, never in an error. */
  accessToken: string;
  /** Base URL. @default env `SUPABASE_API_URL`, else `https://api.supabase.com` */
  baseUrl?: string;
  /** Further values that must never appear in errors or logs (db password, SMTP password, keys). @default none */
  secrets?: readonly (string | undefined)[];
}

/**
 * The fields of a project the provider reads: `GET /v1/projects/{ref}` (V1ProjectWithDatabaseResponse,
 * with `database`) and `POST /v1/projects` (V1ProjectResponse, without it).
 */
export interface ProjectResponse {
  ref: string;
  name: string;
  region: string;
  organization_slug: string;
  status: string;
  /** Present on GET, absent in the create response. */
  database?: { host: string; version: string };
}

/** The inputs every Supabase resource carries to reach the Management API. */
export interface ManagementApiInputs {
  /** Management API access token. */
  accessToken: string;
  /** Base URL. @default env `SUPABASE_API_URL`, else `https://api.supabase.com` */
  apiBaseUrl?: string;
  /** Per-request timeout in ms. @default 30000 ({@link SUPABASE_RETRY_DEFAULTS}) */
  requestTimeoutMs?: number;
  /** Attempts per call, including the first. @default 5 ({@link SUPABASE_RETRY_DEFAULTS}) */
  maxAttempts?: number;
}

/**
 * The one way the Supabase providers build their client. `inputs.accessToken` authenticates; the
 * previous token (`olds.accessToken`, different after a token rotation) and every extra secret are
 * redacted from errors and logs along with it.
 * @param inputs the resource's inputs (news on create/update, the state on read/delete)
 * @param olds the previous state on update, whose token is redacted too; `undefined` elsewhere
 * @param extraSecrets further values never to show (db password, SMTP password, API keys); `undefined` entries are ignored. @default none
 */
export function managementClient(
  inputs: ManagementApiInputs,
  olds: Partial<Pick<ManagementApiInputs, "accessToken">> | undefined,
  ...extraSecrets: (string | undefined)[]
): SupabaseClient {
  return new SupabaseClient({
    accessToken: inputs.accessToken,
    baseUrl: inputs.apiBaseUrl,
    timeoutMs: inputs.requestTimeoutMs,
    maxAttempts: inputs.maxAttempts,
    secrets: [olds?.accessToken, ...extraSecrets],
  });
}

/** What an error message says about the project a call was for. */
export interface ProjectContext {
  ref?: string;
  name?: string;
}

/** Arguments of one call. */
export interface CallOptions {
  /** Path parameters, e.g. `{ ref: "abcdefghijklmnopqrst" }`. */
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** Names the project in errors (defaults to `params.ref`). */
  project?: ProjectContext;
}

/** A failed Management API call. The message never contains the token or a registered secret. */
export class SupabaseApiError extends Error {
  /** HTTP status, or undefined for a timeout / network error. */
  readonly status: number | undefined;
  /** `METHOD /path/{template}`. */
  readonly endpoint: string;
  readonly projectRef: string | undefined;
  readonly projectName: string | undefined;
  /** The API's own message (redacted). */
  readonly apiMessage: string | undefined;
  readonly attempts: number;
  constructor(init: {
    message: string;
    status: number | undefined;
    endpoint: string;
    project: ProjectContext;
    apiMessage: string | undefined;
    attempts: number;
  }) {
    super(init.message);
    this.name = "SupabaseApiError";
    this.status = init.status;
    this.endpoint = init.endpoint;
    this.projectRef = init.project.ref;
    this.projectName = init.project.name;
    this.apiMessage = init.apiMessage;
    this.attempts = init.attempts;
  }
}

/** True for a SupabaseApiError, also across module copies. */
export function isSupabaseApiError(err: unknown): err is SupabaseApiError {
  return err instanceof Error && err.name === "SupabaseApiError" && "endpoint" in err;
}

/** Replaces every occurrence of each secret (4+ characters), also URL-encoded, by `[secret]`. */
export const redact = redactSecrets;

function describeProject(project: ProjectContext): string {
  if (project.name && project.ref) return `project "${project.name}" (ref ${project.ref})`;
  if (project.ref) return `project ref ${project.ref}`;
  if (project.name) return `project "${project.name}"`;
  return "no project";
}

function extractApiMessage(text: string): string | undefined {
  if (text.trim() === "") return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of ["message", "msg", "error_description", "error"]) {
      const v = json[key];
      if (typeof v === "string" && v.trim() !== "") return v.slice(0, 500);
    }
    return JSON.stringify(json).slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}

/** Client for the Supabase Management API v1. */
export class SupabaseClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  private readonly token: string;
  private readonly secrets: string[];
  private readonly retry: RetryPolicy;

  constructor(options: SupabaseClientOptions) {
    if (typeof options.accessToken !== "string" || options.accessToken.trim() === "") {
      throw new Error(
        `Supabase access token is missing (got nothing). Set it with: pulumi config set --secret ${ACCESS_TOKEN_CONFIG_KEY} <token>`,
      );
    }
    this.token = options.accessToken;
    const base = options.baseUrl ?? process.env.SUPABASE_API_URL ?? DEFAULT_SUPABASE_API_URL;
    this.baseUrl = base.replace(/\/+$/, "");
    this.retry = retryPolicy(options, SUPABASE_RETRY_DEFAULTS);
    this.timeoutMs = this.retry.timeoutMs;
    this.maxAttempts = this.retry.maxAttempts;
    this.secrets = [this.token, ...(options.secrets ?? []).filter((s): s is string => typeof s === "string")];
  }

  /** Adds values that must be redacted from errors and logs from now on. */
  addSecrets(...values: (string | undefined)[]): void {
    for (const v of values) if (typeof v === "string" && v.length > 0) this.secrets.push(v);
  }

  /** Redacts the token and registered secrets from `text`. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  private fail(
    spec: EndpointSpec,
    project: ProjectContext,
    status: number | undefined,
    apiMessage: string | undefined,
    attempts: number,
    detail?: string,
  ): SupabaseApiError {
    const endpoint = `${spec.method} ${spec.path}`;
    const who = describeProject(project);
    const api = apiMessage ? `: ${apiMessage}` : "";
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    let message: string;
    if (status === 401) {
      message =
        `Supabase access token rejected (HTTP 401) on ${endpoint} for ${who}${api}. ` +
        `The token is missing, expired or revoked. Create one at https://supabase.com/dashboard/account/tokens and set it with: ` +
        `pulumi config set --secret ${ACCESS_TOKEN_CONFIG_KEY} <token>`;
    } else if (status === 403) {
      message = `Supabase denied ${endpoint} for ${who} (HTTP 403)${api}. The token's account lacks permission on this project or organization (or the plan does not include the feature).`;
    } else if (status === 404 && project.ref) {
      message =
        `Supabase ${who} not found (HTTP 404) on ${endpoint}${api}. ` +
        `It was deleted outside Pulumi, the ref is wrong, or the token's account cannot see it.`;
    } else if (status === undefined) {
      message = `Supabase API ${endpoint} for ${who} failed${tries}: ${detail ?? "network error"}.`;
    } else {
      message = `Supabase API ${endpoint} for ${who} failed with HTTP ${status}${tries}${api}.`;
    }
    return new SupabaseApiError({
      message: this.redact(message),
      status,
      endpoint,
      project,
      apiMessage: apiMessage === undefined ? undefined : this.redact(apiMessage),
      attempts,
    });
  }

  private url(spec: EndpointSpec, options: CallOptions): string {
    const path = spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = options.params?.[name];
      if (value === undefined || value === "") {
        throw new Error(`Supabase client: path parameter "${name}" missing for ${spec.method} ${spec.path}`);
      }
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) query.set(k, String(v));
    const qs = query.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /** Calls one endpoint of {@link SUPABASE_ENDPOINTS}; returns the parsed JSON body (undefined when empty). */
  async call<T = unknown>(name: EndpointName, options: CallOptions = {}): Promise<T> {
    const spec: EndpointSpec | undefined = SUPABASE_ENDPOINTS[name];
    if (!spec) throw new Error(`Supabase client: unknown endpoint "${String(name)}"`);
    const project: ProjectContext = { ref: options.project?.ref ?? options.params?.ref, name: options.project?.name };
    const url = this.url(spec, options);
    const endpoint = `${spec.method} ${spec.path}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }

    // 429 always retried; 5xx, timeouts and network errors only for calls safe to repeat
    const result = await fetchWithRetry(
      { url, method: spec.method, headers, body, label: `Supabase ${endpoint} for ${describeProject(project)}`, idempotent: spec.idempotent },
      this.retry,
      (text) => this.redact(text),
    );
    if (result.status === undefined) throw this.fail(spec, project, undefined, undefined, result.attempts, result.detail);
    if (!result.ok) throw this.fail(spec, project, result.status, extractApiMessage(result.text), result.attempts);
    if (result.text.trim() === "") return undefined as T;
    try {
      return JSON.parse(result.text) as T;
    } catch {
      return result.text as T;
    }
  }
}
