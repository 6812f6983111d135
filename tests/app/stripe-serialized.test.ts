/**
 * The Stripe webhook-endpoint provider as Pulumi really runs it: serialized with
 * pulumi.runtime.serializeFunction under tsx (the shared one-run serialization of every provider,
 * tests/database/provider/serialize-helper.ts), then evaluated in a plain Node process with no
 * TypeScript loader (like @pulumi/pulumi/cmd/dynamic-provider) and called against the local
 * Stripe API. Proves the closure captures only the run-time loader and no key, that `create`
 * returns the endpoint id and the signing secret Stripe issued, and that the loader still finds
 * `webhook-endpoint-ops` from the working directory when the folder recorded at serialization
 * time no longer exists.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SERIALIZE_TIME_SECRETS,
  type SerializedJob,
  type SerializedJobResult,
  capturedNames,
  namedFunctions,
  relocateSerialized,
  runSerializedJobs,
  serializeAllProviders,
  writeSerializedFile,
} from "../database/provider/serialize-helper";
import { StripeApiServer } from "../helpers/stripe-api-server";

// A fake key shaped like a test key; the local server accepts only this one.
const KEY = "sk_test_serializedprovider_DO_NOT_LEAK_77";
const REPO_ROOT = path.resolve(__dirname, "../..");
const ALL_SECRETS = [KEY, ...Object.values(SERIALIZE_TIME_SECRETS)];
/**
 * Everything the serialized closure may capture: the loader and its arguments, and (from
 * components/shared/dynamic-provider.ts) the `load` thunk and the method `names` map.
 */
const ALLOWED_CAPTURES = ["MODULE_DIR", "STRIPE_MODULE_DIR_FROM_ROOT", "arguments", "from", "import_dynamic_module", "import_runtime2", "key", "load", "loadProviderModule", "loadStripeModule", "names", "provider", "this"];

const server = new StripeApiServer(KEY);
let text: string;
let workDir: string;
let originalFile: string;
let relocatedFile: string;
let movedRoot: string;

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

function job(tag: string): SerializedJob {
  return {
    key: "stripeWebhook",
    inputs: {
      apiKey: KEY,
      url: `https://${tag}.promptandpause.com/api/webhooks/stripe`,
      enabledEvents: ["checkout.session.completed", "invoice.paid"],
      description: `${tag} webhook`,
      metadata: { "managed-by": "pulumi" },
    },
  };
}

/** The endpoint exists on the server, and the run returned its id and the signing secret Stripe issued. */
function expectCreated(results: SerializedJobResult[], tag: string): void {
  expect(results.map((r) => r.error ?? "ok")).toEqual(["ok"]);
  const result = results[0] as Extract<SerializedJobResult, { id: string }>;
  expect(result.id).toMatch(/^we_/);
  const stored = server.endpoints.get(result.id);
  expect(stored?.url).toBe(`https://${tag}.promptandpause.com/api/webhooks/stripe`);
  expect(stored?.secret).toMatch(/^whsec_/);
  expect(result.keys).toEqual(expect.arrayContaining(["endpointId", "secret", "status", "livemode"]));
  // only a digest crosses the process boundary: the signing secret itself never reaches test output
  expect(result.sha256.secret).toBe(sha256(stored?.secret ?? "missing"));
  expect(result.sha256.endpointId).toBe(sha256(result.id));
}

beforeAll(async () => {
  await server.start();
  text = (await serializeAllProviders()).stripeWebhook;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-provider-"));
  movedRoot = path.join(workDir, "moved-away", "checkout"); // never created
  originalFile = writeSerializedFile(workDir, "serialized.json", { stripeWebhook: text });
  relocatedFile = writeSerializedFile(workDir, "relocated.json", { stripeWebhook: relocateSerialized(text, REPO_ROOT, movedRoot) });
});
afterAll(async () => {
  await server.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("serialized Stripe webhook-endpoint provider", () => {
  it("captures no secret and no implementation module by value (only the run-time loader)", () => {
    for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/sk_(test|live)_/);
    expect(namedFunctions(text)).toEqual(["loadProviderModule", "loadStripeModule"]);
    expect(capturedNames(text)).toEqual(ALLOWED_CAPTURES);
    expect(text).toContain('"webhook-endpoint-ops"');
    for (const id of ["StripeClient", "formEncode", "randomUUID", "function createEndpoint", "fetch("]) expect(text).not.toContain(id);
    // the shared loader is called with THIS provider's folder and label, not another caller's
    expect(text).toContain(`MODULE_DIR: ${JSON.stringify(path.join(REPO_ROOT, "components/app/stripe"))}`);
    expect(text).toContain('STRIPE_MODULE_DIR_FROM_ROOT: "components/app/stripe"');
    expect(text).toContain('"Stripe provider"');
    expect(text).not.toMatch(/supabase/i);
  });

  it("runs in a plain Node process (no TypeScript loader) and creates the endpoint, returning its id and signing secret", async () => {
    const results = await runSerializedJobs(originalFile, [job("plain")], { cwd: REPO_ROOT, env: { STRIPE_API_URL: server.url } });
    expectCreated(results, "plain");
  });

  it("still runs when the folder recorded at serialization no longer exists: the loader falls back to the working directory", async () => {
    expect(text).toContain(REPO_ROOT);
    expect(fs.readFileSync(relocatedFile, "utf8")).not.toContain(REPO_ROOT);
    expect(fs.existsSync(movedRoot)).toBe(false);
    const results = await runSerializedJobs(relocatedFile, [job("moved")], { cwd: REPO_ROOT, env: { STRIPE_API_URL: server.url } });
    expectCreated(results, "moved");
  });
});
