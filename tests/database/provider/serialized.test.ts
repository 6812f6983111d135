/**
 * The Supabase providers as Pulumi really runs them: serialized with
 * pulumi.runtime.serializeFunction (under tsx, like the language host's TypeScript loader; one
 * run for every provider, see serialize-helper.ts), then evaluated in a plain Node process with
 * no TypeScript loader (like @pulumi/pulumi/cmd/dynamic-provider) and called against the local
 * OpenAPI-validating Management API. Proves the closure captures only the run-time loader, that
 * the modules load at run time, and that the loader still finds them from the working directory
 * when the folder recorded at serialization time no longer exists (state written elsewhere).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supabaseProjectProvider } from "../../../components/database/supabase/project";
import { REPO_ROOT, type SupabaseApiServer, startSupabaseApiServer } from "../../helpers/supabase-api-server";
import { DB_PASSWORD, SECRETS, SMTP_PASSWORD, TOKEN, projectInputs } from "./fixtures";
import {
  SERIALIZE_TIME_SECRETS,
  type SerializedJob,
  type SerializedJobResult,
  type SerializedProviders,
  capturedNames,
  namedFunctions,
  relocateSerialized,
  runSerializedJobs,
  serializeAllProviders,
  writeSerializedFile,
} from "./serialize-helper";

const SUPABASE_KEYS = ["project", "settings", "replicas"] as const;
type SupabaseKey = (typeof SUPABASE_KEYS)[number];
const ALL_SECRETS = [...SECRETS, ...Object.values(SERIALIZE_TIME_SECRETS)];

/** Per provider: its implementation module, and identifiers only that module (or the client) defines. */
const IMPLEMENTATION: Record<SupabaseKey, { module: string; notByValue: string[] }> = {
  project: { module: "project-ops", notByValue: ["SupabaseClient", "waitForProjectReady", "function createProject", "fetch("] },
  settings: { module: "settings-ops", notByValue: ["SupabaseClient", "function createSettings", "fetch("] },
  replicas: { module: "read-replica-ops", notByValue: ["SupabaseClient", "planReplicaChanges", "waitForNewReplica", "function createReadReplicas", "fetch("] },
};

/**
 * Everything a Supabase provider's serialized closure may capture: the loader and its arguments,
 * and (from components/shared/dynamic-provider.ts) the `load` thunk and the method `names` map.
 */
const ALLOWED_CAPTURES = ["MODULE_DIR", "SUPABASE_MODULE_DIR_FROM_ROOT", "arguments", "from", "import_dynamic_module", "import_runtime2", "key", "load", "loadProviderModule", "loadSupabaseModule", "names", "provider", "this"];

let server: SupabaseApiServer;
let serialized: SerializedProviders;
let workDir: string;
let originalFile: string;
let relocatedFile: string;
let movedRoot: string;

/** A fresh ACTIVE_HEALTHY project (compute small, so replicas are allowed), created in-process. */
async function newProject(name: string): Promise<string> {
  const created = await (supabaseProjectProvider as Required<typeof supabaseProjectProvider>).create(projectInputs({ name, instanceSize: "small", apiBaseUrl: server.url }));
  return created.id;
}

/** One create per Supabase provider; every project is new, so runs never depend on each other. */
async function jobs(tag: string): Promise<{ list: SerializedJob[]; settingsRef: string; replicasRef: string }> {
  const settingsRef = await newProject(`pp-${tag}-settings`);
  const replicasRef = await newProject(`pp-${tag}-replicas`);
  const list: SerializedJob[] = [
    { key: "project", inputs: projectInputs({ name: `pp-${tag}-project` }) },
    {
      key: "settings",
      inputs: {
        accessToken: TOKEN,
        projectRef: settingsRef,
        requestTimeoutMs: 2_000,
        maxAttempts: 2,
        smtpPassword: SMTP_PASSWORD,
        auth: { siteUrl: `https://${tag}.promptandpause.com`, smtp: { senderEmail: "no-reply@promptandpause.com" } },
        postgres: {},
        pooler: {},
        storage: {},
      },
    },
    { key: "replicas", inputs: { accessToken: TOKEN, projectRef: replicasRef, count: 1, pollIntervalMs: 5, timeoutMs: 5_000, requestTimeoutMs: 2_000, maxAttempts: 3 } },
  ];
  return { list, settingsRef, replicasRef };
}

/** The run's results, checked against what the server now holds. */
function expectCreated(results: SerializedJobResult[], tag: string, refs: { settingsRef: string; replicasRef: string }): void {
  // errors first, so a failure shows the provider's own (redacted) message
  expect(results.map((r) => `${r.key}: ${r.error ?? "ok"}`)).toEqual(["project: ok", "settings: ok", "replicas: ok"]);
  const [project, settings, replicas] = results as Extract<SerializedJobResult, { id: string }>[];
  expect(project?.id).toMatch(/^[a-z]{20}$/);
  expect(project?.keys).toEqual(expect.arrayContaining(["ref", "publishableKey", "secretKey", "poolerConnectionString", "postgresVersionWarning"]));
  expect(server.projects.get(project?.id ?? "")?.name).toBe(`pp-${tag}-project`);
  expect(server.projects.get(project?.id ?? "")?.db_pass).toBe(DB_PASSWORD);

  expect(settings?.id).toBe(`${refs.settingsRef}-settings`);
  expect(server.projects.get(refs.settingsRef)?.auth.site_url).toBe(`https://${tag}.promptandpause.com`);

  expect(replicas?.id).toBe(`${refs.replicasRef}-read-replicas`);
  expect(replicas?.keys).toEqual(expect.arrayContaining(["replicas", "primaryRegion", "effectiveRegion"]));
  expect(server.projects.get(refs.replicasRef)?.replicas.map((r) => r.status)).toEqual(["ACTIVE_HEALTHY"]);
  expect(server.invalid).toEqual([]);
}

beforeAll(async () => {
  server = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 1, replicaInitPolls: 2, replicaRemovePolls: 1 });
  serialized = await serializeAllProviders();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "sb-provider-"));
  movedRoot = path.join(workDir, "moved-away", "checkout"); // never created
  const supabaseOnly = Object.fromEntries(SUPABASE_KEYS.map((k) => [k, serialized[k]]));
  originalFile = writeSerializedFile(workDir, "serialized.json", supabaseOnly);
  relocatedFile = writeSerializedFile(
    workDir,
    "relocated.json",
    Object.fromEntries(SUPABASE_KEYS.map((k) => [k, relocateSerialized(serialized[k], REPO_ROOT, movedRoot)])),
  );
});
afterAll(async () => {
  await server?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("serialized Supabase dynamic providers", () => {
  it.each(SUPABASE_KEYS)("%s: captures no secret and no implementation module by value (only the run-time loader)", (key) => {
    const text = serialized[key];
    for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
    expect(namedFunctions(text)).toEqual(["loadProviderModule", "loadSupabaseModule"]);
    expect(capturedNames(text)).toEqual(ALLOWED_CAPTURES);
    expect(text).toContain(`"${IMPLEMENTATION[key].module}"`);
    for (const id of IMPLEMENTATION[key].notByValue) expect(text).not.toContain(id);
    // the shared loader is called with THIS provider's folder and label, not another caller's
    expect(text).toContain(`MODULE_DIR: ${JSON.stringify(path.join(REPO_ROOT, "components/database/supabase"))}`);
    expect(text).toContain('SUPABASE_MODULE_DIR_FROM_ROOT: "components/database/supabase"');
    expect(text).toContain('"Supabase provider"');
    expect(text).not.toMatch(/stripe/i);
  });

  it("each runs in a plain Node process (no TypeScript loader) and creates its resource", async () => {
    const { list, ...refs } = await jobs("plain");
    const results = await runSerializedJobs(originalFile, list, { cwd: REPO_ROOT, env: { SUPABASE_API_URL: server.url } });
    expectCreated(results, "plain", refs);
  });

  it("still runs when the folder recorded at serialization no longer exists: the loader falls back to the working directory", async () => {
    for (const key of SUPABASE_KEYS) {
      expect(serialized[key]).toContain(REPO_ROOT);
      expect(fs.readFileSync(relocatedFile, "utf8")).not.toContain(REPO_ROOT);
    }
    expect(fs.existsSync(movedRoot)).toBe(false);
    const { list, ...refs } = await jobs("moved");
    const results = await runSerializedJobs(relocatedFile, list, { cwd: REPO_ROOT, env: { SUPABASE_API_URL: server.url } });
    expectCreated(results, "moved", refs);
  });

  it("fails with an error naming the module, both folders looked in and the fix when neither holds the modules", async () => {
    const before = server.requests.length;
    const results = await runSerializedJobs(relocatedFile, [{ key: "replicas", inputs: { accessToken: TOKEN, projectRef: "abcdefghijklmnopqrst", count: 1 } }], {
      cwd: workDir,
      env: { SUPABASE_API_URL: server.url },
    });
    const error = results[0]?.error ?? "";
    expect(error).toContain('Supabase provider: cannot find module "read-replica-ops"');
    expect(error).toContain(path.join(movedRoot, "components/database/supabase/read-replica-ops"));
    expect(error).toContain(path.join(fs.realpathSync(workDir), "components/database/supabase/read-replica-ops"));
    expect(error).toContain("Run Pulumi from the project root so components/database/supabase/read-replica-ops.ts is reachable");
    for (const secret of ALL_SECRETS) expect(error).not.toContain(secret);
    expect(server.requests.length).toBe(before);
  });
});
