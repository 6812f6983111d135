/**
 * Transport mechanics shared by the dynamic providers' HTTP clients (Supabase Management API,
 * components/database/supabase/client.ts; Stripe, components/app/stripe/client.ts): per-request
 * timeout, bounded attempts, exponential backoff with equal jitter and a cap, retries on 429 and
 * (for requests safe to repeat) 5xx / network errors / timeouts, `Retry-After` honoured, redacted
 * retry log lines, injectable sleep/random for tests.
 *
 * The clients keep what is API-specific: auth header, body encoding, endpoint tables, which calls
 * are safe to repeat, how a response body is parsed and how a failure becomes an error message.
 *
 * Runs inside the Pulumi dynamic-provider process, where the clients are loaded at run time (see
 * components/shared/dynamic-module.ts). It must therefore import nothing but Node built-ins.
 */

/** Retry and timeout options a client accepts (each client documents its own defaults). */
export interface RetryOptions {
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Attempts per call, including the first one (at least 1). */
  maxAttempts?: number;
  /** First backoff delay in milliseconds (doubles each retry, with jitter). */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay, also caps `Retry-After`. */
  maxDelayMs?: number;
  /** Receives one line per retry. Lines are redacted before they reach it. @default no logging */
  log?: (line: string) => void;
  /** Replaceable for tests. @default setTimeout-based sleep */
  sleep?: (ms: number) => Promise<void>;
  /** Replaceable for tests. @default Math.random */
  random?: () => number;
}

/** {@link RetryOptions} with every value filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** Defaults that differ between clients. */
export interface RetryDefaults {
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Fills in `options` from `defaults`; `maxAttempts` is at least 1. */
export function retryPolicy(options: RetryOptions, defaults: RetryDefaults): RetryPolicy {
  return {
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxAttempts: Math.max(1, options.maxAttempts ?? defaults.maxAttempts),
    baseDelayMs: options.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? defaults.maxDelayMs,
    log: options.log ?? (() => {}),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
}

/** Replaces every occurrence of each secret (4+ characters), and of its URL-encoded form, by `[secret]`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const sorted = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    out = out.split(secret).join("[secret]");
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join("[secret]");
  }
  return out;
}

/**
 * Parses `Retry-After` (delta-seconds or HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before attempt `attempt + 1`: `Retry-After` when given (capped at `maxDelayMs`), else
 * exponential from `baseDelayMs` (capped at `maxDelayMs`) with equal jitter (half fixed, half random).
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * policy.random());
}

/** One HTTP request for {@link fetchWithRetry}. */
export interface RetryingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Starts every retry log line, e.g. `Supabase GET /v1/projects/{ref} for project ref abc`. */
  label: string;
  /**
   * Safe to repeat after a 5xx, a timeout or a network error (the request may have been applied).
   * A 429 is always retried: the request was refused, not processed.
   */
  idempotent: boolean;
}

/** What {@link fetchWithRetry} ends with, after the last attempt it made. */
export type RetryingResult =
  /** A response: 2xx (`ok`), or an error status not retried or out of attempts. */
  | { ok: boolean; status: number; text: string; attempts: number }
  /** No response: network error or timeout (`detail` says which). */
  | { ok: false; status: undefined; detail: string; attempts: number };

/**
 * Sends `request` until it gets a response that is not retried or runs out of attempts. Each
 * attempt has its own timeout. Retry log lines go through `redact` before reaching `policy.log`.
 * Never throws for HTTP or network failures: the caller turns the result into its own error.
 */
export async function fetchWithRetry(request: RetryingRequest, policy: RetryPolicy, redact: (text: string) => string): Promise<RetryingResult> {
  const { url, method, headers, body, label, idempotent } = request;
  const retry = async (attempt: number, retryAfterMs: number | undefined, what: string): Promise<void> => {
    const delay = backoffDelay(attempt, retryAfterMs, policy);
    const why = retryAfterMs !== undefined ? " (Retry-After)" : "";
    policy.log(redact(`${label}${what}; retrying in ${delay} ms${why} (attempt ${attempt + 1} of ${policy.maxAttempts})`));
    await policy.sleep(delay);
  };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (err) {
      const isTimeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      const detail = isTimeout
        ? `no response within ${policy.timeoutMs} ms (request timeout)`
        : `network error: ${err instanceof Error ? err.message : String(err)}`;
      if (idempotent && attempt < policy.maxAttempts) {
        await retry(attempt, undefined, `: ${detail}`);
        continue;
      }
      return { ok: false, status: undefined, detail, attempts: attempt };
    }
    const text = await response.text();
    const status = response.status;
    const retryable = !response.ok && (status === 429 || (status >= 500 && idempotent));
    if (retryable && attempt < policy.maxAttempts) {
      await retry(attempt, parseRetryAfter(response.headers.get("retry-after")), ` returned HTTP ${status}`);
      continue;
    }
    return { ok: response.ok, status, text, attempts: attempt };
  }
}
