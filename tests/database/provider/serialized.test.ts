/**
 * The providers as Pulumi really runs them: serialized with pulumi.runtime.serializeFunction
 * (under tsx, like the language host's TypeScript loader), then evaluated in a plain Node
 * process with no TypeScript loader (like @pulumi/pulumi/cmd/dynamic-provider) and called.
 * Proves the closure captures only the loader and that the modules load at run time.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type SupabaseApiServer, startSupabaseApiServer } from "../../helpers/supabase-api-server";
import { DB_PASSWORD, SECRETS, TOKEN, projectInputs } from "./fixtures";

let server: SupabaseApiServer;
let serializedFile: string;
let serialized: { project: string; settings: string };

beforeAll(async () => {
  server = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 1 });
  const tsx = path.join(REPO_ROOT, "node_modules/.bin/tsx");
  const text = execFileSync(tsx, [path.join(__dirname, "serialize-helper.ts")], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  serialized = JSON.parse(text);
  serializedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sb-provider-")), "serialized.json");
  fs.writeFileSync(serializedFile, text);
});
afterAll(async () => {
  await server.close();
  if (serializedFile) fs.rmSync(path.dirname(serializedFile), { recursive: true, force: true });
});

describe("serialized dynamic providers", () => {
  it("capture no secret and no implementation module by value (only the run-time loader)", () => {
    for (const text of [serialized.project, serialized.settings]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).toContain("loadSupabaseModule");
      expect(text).not.toContain("SupabaseClient");
      expect(text).not.toContain("waitForProjectReady");
    }
  });

  it("run in a plain Node process (no TypeScript loader) and create a project", async () => {
    // async: the test server lives in this process and must keep answering
    const { stdout: out } = await promisify(execFile)(process.execPath, [path.join(__dirname, "run-serialized.js"), serializedFile, "project"], {
      cwd: REPO_ROOT,
      env: { ...process.env, SUPABASE_API_URL: server.url, NODE_OPTIONS: "", PROVIDER_INPUTS: JSON.stringify(projectInputs()) },
      encoding: "utf8",
      timeout: 60_000,
    });
    const result = JSON.parse(out);
    expect(result.id).toMatch(/^[a-z]{20}$/);
    expect(result.keys).toEqual(expect.arrayContaining(["ref", "anonKey", "poolerConnectionString", "postgresVersionWarning"]));
    expect(server.projects.get(result.id)?.db_pass).toBe(DB_PASSWORD);
    expect(server.invalid).toEqual([]);
  });
});
