/**
 * Shared pieces of the migration tests: reading and applying `supabase/migrations` the way the
 * Supabase CLI does (filename order, one file = one transaction), the Supabase stand-in fixture,
 * and running SQL as an API role with a user's JWT claims (what PostgREST does per request).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Client } from "pg";
import type { PostgresCluster } from "../helpers/postgres";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const MIGRATIONS_DIR = join(REPO_ROOT, "supabase", "migrations");
export const FIXTURE_FILE = join(__dirname, "fixtures", "supabase-platform.sql");
/** Supabase CLI: `<14-digit timestamp>_<name>.sql`. */
export const MIGRATION_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  file: string;
  sql: string;
}

/** Every `.sql` file in supabase/migrations, in the order the Supabase CLI applies them. */
export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => ({ file, sql: readFileSync(join(MIGRATIONS_DIR, file), "utf8") }));
}

/**
 * Applies every migration in order. Each file is sent as one simple-protocol query, which
 * PostgreSQL runs as one implicit transaction (like the CLI): a failing file leaves no trace.
 * Returns the NOTICE/WARNING messages raised, prefixed with the file name.
 */
export async function applyMigrations(client: Client): Promise<string[]> {
  const notices: string[] = [];
  let current = "";
  const onNotice = (n: { severity?: string; message?: string }): void => {
    notices.push(`${current}: ${n.severity ?? "NOTICE"}: ${n.message ?? ""}`);
  };
  client.on("notice", onNotice);
  try {
    for (const m of listMigrations()) {
      current = m.file;
      try {
        await client.query(m.sql);
      } catch (error) {
        throw new Error(`migration ${m.file} failed: ${(error as Error).message}`);
      }
    }
  } finally {
    client.off("notice", onNotice);
  }
  return notices;
}

/** Creates the Supabase-provided objects (roles, auth, storage) our migrations rely on. */
export async function applySupabaseFixture(client: Client): Promise<void> {
  await client.query(readFileSync(FIXTURE_FILE, "utf8"));
}

/** Options for {@link prepareDatabase}. */
export interface PrepareOptions {
  /** Apply the migrations after the fixture. @default true */
  migrate?: boolean;
  /** Session TimeZone while migrating (the server default is UTC). @default undefined */
  timezone?: string;
}

/** Creates `name` with the Supabase fixture and (unless `migrate` is false) every migration applied. */
export async function prepareDatabase(pg: PostgresCluster, name: string, options: PrepareOptions = {}): Promise<void> {
  await pg.createDatabase(name);
  const client = await pg.connect(name);
  try {
    if (options.timezone) await client.query("select set_config('timezone', $1, false)", [options.timezone]);
    await applySupabaseFixture(client);
    if (options.migrate ?? true) await applyMigrations(client);
  } finally {
    await client.end();
  }
}

/** Runs `fn` with a client connected to `database`, always closing it. */
export async function withClient<T>(pg: PostgresCluster, database: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = await pg.connect(database);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Who PostgREST would run a request as. */
export interface ApiIdentity {
  role: "anon" | "authenticated" | "service_role";
  /** auth.users id put in the JWT `sub` claim; omitted for anon/service_role. */
  sub?: string;
}

/**
 * Runs `fn` inside a transaction as PostgREST does: `SET LOCAL ROLE <role>` and the JWT claims in
 * `request.jwt.claims` (transaction-local). Rolls back afterwards unless `commit` is true.
 */
export async function asApi<T>(client: Client, who: ApiIdentity, fn: (c: Client) => Promise<T>, commit = false): Promise<T> {
  const claims = JSON.stringify({ role: who.role, ...(who.sub ? { sub: who.sub } : {}) });
  await client.query("begin");
  try {
    await client.query("select set_config('request.jwt.claims', $1, true)", [claims]);
    await client.query(`set local role ${who.role}`);
    const result = await fn(client);
    await client.query(commit ? "commit" : "rollback");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}

/** Inserts auth users (as the superuser, like GoTrue would) and returns their ids. */
export async function createUsers(client: Client, count: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `insert into auth.users (id, aud, role, email, created_at)
     select gen_random_uuid(), 'authenticated', 'authenticated', 'user' || g || '-' || gen_random_uuid() || '@example.test', now()
     from generate_series(1, $1::int) g
     returning id`,
    [count],
  );
  return rows.map((r) => r.id);
}

/** Years that must have their own partition: 2024 through next year (UTC), as the migration computes it. */
export function expectedPartitionYears(now = new Date()): number[] {
  const years: number[] = [];
  for (let y = 2024; y <= now.getUTCFullYear() + 1; y++) years.push(y);
  return years;
}

/** A plan node of `EXPLAIN (FORMAT JSON)`, reduced to what the tests read. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Flattens a plan tree into a list of nodes. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}
