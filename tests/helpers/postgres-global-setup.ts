/**
 * vitest globalSetup of the `postgres` project (vitest.config.mts): one PostgreSQL 15 and one
 * PostgreSQL 17 cluster for the whole run instead of a pair per test file (each start is an
 * initdb, ~1 s of CPU). Test files attach with `sharedPostgres(major)` (tests/helpers/postgres.ts)
 * and work in databases of their own; the clusters are stopped and deleted after the last file.
 * Vitest runs this only when a file of the project is queued.
 */
import type { ProvidedContext } from "vitest";
import { applySupabaseFixture } from "../migrations/support";
import { POSTGRES_VERSIONS, type PostgresCluster, startPostgres } from "./postgres";

/**
 * The Supabase roles (cluster-wide) exist before any test file runs, as on a Supabase server:
 * the fixture creates them only when missing, and two files running it at once on a fresh
 * cluster would both try to create them.
 */
async function createSupabaseRoles(cluster: PostgresCluster): Promise<void> {
  const scratch = "supabase_roles_setup";
  await cluster.createDatabase(scratch);
  const client = await cluster.connect(scratch);
  try {
    await applySupabaseFixture(client);
  } finally {
    await client.end();
  }
  const admin = await cluster.connect();
  try {
    await admin.query(`drop database ${scratch}`);
  } finally {
    await admin.end();
  }
}

/** The part of vitest's TestProject used here (`vitest/node` is ESM-only, this project is CommonJS). */
interface TestProjectLike {
  provide<K extends keyof ProvidedContext>(key: K, value: ProvidedContext[K]): void;
}

export default async function setup(project: TestProjectLike): Promise<() => Promise<void>> {
  const started = await Promise.allSettled(POSTGRES_VERSIONS.map((major) => startPostgres(major)));
  const clusters = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  try {
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    await Promise.all(clusters.map(createSupabaseRoles));
  } catch (err) {
    // Nothing is left running when one of them does not start.
    await Promise.all(clusters.map((c) => c.stop()));
    throw err;
  }
  project.provide(
    "sharedPostgres",
    clusters.map((c) => ({ major: c.major, ...c.connection })),
  );
  return async () => {
    await Promise.all(clusters.map((c) => c.stop()));
  };
}
