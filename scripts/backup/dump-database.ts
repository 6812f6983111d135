/**
 * Daily logical backup of the database (the guide's "Full database backup"):
 *   1. opens a REPEATABLE READ transaction and exports its snapshot;
 *   2. inside that snapshot, writes the manifest (per-table row counts and checksums, RLS flags,
 *      policies, partitions: lib/manifest.ts);
 *   3. runs `pg_dump --format=custom --snapshot=<it>`, so the dump holds exactly what the manifest
 *      describes, and `pg_dumpall --roles-only --no-role-passwords` (the roles the dump's grants and
 *      policies name; Supabase does not expose password hashes);
 *   4. uploads dump, roles and manifest (the manifest last: its presence marks a complete backup)
 *      under `<prefix>database/YYYY/MM/DD/<stamp>/`.
 *
 *   node scripts/launch.cjs scripts/backup/dump-database.ts
 *
 * Environment: DATABASE_URL (the Supabase session pooler URL, `sslmode=require`: GitHub's hosted
 * runners have no IPv6 and the direct host is IPv6-only), PG_BIN_DIR (pg_dump of the server's
 * major version), and the bucket variables of lib/s3.ts.
 * Exit: 0 uploaded; 1 failed; 2 setup problem (missing variable, pg_dump older than the server).
 * Prints one JSON line with the result (keys, bytes, seconds) for the workflow's heartbeat step.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeDatabase, type Manifest } from "./lib/manifest";
import { connect, dumpToolProblem, libpqEnv, parsePgUrl, pgTool, run, serverMajor, toolMajor } from "./lib/postgres";
import { bucketFromEnv, putBuffer, requireEnv, stampPath, uploadFile } from "./lib/s3";
import { createHash } from "node:crypto";

/** Thrown for problems the operator must fix before a retry can work (exit 2). */
class SetupError extends Error {}

async function dumpDatabase(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  let target: ReturnType<typeof parsePgUrl>;
  let bucket: ReturnType<typeof bucketFromEnv>;
  try {
    target = parsePgUrl(requireEnv(env, "DATABASE_URL", "Set it to the Supabase session pooler URL (postgres://postgres.<ref>:…@aws-0-<region>.pooler.supabase.com:5432/postgres?sslmode=require)."));
    bucket = bucketFromEnv(env);
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const started = Date.now();
  const client = await connect(target);
  const work = await mkdtemp(join(tmpdir(), "pp-dump-"));
  try {
    const server = await serverMajor(client);
    const pgDump = pgTool("pg_dump", env);
    const dumpMajor = await toolMajor(pgDump, env);
    const problem = dumpToolProblem(pgDump, dumpMajor, server.major);
    if (problem) throw new SetupError(problem);

    await client.query("begin transaction isolation level repeatable read read only");
    const snapshot = (await client.query<{ id: string }>("select pg_export_snapshot() as id")).rows[0]?.id ?? "";
    const takenAt = (await client.query<{ at: Date }>("select now() as at")).rows[0]?.at ?? new Date();
    const described = await describeDatabase(client);

    const dumpFile = join(work, "dump.pgcustom");
    const rolesFile = join(work, "roles.sql");
    const toolEnv = libpqEnv(target, env);
    const [dump, roles] = await Promise.all([
      run(pgDump, ["--format=custom", `--snapshot=${snapshot}`, "--no-password", `--file=${dumpFile}`], toolEnv),
      run(pgTool("pg_dumpall", env), ["--roles-only", "--no-role-passwords", "--no-password", `--file=${rolesFile}`, `--database=${target.database}`], toolEnv),
    ]);
    await client.query("commit");
    if (dump.code !== 0) throw new Error(`pg_dump failed (exit ${dump.code}): ${dump.stderr.trim()}`);
    if (roles.code !== 0) throw new Error(`pg_dumpall --roles-only failed (exit ${roles.code}): ${roles.stderr.trim()}`);

    const dir = `database/${stampPath(takenAt)}`;
    const uploadStarted = Date.now();
    const dumpUp = await uploadFile(bucket, `${dir}/dump.pgcustom`, dumpFile, "application/octet-stream", Number(env.BACKUP_PART_BYTES) || undefined);
    const rolesBody = await readFile(rolesFile);
    await putBuffer(bucket, `${dir}/roles.sql`, rolesBody, "application/sql");
    const manifest: Manifest = {
      format: 1,
      takenAt: takenAt.toISOString(),
      serverVersion: server.version,
      serverMajor: server.major,
      database: target.database,
      dump: { key: `${dir}/dump.pgcustom`, bytes: dumpUp.bytes, sha256: dumpUp.sha256, format: "custom", pgDumpMajor: dumpMajor },
      roles: { key: `${dir}/roles.sql`, bytes: rolesBody.length, sha256: createHash("sha256").update(rolesBody).digest("hex") },
      databaseBytes: described.databaseBytes,
      tables: described.tables,
      policies: described.policies,
    };
    await putBuffer(bucket, `${dir}/manifest.json`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), "application/json");
    return {
      ok: true,
      manifestKey: `${dir}/manifest.json`,
      dumpBytes: dumpUp.bytes,
      databaseBytes: described.databaseBytes,
      tables: described.tables.length,
      rows: described.tables.reduce((n, t) => n + t.rows, 0),
      dumpSeconds: dump.ms / 1000,
      uploadSeconds: (Date.now() - uploadStarted) / 1000,
      totalSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await client.end().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

dumpDatabase(process.env).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(`dump-database: ${(error as Error).message}`);
    process.exitCode = error instanceof SetupError ? 2 : 1;
  },
);
