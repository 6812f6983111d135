/**
 * Shared pieces of the backup tests: a local S3-compatible server (@20minutes/s3rver, a
 * maintained fork of s3rver) with the backup bucket, and running the backup scripts as processes
 * the way the workflow does (`node scripts/launch.cjs <script>`), with the environment they read.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import S3rver from "@20minutes/s3rver";
import { runEntry } from "../helpers/run-entry";

export const REPO_ROOT = resolve(__dirname, "..", "..");

/** A running local S3 server. */
export interface LocalS3 {
  endpoint: string;
  /** Environment for the scripts: endpoint, region and the server's fixed credentials. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * Starts s3rver on 127.0.0.1 with `buckets` created. s3rver's SigV4 check rejects some requests
 * the current SDK signs correctly (ListObjectsV2 with a prefix), so signature checking is off:
 * these tests prove what the jobs store and read, not AWS's signing.
 */
export async function startS3(buckets: string[]): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "pp-s3-"));
  const server = new (S3rver as unknown as S3rverCtor)({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    allowMismatchedSignatures: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { BACKUP_S3_ENDPOINT: endpoint, AWS_REGION: "eu-west-2", AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Result of a script run. */
export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/launch.cjs <script> …args` with exactly `env` (plus PATH, HOME and the colour switches runEntry sets); a killed run counts as exit 1. */
export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const r = await runEntry(script, args, { env, cleanEnv: true });
  return { ...r, code: r.code ?? 1 };
}

/** postgres:// URL of a test cluster's superuser on `database`. */
export function pgUrl(config: { host?: string; port?: number; user?: string; password?: string | (() => string | Promise<string>) }, database: string): string {
  const password = typeof config.password === "string" ? config.password : "";
  return `postgres://${encodeURIComponent(config.user ?? "postgres")}:${encodeURIComponent(password)}@${config.host ?? "127.0.0.1"}:${config.port ?? 5432}/${database}`;
}
