import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StripeClient, formEncode, isStripeApiError } from "../../components/app/stripe/client";
import { stripeWebhookEndpointProvider as provider } from "../../components/app/stripe/webhook-endpoint";
import { checkInputs, createEndpoint, diffInputs, type WebhookEndpointInputs, type WebhookEndpointOutputs } from "../../components/app/stripe/webhook-endpoint-ops";
import { parseStripeForm, StripeApiServer } from "../helpers/stripe-api-server";

// A fake key shaped like a test key; the local server accepts only this one.
const KEY = "sk_test_localserverkey0000000000";
const server = new StripeApiServer(KEY);

const inputs = (overrides: Partial<WebhookEndpointInputs> = {}): WebhookEndpointInputs => ({
  apiKey: KEY,
  url: "https://promptandpause-staging.com/api/webhooks/stripe",
  enabledEvents: ["checkout.session.completed", "invoice.paid"],
  description: "staging webhook",
  metadata: { project: "promptandpause-staging", "managed-by": "pulumi" },
  ...overrides,
});

async function create(i: WebhookEndpointInputs): Promise<{ id: string; outs: WebhookEndpointOutputs }> {
  if (!provider.create) throw new Error("provider has no create");
  return (await provider.create(i)) as { id: string; outs: WebhookEndpointOutputs };
}

beforeAll(async () => {
  process.env.STRIPE_API_URL = await server.start();
});
afterAll(async () => {
  await server.stop();
  delete process.env.STRIPE_API_URL;
});
beforeEach(() => {
  server.requests.length = 0;
  server.endpoints.clear();
});

describe("Stripe webhook endpoint dynamic provider against a local Stripe API", () => {
  it("creates the endpoint with Stripe's form encoding and keeps the signing secret only Stripe's create returns", async () => {
    const { id, outs } = (await create(inputs()));
    expect(id).toMatch(/^we_/);
    expect(outs.secret).toMatch(/^whsec_/);
    expect(outs.endpointId).toBe(id);
    const req = server.requests[0];
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/v1/webhook_endpoints");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(req?.body).toContain("enabled_events%5B0%5D=checkout.session.completed");
    expect(req?.body).toContain("metadata%5Bmanaged-by%5D=pulumi");
    expect(req?.form).not.toHaveProperty("api_version");
    expect(server.endpoints.get(id)?.enabled_events).toEqual(["checkout.session.completed", "invoice.paid"]);
  });

  it("read carries the secret over (GET never returns it) and reflects drift", async () => {
    const { id, outs } = (await create(inputs()));
    (server.endpoints.get(id) as { url: string }).url = "https://changed.example.com/hook";
    const read = await provider.read?.(id, outs);
    expect(read?.props?.secret).toBe(outs.secret);
    expect(read?.props?.url).toBe("https://changed.example.com/hook");
  });

  it("update sends only updatable params, unsets removed metadata keys and keeps the secret", async () => {
    const { id, outs } = (await create(inputs({ apiVersion: "2025-06-30.basil" })));
    const news = inputs({ apiVersion: "2025-06-30.basil", enabledEvents: ["invoice.paid", "invoice.payment_failed"], metadata: { "managed-by": "pulumi" } });
    const result = await provider.update?.(id, outs, news);
    const req = server.requests.at(-1);
    expect(req?.path).toBe(`/v1/webhook_endpoints/${id}`);
    expect(req?.form).not.toHaveProperty("api_version");
    expect(req?.form.metadata).toEqual({ "managed-by": "pulumi", project: "" });
    expect(server.endpoints.get(id)?.metadata).toEqual({ "managed-by": "pulumi" });
    expect(server.endpoints.get(id)?.enabled_events).toEqual(["invoice.paid", "invoice.payment_failed"]);
    expect(result?.outs?.secret).toBe(outs.secret);
  });

  it("delete removes the endpoint, and an endpoint already gone counts as deleted", async () => {
    const { id, outs } = (await create(inputs()));
    await provider.delete?.(id, outs);
    expect(server.endpoints.has(id)).toBe(false);
    await expect(provider.delete?.(id, outs)).resolves.toBeUndefined();
  });

  it("check refuses '*', http URLs and publishable keys before any API call", async () => {
    const result = await provider.check?.({}, inputs({ enabledEvents: ["*"], url: "http://x.example.com/hook", apiKey: "pk_test_abc" }));
    expect(result?.failures?.map((f) => f.property).sort()).toEqual(["apiKey", "enabledEvents", "url"]);
    expect(server.requests).toHaveLength(0);
  });
});

describe("diff", () => {
  const olds = { ...inputs({ apiVersion: "2025-06-30.basil" }), endpointId: "we_1", secret: "whsec_x", status: "enabled", livemode: false } as WebhookEndpointOutputs;
  it.each([
    ["same events in another order", inputs({ apiVersion: "2025-06-30.basil", enabledEvents: ["invoice.paid", "checkout.session.completed"] }), false, []],
    ["a new event", inputs({ apiVersion: "2025-06-30.basil", enabledEvents: ["invoice.paid"] }), true, []],
    ["a rotated key of the same mode", inputs({ apiVersion: "2025-06-30.basil", apiKey: "sk_test_rotated" }), true, []],
    ["a live key instead of a test key", inputs({ apiVersion: "2025-06-30.basil", apiKey: "sk_live_abc" }), true, ["apiKey"]],
    ["another API version (create-only in Stripe)", inputs({ apiVersion: "2024-06-20" }), true, ["apiVersion"]],
  ])("%s", (_label, news, changes, replaces) => {
    const diff = diffInputs(olds, news);
    expect(diff.changes).toBe(changes);
    expect(diff.replaces).toEqual(replaces);
  });
});

describe("client", () => {
  const noSleep: number[] = [];
  const client = () => new StripeClient({ apiKey: KEY, sleep: async (ms) => void noSleep.push(ms), random: () => 0.5 });

  it("retries a create after 500s with the same idempotency key, creating exactly one endpoint", async () => {
    server.failNext(500, 2);
    const { id } = await createEndpoint(inputs(), { sleep: async () => {}, random: () => 0 });
    expect(server.endpoints.size).toBe(1);
    const keys = server.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(id).toMatch(/^we_/);
  });

  it("honours Retry-After on 429", async () => {
    noSleep.length = 0;
    server.failNext(429, 1, { "retry-after": "2" });
    await client().createWebhookEndpoint({ url: "https://a.example.com/h", enabled_events: ["invoice.paid"] }, "idem-429");
    expect(noSleep).toEqual([2000]);
  });

  it("a wrong key fails with the config key to fix and without the key itself", async () => {
    const bad = new StripeClient({ apiKey: "sk_test_wrongwrongwrong", maxAttempts: 1 });
    const err = await bad.retrieveWebhookEndpoint("we_1").catch((e: unknown) => e);
    expect(isStripeApiError(err)).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain("HTTP 401");
    expect(message).toContain("pulumi config set --secret promptandpause:stripeSecretKey");
    expect(message).not.toContain("sk_test_wrongwrongwrong");
  });

  it("a missing endpoint is a 404 that names the id", async () => {
    const err = (await client().retrieveWebhookEndpoint("we_missing").catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("webhook endpoint we_missing not found (HTTP 404)");
  });

  it("form encoding round-trips through the server's parser", () => {
    const encoded = formEncode({ url: "https://a/b?c=d", enabled_events: ["a.b", "c.d"], metadata: { k: "v w" }, skip: undefined });
    expect(parseStripeForm(encoded)).toEqual({ url: "https://a/b?c=d", enabled_events: ["a.b", "c.d"], metadata: { k: "v w" } });
  });

  it("checkInputs accepts the app's real inputs", () => {
    expect(checkInputs(inputs())).toEqual([]);
  });
});
