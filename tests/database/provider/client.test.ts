import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SupabaseApiError, SupabaseClient, parseRetryAfter, redact } from "../../../components/database/supabase/client";
import { type SupabaseApiServer, startSupabaseApiServer } from "../../helpers/supabase-api-server";
import { DB_PASSWORD, TOKEN, leakedSecrets } from "./fixtures";

let server: SupabaseApiServer;
let ref: string;
const logs: string[] = [];
const delays: number[] = [];

function client(overrides: Partial<ConstructorParameters<typeof SupabaseClient>[0]> = {}) {
  return new SupabaseClient({
    accessToken: TOKEN,
    baseUrl: server.url,
    secrets: [DB_PASSWORD],
    maxAttempts: 3,
    timeoutMs: 1_000,
    log: (l) => logs.push(l),
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

async function errorOf(p: Promise<unknown>): Promise<SupabaseApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SupabaseApiError);
    return err as SupabaseApiError;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  server = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 0 });
  const created = await client().call<{ ref: string }>("createProject", {
    body: { name: "pp-client", organization_slug: "prompt-and-pause", db_pass: DB_PASSWORD, region_selection: { type: "specific", code: "eu-west-2" } },
  });
  ref = created.ref;
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  expect(server.invalid).toEqual([]);
  expect(leakedSecrets(logs)).toEqual([]);
  logs.length = 0;
  delays.length = 0;
});

describe("SupabaseClient", () => {
  it("sends the bearer token and parses JSON", async () => {
    const p = await client().call<{ ref: string; status: string }>("getProject", { params: { ref } });
    expect(p.ref).toBe(ref);
    expect(server.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("uses SUPABASE_API_URL when no base URL is given, else api.supabase.com", () => {
    const saved = process.env.SUPABASE_API_URL;
    try {
      process.env.SUPABASE_API_URL = "http://127.0.0.1:9/";
      expect(new SupabaseClient({ accessToken: TOKEN }).baseUrl).toBe("http://127.0.0.1:9");
      delete process.env.SUPABASE_API_URL;
      expect(new SupabaseClient({ accessToken: TOKEN }).baseUrl).toBe("https://api.supabase.com");
    } finally {
      if (saved === undefined) delete process.env.SUPABASE_API_URL;
      else process.env.SUPABASE_API_URL = saved;
    }
  });

  it("401: says the token was rejected and how to set a new one, without the token", async () => {
    const err = await errorOf(new SupabaseClient({ accessToken: "sbp_wrong_token_abcdef", baseUrl: server.url }).call("getProject", { params: { ref } }));
    expect(err.status).toBe(401);
    expect(err.message).toContain("access token rejected");
    expect(err.message).toContain("GET /v1/projects/{ref}");
    expect(err.message).toContain("pulumi config set --secret promptandpause:supabaseAccessToken");
    expect(err.message).not.toContain("sbp_wrong_token_abcdef");
  });

  it("404: names the missing project and the call", async () => {
    const err = await errorOf(client().call("getProject", { params: { ref: "zzzzzzzzzzzzzzzzzzzz" }, project: { name: "pp-gone" } }));
    expect(err.status).toBe(404);
    expect(err.message).toContain('project "pp-gone" (ref zzzzzzzzzzzzzzzzzzzz) not found');
    expect(err.message).toContain("GET /v1/projects/{ref}");
    expect(err.message).toContain("Project not found");
  });

  it("429 with Retry-After (seconds) waits that long, then succeeds", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}", status: 429, headers: { "Retry-After": "7" }, times: 1 });
    const p = await client().call<{ ref: string }>("getProject", { params: { ref } });
    expect(p.ref).toBe(ref);
    expect(delays).toEqual([7000]);
    expect(logs.join("\n")).toMatch(/HTTP 429; retrying in 7000 ms \(Retry-After\) \(attempt 2 of 3\)/);
  });

  it("500 is retried with exponential backoff and jitter, then succeeds", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}", status: 500, times: 2 });
    await client({ baseDelayMs: 100 }).call("getProject", { params: { ref } });
    // equal jitter with random 0.5: 0.75 of 100, then 0.75 of 200
    expect(delays).toEqual([75, 150]);
  });

  it("500 on every attempt: the error names the call, status, attempts and API message", async () => {
    server.inject({ operation: "PATCH /v1/projects/{ref}/config/auth", status: 503, body: { message: "auth service unavailable" }, times: 3 });
    const err = await errorOf(client().call("updateAuthConfig", { params: { ref }, body: { jwt_exp: 3600 }, project: { name: "pp-client" } }));
    expect(err.message).toBe(
      `Supabase API PATCH /v1/projects/{ref}/config/auth for project "pp-client" (ref ${ref}) failed with HTTP 503 after 3 attempts: auth service unavailable.`,
    );
    expect(err.attempts).toBe(3);
  });

  it("does not retry a non-idempotent create on 500 (it could create the project twice)", async () => {
    server.inject({ operation: "POST /v1/projects", status: 500, times: 1 });
    const before = server.requests.length;
    const err = await errorOf(
      client().call("createProject", {
        body: { name: "pp-x", organization_slug: "prompt-and-pause", db_pass: DB_PASSWORD, region_selection: { type: "specific", code: "eu-west-2" } },
      }),
    );
    expect(err.status).toBe(500);
    expect(server.requests.length - before).toBe(1);
  });

  it("times out a request that gets no answer, retries, then reports the timeout", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}/config/storage", delayMs: 1_000, times: 2 });
    const started = Date.now();
    const err = await errorOf(client({ timeoutMs: 150, maxAttempts: 2 }).call("getStorageConfig", { params: { ref } }));
    expect(err.status).toBeUndefined();
    expect(err.message).toContain("no response within 150 ms (request timeout)");
    expect(err.message).toContain("GET /v1/projects/{ref}/config/storage");
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("never puts the token or a registered secret into an error, even when the API echoes them", async () => {
    server.inject({ operation: "PATCH /v1/projects/{ref}/database/password", status: 422, body: { message: `password ${DB_PASSWORD} rejected for Bearer ${TOKEN}` } });
    const err = await errorOf(client().call("updateDatabasePassword", { params: { ref }, body: { password: DB_PASSWORD } }));
    expect(err.message).toContain("password [secret] rejected for Bearer [secret]");
    expect(leakedSecrets([err.message, String(err.stack), JSON.stringify(err), err.apiMessage ?? ""])).toEqual([]);
  });

  it("redacts secrets from retry log lines", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}", status: 502, times: 1 });
    await client({ secrets: [DB_PASSWORD, ref] }).call("getProject", { params: { ref } });
    expect(logs.length).toBe(1);
    expect(logs[0]).toContain("[secret]");
    expect(logs[0]).not.toContain(ref);
  });

  it("refuses a missing token with the fix", () => {
    expect(() => new SupabaseClient({ accessToken: "" })).toThrow("pulumi config set --secret promptandpause:supabaseAccessToken");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    ["3", 3000],
    ["0", 0],
    ["1.5", 1500],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10_000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("Retry-After %j -> %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("redact", () => {
  it.each([
    [`token ${TOKEN}`, [TOKEN], "token [secret]"],
    [`url-encoded ${encodeURIComponent("p@ss word!")}`, ["p@ss word!"], "url-encoded [secret]"],
    ["short abc stays", ["abc"], "short abc stays"],
  ])("%j", (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});
