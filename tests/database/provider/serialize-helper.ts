/**
 * Serializes every dynamic provider exactly as Pulumi does when it registers a dynamic resource
 * (`pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })`, the call and
 * options of @pulumi/pulumi/dynamic), under tsx like the language host's TypeScript loader.
 *
 * - Run with tsx, this file prints `SerializedProviders` as JSON on stdout.
 * - Imported by a test, `serializeAllProviders()` runs it once (one tsx process) and caches the
 *   result in the OS temp folder under a hash of everything the text can depend on (components/,
 *   this file, tsconfig.json, package.json, the Pulumi / tsx / typescript / Node versions), so
 *   the test files that need it share one run, even when vitest runs them at the same time.
 *
 * The serializing process gets the test secrets in its environment and Pulumi config (as a
 * deployment would have them), so a provider that captured config or env would leak them into
 * the text and the tests' "no secret" assertions would catch it.
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

/** The providers serialized, by key (the key `run-serialized.js` takes). */
export const SERIALIZED_PROVIDERS = {
  project: { file: "components/database/supabase/project", exportName: "supabaseProjectProvider" },
  settings: { file: "components/database/supabase/settings", exportName: "supabaseSettingsProvider" },
  replicas: { file: "components/database/supabase/read-replica", exportName: "supabaseReadReplicasProvider" },
  stripeWebhook: { file: "components/app/stripe/webhook-endpoint", exportName: "stripeWebhookEndpointProvider" },
} as const;

export type SerializedProviderKey = keyof typeof SERIALIZED_PROVIDERS;
/** The serialized text of each provider. */
export type SerializedProviders = Record<SerializedProviderKey, string>;

/** Fake secrets present in the serializing process (env + Pulumi config); none may reach the text. */
export const SERIALIZE_TIME_SECRETS = {
  supabaseAccessToken: "sbp_SERIALIZE_TIME_token_do_not_leak_91b2",
  stripeSecretKey: "sk_test_SERIALIZE_TIME_key_do_not_leak_3c4d",
  resendApiKey: "re_SERIALIZE_TIME_key_do_not_leak_5e6f",
} as const;

const REPO_ROOT = path.resolve(__dirname, "../../..");
const TSX = path.join(REPO_ROOT, "node_modules/.bin/tsx");
const LOCK_STALE_MS = 180_000;

/** Every file under `dir` (recursively) with its contents, sorted, for the cache key. */
function hashTree(hash: crypto.Hash, dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, full);
    else if (entry.isFile()) hash.update(`${path.relative(REPO_ROOT, full)}\0`).update(fs.readFileSync(full)).update("\0");
  }
}

function cacheKey(): string {
  const hash = crypto.createHash("sha256");
  hashTree(hash, path.join(REPO_ROOT, "components"));
  for (const file of [__filename, path.join(REPO_ROOT, "tsconfig.json"), path.join(REPO_ROOT, "package.json")]) hash.update(fs.readFileSync(file));
  for (const pkg of ["@pulumi/pulumi", "tsx", "typescript"]) hash.update(fs.readFileSync(path.join(REPO_ROOT, "node_modules", pkg, "package.json")));
  hash.update(REPO_ROOT).update(process.version);
  return hash.digest("hex").slice(0, 24);
}

async function runSerializer(): Promise<string> {
  const config = {
    "promptandpause:supabaseAccessToken": SERIALIZE_TIME_SECRETS.supabaseAccessToken,
    "promptandpause:stripeSecretKey": SERIALIZE_TIME_SECRETS.stripeSecretKey,
    "promptandpause:resendApiKey": SERIALIZE_TIME_SECRETS.resendApiKey,
  };
  const { stdout } = await promisify(execFile)(TSX, [__filename], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(config)),
      SUPABASE_ACCESS_TOKEN: SERIALIZE_TIME_SECRETS.supabaseAccessToken,
      STRIPE_SECRET_KEY: SERIALIZE_TIME_SECRETS.stripeSecretKey,
    },
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(stdout) as Partial<SerializedProviders>;
  for (const key of Object.keys(SERIALIZED_PROVIDERS)) {
    if (typeof parsed[key as SerializedProviderKey] !== "string") throw new Error(`serialize-helper printed no text for "${key}"`);
  }
  return stdout;
}

/** Drops cache files of earlier source versions (older than an hour, so a concurrent run keeps its own). */
function removeOldCaches(keep: string): void {
  const dir = path.dirname(keep);
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (!/^pp-serialized-providers-[0-9a-f]+\.json$/.test(name) || full === keep) continue;
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > 3_600_000) fs.rmSync(full, { force: true });
    } catch {
      // another process removed it first
    }
  }
}

/**
 * The serialized text of every provider: one tsx run shared by all test files (cached by content
 * hash; a concurrent caller waits on the first one's lock instead of starting a second run).
 */
export async function serializeAllProviders(): Promise<SerializedProviders> {
  const file = path.join(os.tmpdir(), `pp-serialized-providers-${cacheKey()}.json`);
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as SerializedProviders;
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (fd !== undefined) {
      try {
        const text = await runSerializer();
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
        removeOldCaches(file);
        return JSON.parse(text) as SerializedProviders;
      } finally {
        fs.closeSync(fd);
        fs.rmSync(lock, { force: true });
      }
    }
    // another test file is serializing: wait for its result (or take over a stale lock)
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // lock just released: loop reads the file or takes the lock
    }
    if (age > LOCK_STALE_MS || Date.now() > deadline) fs.rmSync(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `run-serialized.js`, the plain-Node runner (no TypeScript loader). */
export const RUN_SERIALIZED = path.join(__dirname, "run-serialized.js");

/** One `create` call for `run-serialized.js --jobs`. */
export interface SerializedJob {
  key: SerializedProviderKey;
  inputs: Record<string, unknown>;
}

/** What `run-serialized.js` reports per job: string outputs only as sha256 digests. */
export type SerializedJobResult =
  | { key: SerializedProviderKey; id: string; keys: string[]; sha256: Record<string, string>; error?: undefined }
  | { key: SerializedProviderKey; error: string };

/**
 * Runs `jobs` in ONE plain Node process (`NODE_OPTIONS` cleared: no TypeScript loader), each a
 * `create` on a freshly evaluated provider from `file`. Async so a test server living in the
 * calling process keeps answering.
 */
export async function runSerializedJobs(file: string, jobs: readonly SerializedJob[], options: { cwd: string; env: Record<string, string> }): Promise<SerializedJobResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [RUN_SERIALIZED, file, "--jobs"], {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: "", ...options.env, PROVIDER_JOBS: JSON.stringify(jobs) },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(stdout) as SerializedJobResult[];
}

/** Writes `texts` as the JSON file `run-serialized.js` reads; returns its path. */
export function writeSerializedFile(dir: string, name: string, texts: Partial<SerializedProviders>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(texts));
  return file;
}

/**
 * The serialized text as if it had been written on another machine / checkout: every absolute
 * reference to `fromRoot` points into `toRoot` instead.
 */
export function relocateSerialized(text: string, fromRoot: string, toRoot: string): string {
  return text.split(`${fromRoot}${path.sep}`).join(`${toRoot}${path.sep}`).split(JSON.stringify(fromRoot)).join(JSON.stringify(toRoot));
}

/** Names of the functions Pulumi serialized by value under their own name (`function __<name>`). */
export function namedFunctions(text: string): string[] {
  return [...new Set([...text.matchAll(/function __([A-Za-z_$][\w$]*)\(/g)].map((m) => m[1] as string))].filter((n) => !/^f\d+$/.test(n)).sort();
}

/** Names of every variable a serialized function captured (the keys of its `with({ ... })` scope). */
export function capturedNames(text: string): string[] {
  const names = new Set<string>();
  for (const scope of text.matchAll(/with\(\{ (.*) \}\) \{$/gm)) {
    for (const m of (scope[1] as string).matchAll(/(?:^|, )([A-Za-z_$][\w$]*): /g)) names.add(m[1] as string);
  }
  return [...names].sort();
}

/** tsx entry point: serialize every provider and print them as JSON. */
async function main(): Promise<void> {
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const out: Partial<SerializedProviders> = {};
  for (const [key, { file, exportName }] of Object.entries(SERIALIZED_PROVIDERS)) {
    const mod = require(path.join(REPO_ROOT, file)) as Record<string, unknown>;
    const provider = mod[exportName];
    if (!provider) throw new Error(`${file} exports no ${exportName}`);
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    out[key as SerializedProviderKey] = sf.text;
  }
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
