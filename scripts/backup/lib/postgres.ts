/**
 * Connecting the backup jobs to PostgreSQL: one parsed connection URL feeds both the node client
 * (manifest queries) and the libpq tools (pg_dump, pg_dumpall, pg_restore, psql), which get the
 * password through PGPASSWORD so it never appears in a process listing or a log line.
 *
 * TLS follows libpq's `sslmode` meaning (https://www.postgresql.org/docs/current/libpq-ssl.html):
 * `require` encrypts without verifying the server; `verify-ca`/`verify-full` verify against
 * PGSSLROOTCERT (Supabase's CA certificate, downloadable from the dashboard). The Supabase session
 * pooler (`postgres.<ref>@aws-0-<region>.pooler.supabase.com:5432`, IPv4) needs at least `require`.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, type ClientConfig } from "pg";

/** A parsed `postgres://` URL. */
export interface PgTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** libpq sslmode, `disable` when the URL sets none. */
  sslmode: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
}

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

/** Parses a `postgres://user:password@host:port/database?sslmode=…` URL; the error never echoes the password. */
export function parsePgUrl(url: string, what = "DATABASE_URL"): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${what}: not a URL (expected postgres://user:password@host:5432/postgres?sslmode=require)`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`${what}: scheme must be postgres:// or postgresql:// (got ${parsed.protocol}//)`);
  }
  const sslmode = (parsed.searchParams.get("sslmode") ?? "disable") as PgTarget["sslmode"];
  if (!SSL_MODES.includes(sslmode)) throw new Error(`${what}: sslmode must be one of ${SSL_MODES.join(", ")} (got ${sslmode})`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
    sslmode,
  };
}

/** The same server, another database. */
export function withDatabase(target: PgTarget, database: string): PgTarget {
  return { ...target, database };
}

/** node-postgres settings for a target (TLS as libpq would do it). */
export function clientConfig(target: PgTarget, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const tls = target.sslmode === "require" || target.sslmode === "verify-ca" || target.sslmode === "verify-full";
  const ca = env.PGSSLROOTCERT ? readFileSync(env.PGSSLROOTCERT, "utf8") : undefined;
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: tls ? { rejectUnauthorized: target.sslmode !== "require", ...(ca ? { ca } : {}) } : false,
    application_name: "promptandpause-backup",
  };
}

/** Opens a client with the settings that make row text identical on every server (see manifest.ts). */
export async function connect(target: PgTarget): Promise<Client> {
  const client = new Client(clientConfig(target));
  await client.connect();
  return client;
}

/** Environment for libpq tools: connection through PG* variables, password included, nothing on the command line. */
export function libpqEnv(target: PgTarget, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    PGHOST: target.host,
    PGPORT: String(target.port),
    PGUSER: target.user,
    PGPASSWORD: target.password,
    PGDATABASE: target.database,
    PGSSLMODE: target.sslmode,
    PGAPPNAME: "promptandpause-backup",
  };
}

/** `PG_BIN_DIR/<tool>` when PG_BIN_DIR is set (e.g. /usr/lib/postgresql/17/bin), else the tool on PATH. */
export function pgTool(tool: "pg_dump" | "pg_dumpall" | "pg_restore" | "psql", env: NodeJS.ProcessEnv = process.env): string {
  return env.PG_BIN_DIR ? join(env.PG_BIN_DIR, tool) : tool;
}

/** Result of a finished child process. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a tool to completion, capturing its output (never throws for a non-zero exit). */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new Error(`${command}: could not start (${e.message}). Install it or set PG_BIN_DIR.`)));
    child.on("close", (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: Date.now() - started }),
    );
  });
}

/** Major version of a libpq tool (`pg_dump (PostgreSQL) 15.18 (Debian …)` → 15). */
export async function toolMajor(tool: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const r = await run(tool, ["--version"], env);
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(r.stdout);
  if (r.code !== 0 || !m?.[1]) throw new Error(`${tool} --version: unexpected output ${JSON.stringify(r.stdout.trim() || r.stderr.trim())}`);
  return Number(m[1]);
}

/** The server's major version (`server_version_num` 170004 → 17). */
export async function serverMajor(client: Client): Promise<{ major: number; version: string }> {
  const { rows } = await client.query<{ num: string; version: string }>(
    "select current_setting('server_version_num') as num, current_setting('server_version') as version",
  );
  const row = rows[0];
  if (!row) throw new Error("could not read server_version_num");
  return { major: Math.floor(Number(row.num) / 10000), version: row.version };
}

/**
 * pg_dump refuses a server newer than itself ("aborting because of server version mismatch").
 * Checked before anything is dumped, with the fix named.
 */
export function dumpToolProblem(tool: string, toolMajorVersion: number, server: number): string | undefined {
  if (toolMajorVersion >= server) return undefined;
  return `${tool} is version ${toolMajorVersion} but the server runs PostgreSQL ${server}: pg_dump cannot dump a newer server. Install postgresql-client-${server} and set PG_BIN_DIR=/usr/lib/postgresql/${server}/bin.`;
}
