/**
 * SupabaseProject's provider, called the way the engine calls it (check/diff/create/read/update/
 * delete on the provider object), against the local OpenAPI-validating server.
 */
import { afterEach, describe, expect, it } from "vitest";
import { supabaseProjectProvider as provider } from "../../../components/database/supabase/project";
import { projectApiKeys, startSupabaseApiServer, useSupabaseApiServer } from "../../helpers/supabase-api-server";
import { DB_PASSWORD, TOKEN, leakedSecrets, projectInputs } from "./fixtures";

const server = useSupabaseApiServer({ token: TOKEN, comingUpPolls: 3, postgresVersion: "17.4.1.054" });
const errors: string[] = [];

// biome-ignore lint/suspicious/noExplicitAny: provider methods take untyped property bags
type Bag = any;
const p = provider as Required<typeof provider>;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const text = `${(err as Error).message}\n${(err as Error).stack}`;
    errors.push(text);
    return (err as Error).message;
  }
  throw new Error("expected a failure");
}

afterEach(() => {
  expect(leakedSecrets(errors)).toEqual([]);
});

describe("SupabaseProject provider: create -> wait -> update -> delete", () => {
  let id: string;
  let outs: Bag;

  it("create posts the spec's current fields, polls until ACTIVE_HEALTHY and returns keys, pooler and version", async () => {
    const before = server.requests.length;
    const created = await p.create(projectInputs());
    id = created.id;
    outs = created.outs;
    const ops = server.requests.slice(before).map((r) => r.operation);
    expect(ops[0]).toBe("POST /v1/projects");
    expect(server.requests[before]?.body).toEqual({
      name: "promptandpause-staging",
      organization_slug: "prompt-and-pause",
      db_pass: DB_PASSWORD,
      region_selection: { type: "specific", code: "eu-west-2" },
      desired_instance_size: "micro",
    });
    // COMING_UP for 3 polls, then ACTIVE_HEALTHY on the 4th
    expect(ops.filter((o) => o === "GET /v1/projects/{ref}")).toHaveLength(4);
    expect(id).toMatch(/^[a-z]{20}$/);
    expect(outs).toMatchObject({
      ref: id,
      apiUrl: `https://${id}.supabase.co`,
      status: "ACTIVE_HEALTHY",
      publishableKey: `sb_publishable_${id}`,
      secretKey: `sb_secret_${id}`,
      poolerConnectionString: `postgresql://postgres.${id}:${encodeURIComponent(DB_PASSWORD)}@aws-0-eu-west-2.pooler.supabase.com:6543/postgres`,
      postgresVersion: "17.4.1.054",
      postgresMajor: 17,
    });
    expect(server.requests.find((r) => r.operation === "GET /v1/projects/{ref}/api-keys")?.query).toEqual({ reveal: "true" });
  });

  it("returns the publishable and secret keys (ApiKeyResponse.type), never the legacy anon/service_role JWTs", () => {
    expect(JSON.stringify(outs)).not.toContain("-jwt-");
    expect(Object.keys(outs)).not.toEqual(expect.arrayContaining(["anonKey"]));
    expect(Object.keys(outs)).not.toEqual(expect.arrayContaining(["serviceRoleKey"]));
  });

  it("reports a warning when the actual Postgres major differs from the desired one", () => {
    expect(outs.postgresVersionWarning).toContain("runs PostgreSQL 17 (version 17.4.1.054), but PostgreSQL 15 is desired");
    expect(outs.postgresVersionWarning).toContain("hides postgres_engine");
  });

  it("diff reports no change when nothing changed", async () => {
    expect(await p.diff(id, outs, projectInputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    ["organizationSlug", "other-org", ["organizationSlug"]],
    ["region", "us-east-1", ["region"]],
    ["name", "promptandpause-renamed", []],
    ["dbPassword", "another-password-1234", []],
    ["instanceSize", "small", []],
    ["desiredPostgresMajor", 17, []],
    ["accessToken", "sbp_rotated_token_000", []],
  ])("diff: changing %s -> changes, replaces %j", async (key, value, replaces) => {
    const d = await p.diff(id, outs, projectInputs({ [key]: value }));
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual(replaces);
  });

  it("update renames, changes the password and resizes in place, then waits for the resize", async () => {
    const before = server.requests.length;
    const news = projectInputs({ name: "promptandpause-renamed", dbPassword: "new-db-password-5678", instanceSize: "small", desiredPostgresMajor: 17 });
    const { outs: updated } = await p.update(id, outs, news);
    const reqs = server.requests.slice(before);
    expect(reqs.find((r) => r.operation === "PATCH /v1/projects/{ref}")?.body).toEqual({ name: "promptandpause-renamed" });
    expect(reqs.find((r) => r.operation === "PATCH /v1/projects/{ref}/database/password")?.body).toEqual({ password: "new-db-password-5678" });
    expect(reqs.find((r) => r.operation === "PATCH /v1/projects/{ref}/billing/addons")?.body).toEqual({ addon_type: "compute_instance", addon_variant: "ci_small" });
    // RESIZING once, then healthy
    expect(reqs.filter((r) => r.operation === "GET /v1/projects/{ref}").length).toBeGreaterThanOrEqual(2);
    expect(server.projects.get(id)?.db_pass).toBe("new-db-password-5678");
    expect(updated.name).toBe("promptandpause-renamed");
    expect(updated.poolerConnectionString).toContain(":new-db-password-5678@");
    expect(updated.postgresVersionWarning).toBe("");
    outs = updated;
  });

  it("update that changes only client options (timeouts) makes no write call", async () => {
    const before = server.requests.length;
    await p.update(id, outs, projectInputs({ name: outs.name, dbPassword: outs.dbPassword, instanceSize: "small", desiredPostgresMajor: 17, requestTimeoutMs: 5_000 }));
    const writes = server.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("read returns the live project", async () => {
    const r = await p.read(id, outs);
    expect(r.id).toBe(id);
    expect(r.props).toMatchObject({ name: "promptandpause-renamed", region: "eu-west-2", status: "ACTIVE_HEALTHY" });
  });

  it("delete removes the project; a second delete (already gone) succeeds", async () => {
    await p.delete(id, outs);
    expect(server.projects.has(id)).toBe(false);
    await p.delete(id, outs);
    expect(await p.read(id, outs)).toEqual({});
  });
});

describe("SupabaseProject provider: failures", () => {
  it("check lists every problem at once without echoing the password", async () => {
    const r = await p.check({}, { accessToken: "", organizationSlug: "bad slug!", name: "", region: "", dbPassword: "x" });
    expect(r.failures?.map((f) => f.property)).toEqual(["accessToken", "organizationSlug", "name", "region", "dbPassword"]);
    expect(JSON.stringify(r.failures)).toContain("pulumi config set --secret promptandpause:supabaseAccessToken");
    expect((await p.check({}, projectInputs())).failures).toEqual([]);
  });

  it("polling timeout names the project, the last status and that the project exists", async () => {
    const slow = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 1000 });
    try {
      const message = await failure(p.create(projectInputs({ apiBaseUrl: slow.url, pollIntervalMs: 20, createTimeoutMs: 200 })));
      const ref = [...slow.projects.keys()][0];
      expect(message).toContain(`Supabase project "promptandpause-staging" (ref ${ref}) did not become ACTIVE_HEALTHY within 0 s after create (last status: COMING_UP`);
      expect(message).toContain(`the project was created (ref ${ref})`);
      expect(slow.invalid).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it("a failed status stops the wait at once", async () => {
    const before = server.requests.length;
    const created = await p.create(projectInputs({ name: "pp-fails" }));
    const proj = server.projects.get(created.id);
    if (!proj) throw new Error("project missing");
    proj.status = "INIT_FAILED";
    proj.pollsUntilReady = 5;
    const message = await failure(p.update(created.id, created.outs, projectInputs({ name: "pp-fails-2" })));
    expect(message).toContain("reached status INIT_FAILED after update; it will not become ACTIVE_HEALTHY by waiting");
    expect(server.requests.length).toBeGreaterThan(before);
  });

  it("401 from create says the token was rejected and never shows it", async () => {
    const message = await failure(p.create(projectInputs({ accessToken: "sbp_revoked_token_123456" })));
    expect(message).toContain("Supabase access token rejected (HTTP 401) on POST /v1/projects");
    expect(message).not.toContain("sbp_revoked_token_123456");
  });

  it("429 with Retry-After during create is waited out and the create succeeds", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}/api-keys", status: 429, headers: { "Retry-After": "1" }, times: 1 });
    const started = Date.now();
    const { outs } = await p.create(projectInputs({ name: "pp-429" }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(outs.publishableKey).toMatch(/^sb_publishable_/);
  });

  it("500 until retries run out fails with the call, status and project", async () => {
    server.inject({ operation: "GET /v1/projects/{ref}/config/database/pooler", status: 500, body: { message: "pooler down" }, times: 3 });
    const message = await failure(p.create(projectInputs({ name: "pp-500" })));
    expect(message).toMatch(/Supabase API GET \/v1\/projects\/\{ref\}\/config\/database\/pooler for project "pp-500" \(ref [a-z]{20}\) failed with HTTP 500 after 3 attempts: pooler down/);
  });

  it.each([
    ["only the legacy keys", (ref: string) => projectApiKeys(ref, true), ["publishable key", "secret key"]],
    ["no secret key for the service role", (ref: string) => projectApiKeys(ref).filter((k) => k.type !== "secret"), ["secret key"]],
  ])("a project with %s fails loudly, naming the project, the missing keys and how to create them", async (_label, keys, missing) => {
    const created = await p.create(projectInputs({ name: "pp-keys" }));
    const project = server.projects.get(created.id);
    if (!project) throw new Error("project missing");
    project.apiKeys = keys(created.id);
    const message = await failure(p.read(created.id, created.outs));
    expect(message).toContain(`Supabase project "pp-keys" (ref ${created.id}) has no ${missing.join(" and no ")}`);
    expect(message).toContain("legacy anon/service_role keys are not used");
    expect(message).toContain("Project Settings → API Keys");
    expect(message).toContain("docs/supabase-provider.md");
    expect(message).not.toContain("-jwt-");
  });

  it("delete with a project that the API says is missing (404) is not an error, other errors are", async () => {
    server.inject({ operation: "DELETE /v1/projects/{ref}", status: 403, body: { message: "forbidden" } });
    const created = await p.create(projectInputs({ name: "pp-del" }));
    const message = await failure(p.delete(created.id, created.outs));
    expect(message).toContain("Supabase denied DELETE /v1/projects/{ref}");
    await p.delete(created.id, created.outs);
    expect(server.projects.has(created.id)).toBe(false);
  });
});
