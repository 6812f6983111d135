/**
 * The Stripe webhook endpoint's create / read / diff / update / delete, run by the dynamic
 * provider (loaded at run time through `runtime.ts`, so: Node built-ins and `./client` only).
 *
 * Stripe returns the signing secret (`whsec_…`) only in the create response; it is kept in the
 * resource's outputs (a Pulumi secret) and carried over by read and update. Changing the API
 * version (create-only in Stripe) or moving between test and live keys replaces the endpoint.
 */
import { randomUUID } from "node:crypto";
import { StripeClient, type StripeClientOptions, type StripeWebhookEndpointObject } from "./client";

/** Inputs of the dynamic resource, resolved. */
export interface WebhookEndpointInputs {
  /** Stripe secret key (a Pulumi secret). */
  apiKey: string;
  /** HTTPS URL of the app's webhook route. */
  url: string;
  /** Event types sent to the endpoint. */
  enabledEvents: string[];
  description: string;
  /** API version the events are rendered in; create-only. */
  apiVersion?: string;
  metadata: Record<string, string>;
}

/** Outputs: the inputs plus what Stripe assigned. */
export interface WebhookEndpointOutputs extends WebhookEndpointInputs {
  endpointId: string;
  /** Signing secret (`whsec_…`), only ever returned by create. */
  secret: string;
  status: string;
  livemode: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** "live", "test" or "unknown" from the key's prefix (never returns the key). */
export function keyMode(apiKey: string | undefined): "live" | "test" | "unknown" {
  if (typeof apiKey !== "string") return "unknown";
  if (/^(sk|rk)_live_/.test(apiKey)) return "live";
  if (/^(sk|rk)_test_/.test(apiKey)) return "test";
  return "unknown";
}

/** Input validation, run before any API call. */
export function checkInputs(news: Partial<WebhookEndpointInputs>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (typeof news.apiKey !== "string" || news.apiKey === "") failures.push({ property: "apiKey", reason: "Stripe secret key is missing; set promptandpause:stripeSecretKey as a secret" });
  else if (keyMode(news.apiKey) === "unknown") failures.push({ property: "apiKey", reason: "must be a Stripe secret (sk_…) or restricted (rk_…) key; a publishable key (pk_…) cannot manage webhooks" });
  let url: URL | undefined;
  try {
    url = new URL(String(news.url));
  } catch {
    failures.push({ property: "url", reason: `must be an absolute https:// URL (got ${JSON.stringify(news.url)})` });
  }
  if (url && url.protocol !== "https:") failures.push({ property: "url", reason: `Stripe only sends live events to https:// URLs (got ${JSON.stringify(news.url)})` });
  if (!Array.isArray(news.enabledEvents) || news.enabledEvents.length === 0) failures.push({ property: "enabledEvents", reason: "must list at least one event type" });
  else if (news.enabledEvents.includes("*")) failures.push({ property: "enabledEvents", reason: "must list the events the app handles; '*' sends every event (least privilege)" });
  return failures;
}

function sameSet(a: readonly string[] = [], b: readonly string[] = []): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}

function sameRecord(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** What changed; API-version or key-mode changes replace the endpoint. */
export function diffInputs(olds: WebhookEndpointOutputs, news: WebhookEndpointInputs): DiffResult {
  const replaces: string[] = [];
  if ((olds.apiVersion ?? "") !== (news.apiVersion ?? "")) replaces.push("apiVersion");
  if (keyMode(olds.apiKey) !== keyMode(news.apiKey)) replaces.push("apiKey");
  const changed =
    replaces.length > 0 ||
    olds.url !== news.url ||
    !sameSet(olds.enabledEvents, news.enabledEvents) ||
    (olds.description ?? "") !== (news.description ?? "") ||
    !sameRecord(olds.metadata, news.metadata) ||
    olds.apiKey !== news.apiKey;
  return { changes: changed, replaces, deleteBeforeReplace: false };
}

function client(apiKey: string, options: Partial<StripeClientOptions> = {}): StripeClient {
  return new StripeClient({ ...options, apiKey });
}

function toOutputs(inputs: WebhookEndpointInputs, endpoint: StripeWebhookEndpointObject, secret: string): WebhookEndpointOutputs {
  return {
    ...inputs,
    url: endpoint.url,
    enabledEvents: [...endpoint.enabled_events],
    description: endpoint.description ?? "",
    metadata: { ...endpoint.metadata },
    ...(endpoint.api_version ? { apiVersion: endpoint.api_version } : inputs.apiVersion ? { apiVersion: inputs.apiVersion } : {}),
    endpointId: endpoint.id,
    secret,
    status: endpoint.status,
    livemode: endpoint.livemode,
  };
}

/** POST /v1/webhook_endpoints; keeps the signing secret from the response. */
export async function createEndpoint(inputs: WebhookEndpointInputs, options?: Partial<StripeClientOptions>): Promise<{ id: string; outs: WebhookEndpointOutputs }> {
  const created = await client(inputs.apiKey, options).createWebhookEndpoint(
    {
      url: inputs.url,
      enabled_events: inputs.enabledEvents,
      description: inputs.description,
      ...(inputs.apiVersion ? { api_version: inputs.apiVersion } : {}),
      metadata: inputs.metadata,
    },
    randomUUID(),
  );
  if (typeof created.secret !== "string" || created.secret === "") {
    throw new Error(`Stripe created webhook endpoint ${created.id} but returned no signing secret; delete it in the Stripe dashboard and run pulumi up again.`);
  }
  return { id: created.id, outs: toOutputs(inputs, created, created.secret) };
}

/** GET; the secret is never returned by Stripe after create, so it is carried over. */
export async function readEndpoint(id: string, props: WebhookEndpointOutputs, options?: Partial<StripeClientOptions>): Promise<{ id: string; props: WebhookEndpointOutputs }> {
  const current = await client(props.apiKey, options).retrieveWebhookEndpoint(id);
  return { id, props: toOutputs(props, current, props.secret) };
}

/** POST /v1/webhook_endpoints/{id}; metadata keys that disappeared are unset with "". */
export async function updateEndpoint(id: string, olds: WebhookEndpointOutputs, news: WebhookEndpointInputs, options?: Partial<StripeClientOptions>): Promise<{ outs: WebhookEndpointOutputs }> {
  const metadata: Record<string, string> = { ...news.metadata };
  for (const key of Object.keys(olds.metadata ?? {})) if (!(key in news.metadata)) metadata[key] = "";
  const updated = await client(news.apiKey, options).updateWebhookEndpoint(id, {
    url: news.url,
    enabled_events: news.enabledEvents,
    description: news.description,
    metadata,
  });
  return { outs: toOutputs(news, updated, olds.secret) };
}

/** DELETE; an endpoint already gone (404) counts as deleted. */
export async function deleteEndpoint(id: string, props: WebhookEndpointOutputs, options?: Partial<StripeClientOptions>): Promise<void> {
  try {
    await client(props.apiKey, options).deleteWebhookEndpoint(id);
  } catch (err) {
    if (err instanceof Error && err.name === "StripeApiError" && (err as { status?: number }).status === 404) return;
    throw err;
  }
}
