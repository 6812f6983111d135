/**
 * SupabaseReadReplicas: the provider called the way the engine calls it, against the local
 * OpenAPI-validating Management API (every request checked against the spec), plus the resource
 * under Pulumi mocks. (Serialization and the plain-Node run: serialized.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SupabaseReadReplicas } from "../../../components/database/supabase";
import { SUPABASE_ENDPOINTS } from "../../../components/database/supabase/client";
import { supabaseProjectProvider } from "../../../components/database/supabase/project";
import { supabaseReadReplicasProvider as provider } from "../../../components/database/supabase/read-replica";
import { MAX_READ_REPLICAS, READ_REPLICA_REQUIREMENTS_HINT, planReplicaChanges } from "../../../components/database/supabase/read-replica-ops";
import { OpenApiValidator, type SupabaseApiServer, loadSpec, startSupabaseApiServer, useSupabaseApiServer } from "../../helpers/supabase-api-server";
import { SECRETS, TOKEN, leakedSecrets, projectInputs } from "./fixtures";

// biome-ignore lint/suspicious/noExplicitAny: provider methods take untyped property bags
type Bag = any;
const p = provider as Required<typeof provider>;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SETUP = "POST /v1/projects/{ref}/read-replicas/setup";
const REMOVE = "POST /v1/projects/{ref}/read-replicas/remove";
const LIST = "GET /v1/organizations/{slug}/projects";

const server = useSupabaseApiServer({ token: TOKEN, comingUpPolls: 0, replicaInitPolls: 2, replicaRemovePolls: 1 });
const errors: string[] = [];

async function failure(promise: Promise<unknown>): Promise<Error & { id?: string; properties?: Bag; reasons?: string[] }> {
  try {
    await promise;
  } catch (err) {
    // the partial state (`properties`) holds the token like every state does (a secret output); the rest must not
    const { accessToken: _token, ...rest } = (err as Bag).properties ?? {};
    errors.push(`${(err as Error).message}\n${(err as Error).stack}\n${JSON.stringify((err as Bag).reasons ?? null)}\n${JSON.stringify(rest)}`);
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** A fresh project on `srv` (ACTIVE_HEALTHY at once, compute small). */
async function newProject(srv: SupabaseApiServer, name: string): Promise<string> {
  const created = await (supabaseProjectProvider as Required<typeof supabaseProjectProvider>).create(projectInputs({ name, instanceSize: "small", apiBaseUrl: srv.url }));
  return created.id;
}

function replicaInputs(ref: string, overrides: Record<string, unknown> = {}): Bag {
  return {
    accessToken: TOKEN,
    projectRef: ref,
    count: 2,
    pollIntervalMs: 5,
    timeoutMs: 5_000,
    requestTimeoutMs: 2_000,
    maxAttempts: 3,
    ...overrides,
  };
}

/** Requests made while `fn` ran. */
async function during<T>(srv: SupabaseApiServer, fn: () => Promise<T>): Promise<{ result: T; reqs: SupabaseApiServer["requests"] }> {
  const before = srv.requests.length;
  const result = await fn();
  return { result, reqs: srv.requests.slice(before) };
}

function liveReplicas(srv: SupabaseApiServer, ref: string) {
  return (srv.projects.get(ref)?.replicas ?? []).map((r) => ({ identifier: r.identifier, region: r.region, status: r.status }));
}

afterEach(() => {
  expect(leakedSecrets(errors)).toEqual([]);
});

describe("read replica endpoints against the OpenAPI document", () => {
  it.each([
    ["listOrganizationProjects", "GET", "/v1/organizations/{slug}/projects"],
    ["setupReadReplica", "POST", "/v1/projects/{ref}/read-replicas/setup"],
    ["removeReadReplica", "POST", "/v1/projects/{ref}/read-replicas/remove"],
  ] as const)("client endpoint %s is %s %s, exists and is not deprecated", (name, method, template) => {
    const spec = loadSpec();
    const ep = SUPABASE_ENDPOINTS[name];
    expect(`${ep.method} ${ep.path}`).toBe(`${method} ${template}`);
    expect(new OpenApiValidator(spec).hasOperation(method, template)).toBe(true);
    expect(spec.paths[template][method.toLowerCase()].deprecated ?? false).toBe(false);
  });

  it("setup is not retried blindly after a 5xx (it may have started a replica); remove and list are", () => {
    expect(SUPABASE_ENDPOINTS.setupReadReplica.idempotent).toBe(false);
    expect(SUPABASE_ENDPOINTS.removeReadReplica.idempotent).toBe(true);
    expect(SUPABASE_ENDPOINTS.listOrganizationProjects.idempotent).toBe(true);
  });

  it.each([
    ["a region the spec does not know", SETUP, { read_replica_region: "mars-north-1" }, /read_replica_region must be equal to one of the allowed values/],
    ["a misspelled setup field", SETUP, { region: "eu-west-2" }, /must have required property 'read_replica_region'/],
    ["remove without database_identifier", REMOVE, { identifier: "x" }, /must have required property 'database_identifier'/],
  ])("the test server rejects %s with 400", async (_what, operation, body, problem) => {
    const suffix = operation.split("{ref}")[1];
    const res = await fetch(`${server.url}/v1/projects/abcdefghijklmnopqrst${suffix}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(server.invalid.pop()?.problems.join("; ")).toMatch(problem);
  });

  it("the test server rejects a listing page size above the spec's maximum (100)", async () => {
    const res = await fetch(`${server.url}/v1/organizations/prompt-and-pause/projects?limit=500`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(400);
    expect(server.invalid.pop()?.problems.join("; ")).toMatch(/query parameter "limit"/);
  });
});

describe("check and plan", () => {
  it.each([
    ["count below 0", { count: -1 }, "count", "must be an integer from 0 to 5"],
    ["count above Supabase's limit", { count: 6 }, "count", "(got 6)"],
    ["a fractional count", { count: 1.5 }, "count", "(got 1.5)"],
    ["count as a string", { count: "2" }, "count", '(got "2")'],
    ["missing count", { count: undefined }, "count", "(got null)"],
    ["a region the API does not offer", { region: "mars-1" }, "region", 'must be one of us-east-1'],
    ["a malformed project ref", { projectRef: "NOT-A-REF" }, "projectRef", '20 lower-case letters (SupabaseProject.ref) (got "NOT-A-REF")'],
    ["a missing token", { accessToken: "" }, "accessToken", "pulumi config set --secret promptandpause:supabaseAccessToken"],
    ["a zero poll interval", { pollIntervalMs: 0 }, "pollIntervalMs", "must be a positive number (got 0)"],
    ["a negative timeout", { timeoutMs: -5 }, "timeoutMs", "(got -5)"],
  ])("rejects %s", async (_what, overrides, property, reason) => {
    const r = await p.check({}, replicaInputs("abcdefghijklmnopqrst", overrides));
    expect(r.failures).toEqual([{ property, reason: expect.stringContaining(reason) }]);
    expect(JSON.stringify(r.failures)).not.toContain(TOKEN);
  });

  it.each([
    ["the defaults", {}],
    ["count 0", { count: 0 }],
    [`count ${MAX_READ_REPLICAS}`, { count: MAX_READ_REPLICAS }],
    ["an explicit region", { region: "eu-central-1" }],
    ["a project ref not known yet (preview)", { projectRef: UNKNOWN }],
    ["a count not known yet (preview)", { count: UNKNOWN }],
  ])("accepts %s", async (_what, overrides) => {
    expect((await p.check({}, replicaInputs("abcdefghijklmnopqrst", overrides))).failures).toEqual([]);
  });

  const a = { identifier: "a", region: "eu-west-2" };
  const b = { identifier: "b", region: "eu-west-2" };
  const c = { identifier: "c", region: "eu-west-2" };
  const x = { identifier: "x", region: "us-east-1" };
  it.each([
    ["nothing -> 2", [], 2, "eu-west-2", [], [], 2],
    ["2 -> 2 (no change)", [a, b], 2, "eu-west-2", [a, b], [], 0],
    ["3 -> 1 removes the newest first", [a, b, c], 1, "eu-west-2", [a], [c, b], 0],
    ["1 -> 3 adds two", [a], 3, "eu-west-2", [a], [], 2],
    ["2 -> 0 removes all, newest first", [a, b], 0, "eu-west-2", [], [b, a], 0],
    ["region change: remove those elsewhere, add in the new region", [x, a], 2, "eu-west-2", [a], [x], 1],
    ["region change of all", [a, b], 2, "us-east-1", [], [b, a], 2],
  ] as const)("plan: %s", (_what, current, count, region, keep, remove, add) => {
    expect(planReplicaChanges(current, count, region)).toEqual({ keep, remove, add });
  });
});

describe("SupabaseReadReplicas provider: create 2 -> 1 -> 3 -> region change -> refresh -> delete", () => {
  let ref: string;
  let id: string;
  let outs: Bag;

  beforeAll(async () => {
    ref = await newProject(server, "promptandpause-staging");
  });

  it("create sets up 2 replicas in the primary's region, one at a time, each waited on until ACTIVE_HEALTHY", async () => {
    const { result, reqs } = await during(server, () => p.create(replicaInputs(ref)));
    id = result.id;
    outs = result.outs;
    expect(id).toBe(`${ref}-read-replicas`);
    expect(outs.replicas).toHaveLength(2);
    expect(outs).toMatchObject({ primaryRegion: "eu-west-2", effectiveRegion: "eu-west-2", organizationSlug: "prompt-and-pause", count: 2 });
    expect(liveReplicas(server, ref)).toEqual(outs.replicas.map((r: Bag) => ({ ...r, status: "ACTIVE_HEALTHY" })));
    for (const r of outs.replicas) expect(r.identifier).toMatch(new RegExp(`^${ref}-rr-eu-west-2-[a-z]{5}$`));
    const setups = reqs.filter((r) => r.operation === SETUP);
    expect(setups.map((r) => r.body)).toEqual([{ read_replica_region: "eu-west-2" }, { read_replica_region: "eu-west-2" }]);
    // the second setup is only sent after the first replica was seen healthy (INIT for 2 listings, then ACTIVE)
    const ops = reqs.map((r) => r.operation);
    const between = ops.slice(ops.indexOf(SETUP) + 1, ops.lastIndexOf(SETUP)).filter((o) => o === LIST);
    expect(between.length).toBeGreaterThanOrEqual(3);
    // the listing is filtered by the project's name and stays within the spec's page size
    expect(reqs.find((r) => r.operation === LIST)?.query).toEqual({ search: "promptandpause-staging", limit: "100" });
  });

  it("diff: nothing changed -> no change", async () => {
    expect(await p.diff(id, outs, replicaInputs(ref))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    ["count", { count: 3 }, []],
    ["count to 0", { count: 0 }, []],
    ["region", { region: "eu-central-1" }, []],
    ["accessToken", { accessToken: "sbp_rotated_token_000" }, []],
    ["pollIntervalMs", { pollIntervalMs: 50 }, []],
    ["projectRef", { projectRef: "bcdefghijklmnopqrstu" }, ["projectRef"]],
  ])("diff: changing %s -> in place unless it is another project (replaces %j)", async (_key, overrides, replaces) => {
    const d = await p.diff(id, outs, replicaInputs(ref, overrides));
    expect(d).toEqual({ changes: true, replaces, deleteBeforeReplace: false });
  });

  it("diff: a project ref not known yet (preview) is shown as an update, not a replacement", async () => {
    expect(await p.diff(id, outs, replicaInputs(UNKNOWN))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("update 2 -> 1 removes the newest replica and waits until it is gone", async () => {
    const [oldest, newest] = outs.replicas;
    const { result, reqs } = await during(server, () => p.update(id, outs, replicaInputs(ref, { count: 1 })));
    expect(reqs.filter((r) => r.method === "POST").map((r) => [r.operation, r.body])).toEqual([[REMOVE, { database_identifier: newest.identifier }]]);
    expect(result.outs.replicas).toEqual([oldest]);
    expect(liveReplicas(server, ref)).toEqual([{ ...oldest, status: "ACTIVE_HEALTHY" }]);
    outs = result.outs;
  });

  it("update 1 -> 3 adds two and keeps the existing one", async () => {
    const [kept] = outs.replicas;
    const { result, reqs } = await during(server, () => p.update(id, outs, replicaInputs(ref, { count: 3 })));
    expect(reqs.filter((r) => r.method === "POST").map((r) => r.operation)).toEqual([SETUP, SETUP]);
    expect(result.outs.replicas).toHaveLength(3);
    expect(result.outs.replicas[0]).toEqual(kept);
    expect(liveReplicas(server, ref).map((r) => r.status)).toEqual(["ACTIVE_HEALTHY", "ACTIVE_HEALTHY", "ACTIVE_HEALTHY"]);
    expect(liveReplicas(server, ref).map((r) => r.identifier)).toEqual(result.outs.replicas.map((r: Bag) => r.identifier));
    outs = result.outs;
  });

  it("update that changes only client options makes no write call", async () => {
    const { result, reqs } = await during(server, () => p.update(id, outs, replicaInputs(ref, { count: 3, requestTimeoutMs: 4_000 })));
    expect(reqs.filter((r) => r.method !== "GET")).toEqual([]);
    expect(result.outs.replicas).toEqual(outs.replicas);
    outs = result.outs;
  });

  it("region change (with count 3 -> 2) removes every replica in the old region newest first, then sets up new ones", async () => {
    const old = outs.replicas.map((r: Bag) => r.identifier);
    const { result, reqs } = await during(server, () => p.update(id, outs, replicaInputs(ref, { count: 2, region: "eu-central-1" })));
    const posts = reqs.filter((r) => r.method === "POST").map((r) => [r.operation, r.body]);
    expect(posts).toEqual([
      [REMOVE, { database_identifier: old[2] }],
      [REMOVE, { database_identifier: old[1] }],
      [REMOVE, { database_identifier: old[0] }],
      [SETUP, { read_replica_region: "eu-central-1" }],
      [SETUP, { read_replica_region: "eu-central-1" }],
    ]);
    expect(result.outs.replicas.map((r: Bag) => r.region)).toEqual(["eu-central-1", "eu-central-1"]);
    expect(result.outs.effectiveRegion).toBe("eu-central-1");
    expect(result.outs.primaryRegion).toBe("eu-west-2");
    expect(liveReplicas(server, ref)).toEqual(result.outs.replicas.map((r: Bag) => ({ ...r, status: "ACTIVE_HEALTHY" })));
    outs = result.outs;
    expect(await p.diff(id, outs, replicaInputs(ref, { count: 2, region: "eu-central-1" }))).toMatchObject({ changes: false });
  });

  it("read returns the recorded replicas; one removed outside Pulumi drops out and the next diff/update adds one back", async () => {
    expect((await p.read(id, outs)).props.replicas).toEqual(outs.replicas);
    const proj = server.projects.get(ref);
    if (!proj) throw new Error("project missing");
    proj.replicas.splice(1, 1);
    const refreshed = await p.read(id, outs);
    expect(refreshed.id).toBe(id);
    expect(refreshed.props.replicas).toEqual([outs.replicas[0]]);
    const news = replicaInputs(ref, { count: 2, region: "eu-central-1" });
    expect((await p.diff(id, refreshed.props, news)).changes).toBe(true);
    const { result, reqs } = await during(server, () => p.update(id, refreshed.props, news));
    expect(reqs.filter((r) => r.method === "POST").map((r) => r.operation)).toEqual([SETUP]);
    expect(result.outs.replicas).toHaveLength(2);
    outs = result.outs;
  });

  it("a replica created outside Pulumi (dashboard) is neither adopted nor removed", async () => {
    proj().replicas.push({ identifier: `${ref}-rr-eu-west-2-human`, region: "eu-west-2", status: "ACTIVE_HEALTHY", hiddenPolls: 0, pollsLeft: 0 });
    expect((await p.read(id, outs)).props.replicas).toEqual(outs.replicas);
    await p.delete(id, outs);
    expect(liveReplicas(server, ref)).toEqual([{ identifier: `${ref}-rr-eu-west-2-human`, region: "eu-west-2", status: "ACTIVE_HEALTHY" }]);
    proj().replicas.length = 0;
  });

  it("delete removed every replica it created (newest first); a second delete finds nothing to do", async () => {
    // (the delete ran in the previous test) — run it again: nothing listed, no remove call
    const { reqs } = await during(server, () => p.delete(id, outs));
    expect(reqs.filter((r) => r.method !== "GET")).toEqual([]);
    expect(liveReplicas(server, ref)).toEqual([]);
  });

  it("delete removes newest first and waits until each is gone", async () => {
    const created = await p.create(replicaInputs(ref, { count: 2 }));
    const ids = created.outs.replicas.map((r: Bag) => r.identifier);
    const { reqs } = await during(server, () => p.delete(created.id, created.outs));
    expect(reqs.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([{ database_identifier: ids[1] }, { database_identifier: ids[0] }]);
    expect(liveReplicas(server, ref)).toEqual([]);
  });

  it("read and delete of a project that is gone: read drops the resource, delete succeeds", async () => {
    const created = await p.create(replicaInputs(ref, { count: 1 }));
    await (supabaseProjectProvider as Required<typeof supabaseProjectProvider>).delete(ref, { ...projectInputs(), ref } as Bag);
    expect(await p.read(created.id, created.outs)).toEqual({});
    await p.delete(created.id, created.outs);
  });

  function proj() {
    const found = server.projects.get(ref);
    if (!found) throw new Error("project missing");
    return found;
  }
});

describe("SupabaseReadReplicas provider: failures", () => {
  let ref: string;
  beforeAll(async () => {
    ref = await newProject(server, "pp-replica-failures");
  });
  afterEach(async () => {
    const found = server.projects.get(ref);
    if (found) found.replicas.length = 0;
  });

  it("401: says the token was rejected, names the call and project, never shows the token", async () => {
    const err = await failure(p.create(replicaInputs(ref, { accessToken: "sbp_revoked_token_123456", projectName: "pp-replica-failures" })));
    expect(err.message).toContain("Supabase access token rejected (HTTP 401) on GET /v1/projects/{ref}");
    expect(err.message).toContain(`project "pp-replica-failures" (ref ${ref})`);
    expect(err.message).not.toContain("sbp_revoked_token_123456");
  });

  it.each([
    [402, "Read replicas are not available on the Free plan. Upgrade to Pro."],
    [403, "Project compute size must be at least Small to use read replicas"],
    [400, "Maximum number of read replicas reached"],
  ])("HTTP %i from setup: names the call, the region, the API's message and the requirements", async (status, apiMessage) => {
    server.inject({ operation: SETUP, status, body: { message: apiMessage } });
    const err = await failure(p.create(replicaInputs(ref, { count: 2, projectName: "pp-replica-failures" })));
    expect(err.message).toContain(`Supabase refused to set up a read replica in eu-west-2 for project "pp-replica-failures" (ref ${ref})`);
    expect(err.message).toContain("POST /v1/projects/{ref}/read-replicas/setup");
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).toContain(apiMessage);
    expect(err.message).toContain(READ_REPLICA_REQUIREMENTS_HINT);
    expect(err.message).toContain("compute size of small or larger");
    // nothing was created: a plain error, no partial state
    expect(err.id).toBeUndefined();
    expect(liveReplicas(server, ref)).toEqual([]);
  });

  it("a refusal on the second replica keeps the first in the state (partial create) and the next update finishes", async () => {
    server.inject({ operation: SETUP, status: 403, body: { message: "forbidden by plan" }, after: 1 });
    const err = await failure(p.create(replicaInputs(ref, { count: 2 })));
    expect(err.id).toBe(`${ref}-read-replicas`);
    expect(err.properties.replicas).toHaveLength(1);
    expect(err.properties.replicas).toEqual(liveReplicas(server, ref).map((r) => ({ identifier: r.identifier, region: r.region })));
    expect(err.reasons?.[0]).toContain("Recorded in the state: 1 of 2 read replicas");
    expect(err.message).toContain("forbidden by plan");
    expect(err.message).toContain(READ_REPLICA_REQUIREMENTS_HINT);
    const { result, reqs } = await during(server, () => p.update(err.id as string, err.properties, replicaInputs(ref, { count: 2 })));
    expect(reqs.filter((r) => r.method === "POST").map((r) => r.operation)).toEqual([SETUP]);
    expect(result.outs.replicas).toHaveLength(2);
    expect(result.outs.replicas[0]).toEqual(err.properties.replicas[0]);
  });

  it("500 from the listing is retried by the client and the create succeeds", async () => {
    server.inject({ operation: LIST, status: 500, body: { message: "listing down" }, times: 2 });
    const { result, reqs } = await during(server, () => p.create(replicaInputs(ref, { count: 1 })));
    expect(result.outs.replicas).toHaveLength(1);
    expect(reqs.filter((r) => r.operation === LIST).length).toBeGreaterThanOrEqual(5);
  });

  it("500 from setup that created nothing: the list is checked, then setup is sent again (one replica in the end)", async () => {
    server.inject({ operation: SETUP, status: 500, body: { message: "Failed to set up read replica" } });
    const { result, reqs } = await during(server, () => p.create(replicaInputs(ref, { count: 1 })));
    expect(reqs.filter((r) => r.operation === SETUP)).toHaveLength(2);
    expect(result.outs.replicas).toHaveLength(1);
    expect(liveReplicas(server, ref)).toHaveLength(1);
  });

  it("500 from setup that DID create the replica: it is adopted, setup is not sent again", async () => {
    server.inject({ operation: SETUP, status: 500, body: { message: "gateway timeout after apply" }, applyThenFail: true });
    const { result, reqs } = await during(server, () => p.create(replicaInputs(ref, { count: 1 })));
    expect(reqs.filter((r) => r.operation === SETUP)).toHaveLength(1);
    expect(result.outs.replicas).toHaveLength(1);
    expect(liveReplicas(server, ref).map((r) => r.identifier)).toEqual(result.outs.replicas.map((r: Bag) => r.identifier));
  });

  it("500 from setup until the attempts run out: fails naming the call, status, attempts' outcome and project", async () => {
    server.inject({ operation: SETUP, status: 500, body: { message: "Failed to set up read replica" }, times: 3 });
    const before = server.requests.length;
    const err = await failure(p.create(replicaInputs(ref, { count: 1, maxAttempts: 3, projectName: "pp-replica-failures" })));
    expect(err.message).toContain(`Supabase API POST /v1/projects/{ref}/read-replicas/setup for project "pp-replica-failures" (ref ${ref}) failed with HTTP 500: Failed to set up read replica`);
    expect(err.message).not.toContain(READ_REPLICA_REQUIREMENTS_HINT);
    // each failed setup is followed by a look at the list; 3 setups in all (maxAttempts)
    expect(server.requests.slice(before).filter((r) => r.operation === SETUP)).toHaveLength(3);
    expect(liveReplicas(server, ref)).toEqual([]);
  });

  it("500 from remove is retried (remove is idempotent)", async () => {
    const created = await p.create(replicaInputs(ref, { count: 1 }));
    server.inject({ operation: REMOVE, status: 500, times: 1 });
    const { result, reqs } = await during(server, () => p.update(created.id, created.outs, replicaInputs(ref, { count: 0 })));
    expect(reqs.filter((r) => r.operation === REMOVE)).toHaveLength(2);
    expect(result.outs.replicas).toEqual([]);
    expect(liveReplicas(server, ref)).toEqual([]);
  });

  it("a replica that fails to initialize stops the wait at once and is removed again", async () => {
    const failing = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 0, replicaFailRegions: ["ap-south-1"] });
    try {
      const fref = await newProject(failing, "pp-fail");
      const err = await failure(p.create(replicaInputs(fref, { apiBaseUrl: failing.url, count: 1, region: "ap-south-1" })));
      expect(err.message).toMatch(
        new RegExp(`^Supabase read replica ${fref}-rr-ap-south-1-[a-z]{5} of project "pp-fail" \\(ref ${fref}\\) reached status INIT_READ_REPLICA_FAILED after setup; it will not become ACTIVE_HEALTHY by waiting`),
      );
      expect(err.message).toContain("It was removed again.");
      expect(err.id).toBeUndefined();
      expect(liveReplicas(failing, fref)).toEqual([]);
      expect(failing.invalid).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  it("a replica not listed at once after setup is still found (listing lag)", async () => {
    const lagging = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 0, replicaHiddenPolls: 3 });
    try {
      const lref = await newProject(lagging, "pp-lag");
      const { outs } = await p.create(replicaInputs(lref, { apiBaseUrl: lagging.url, count: 1 }));
      expect(outs.replicas).toHaveLength(1);
      expect(lagging.invalid).toEqual([]);
    } finally {
      await lagging.close();
    }
  });

  it("the project not on the name-filtered page: every page is read (no search) until the ref is found", async () => {
    server.inject({ operation: LIST, status: 200, body: { projects: [], pagination: { count: 0, limit: 100, offset: 0 } } });
    const { result, reqs } = await during(server, () => p.create(replicaInputs(ref, { count: 1 })));
    const lists = reqs.filter((r) => r.operation === LIST).map((r) => r.query);
    expect(lists[0]).toEqual({ search: "pp-replica-failures", limit: "100" });
    expect(lists[1]).toEqual({ limit: "100", offset: "0" });
    expect(result.outs.replicas).toHaveLength(1);
  });

  it("timeout: names the replica, the last status and the wait; the replica is kept in the state and the next update waits for it", async () => {
    const slow = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 0, replicaInitPolls: 100_000 });
    try {
      const sref = await newProject(slow, "pp-slow");
      const err = await failure(p.create(replicaInputs(sref, { apiBaseUrl: slow.url, count: 1, pollIntervalMs: 20, timeoutMs: 200, projectName: "pp-slow" })));
      const live = slow.projects.get(sref)?.replicas ?? [];
      expect(live).toHaveLength(1);
      const identifier = live[0]?.identifier;
      expect(err.message).toContain(`Supabase read replica ${identifier} in eu-west-2 for project "pp-slow" (ref ${sref}) did not become ACTIVE_HEALTHY within 0 s (last status: INIT_READ_REPLICA`);
      expect(err.message).toContain("recorded in the state; run pulumi up again to keep waiting (or raise timeoutMs)");
      expect(err.id).toBe(`${sref}-read-replicas`);
      expect(err.properties.replicas).toEqual([{ identifier, region: "eu-west-2" }]);
      // Pulumi keeps the partial state; the next up (update) waits for that replica, sets up nothing new
      if (live[0]) live[0].pollsLeft = 1;
      const { result, reqs } = await during(slow, () => p.update(err.id as string, err.properties, replicaInputs(sref, { apiBaseUrl: slow.url, count: 1 })));
      expect(reqs.filter((r) => r.method === "POST")).toEqual([]);
      expect(result.outs.replicas).toEqual([{ identifier, region: "eu-west-2" }]);
      expect(slow.invalid).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe("SupabaseReadReplicas resource and serialized provider", () => {
  it("registers with its type token, a secret token input and no secret in the serialized provider", async () => {
    const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: "abcdefghijklmnopqrst-read-replicas", state: { ...args.inputs, replicas: [{ identifier: "abcdefghijklmnopqrst-rr-eu-west-2-aaaaa", region: "eu-west-2" }] } };
        },
        call: () => {
          throw new Error("unexpected invoke");
        },
      },
      "promptandpause",
      "test",
    );
    const res = new SupabaseReadReplicas("db-read-replicas", { accessToken: TOKEN, projectRef: "abcdefghijklmnopqrst", count: 2 });
    const replicas = await new Promise((resolve) => res.replicas.apply(resolve));
    expect(replicas).toEqual([{ identifier: "abcdefghijklmnopqrst-rr-eu-west-2-aaaaa", region: "eu-west-2" }]);
    expect(registered.map((r) => `${r.type} ${r.name}`)).toEqual(["pulumi-nodejs:dynamic/supabase:ReadReplicas db-read-replicas"]);
    expect(registered[0]?.inputs.count).toBe(2);
    // biome-ignore lint/suspicious/noExplicitAny: internal flag
    expect(await (res as any).accessToken.isSecret).toBe(true);
    for (const s of SECRETS) expect(String(registered[0]?.inputs.__provider)).not.toContain(s);
  });
});
