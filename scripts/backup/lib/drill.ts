/**
 * The restore drill's steps (scripts/restore-drill.ts is the command line): find the newest
 * complete backup, fetch it, check its SHA-256, restore it into a scratch server, compare the
 * restored database with the manifest, and measure how long the restore took.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESTORE_BUDGET_MINUTES } from "../../../components/backups/rto";
import { compareToManifest, describeDatabase, type Manifest } from "./manifest";
import { connect, libpqEnv, type PgTarget, pgTool, run, serverMajor, withDatabase } from "./postgres";
import { type BucketTarget, downloadFile, getBuffer, listKeys } from "./s3";

/** Options of one drill run. */
export interface DrillOptions {
  bucket: BucketTarget;
  /** Superuser URL of the scratch server (its `postgres` database is used for admin statements). */
  scratch: PgTarget;
  /** Database to restore into. @default `drill_<manifest stamp>` */
  database?: string;
  /** Manifest key; @default the newest under `database/` */
  manifestKey?: string;
  /** Skip download and restore; verify an existing database. @default false */
  verifyOnly?: boolean;
  /** Keep the restored database afterwards. @default false */
  keep?: boolean;
  /** pg_restore --jobs. @default 2 */
  jobs?: number;
  /** Minutes the restore step may take within the RTO. @default {@link RESTORE_BUDGET_MINUTES} */
  restoreBudgetMinutes?: number;
  env?: NodeJS.ProcessEnv;
  /** Clock for the backup's age. @default now */
  now?: Date;
}

/** What a drill found and measured. */
export interface DrillReport {
  ok: boolean;
  manifestKey: string;
  takenAt: string;
  backupAgeHours: number;
  sourceServerVersion: string;
  targetServerVersion: string;
  database: string;
  dumpBytes: number;
  /** pg_database_size of the restored database. */
  restoredBytes: number;
  downloadSeconds: number;
  restoreSeconds: number;
  verifySeconds: number;
  /** restoredBytes / restoreSeconds, MiB/s (0 when only verifying). */
  throughputMiBps: number;
  restoreBudgetMinutes: number;
  /** Largest database whose restore fits the budget at the measured throughput, GiB. */
  maxDatabaseGiBWithinRto: number;
  tables: number;
  rows: number;
  /** Every mismatch and every restore error; empty when the drill passed. */
  problems: string[];
}

/** The newest `…/manifest.json` under `database/` (keys sort by time: lib/s3.ts stampPath). */
export async function newestManifestKey(bucket: BucketTarget): Promise<string> {
  const keys = (await listKeys(bucket, "database/")).filter((k) => k.endsWith("/manifest.json")).sort();
  const newest = keys.at(-1);
  if (!newest) throw new Error(`no backup found: no database/**/manifest.json in s3://${bucket.bucket}/${bucket.prefix}`);
  return newest;
}

/** Reads and sanity-checks a manifest. */
export async function readManifest(bucket: BucketTarget, key: string): Promise<Manifest> {
  const manifest = JSON.parse((await getBuffer(bucket, key)).toString("utf8")) as Manifest;
  if (manifest.format !== 1 || !Array.isArray(manifest.tables) || !manifest.dump?.key) throw new Error(`${key}: not a format-1 backup manifest`);
  return manifest;
}

/** psql/pg_restore stderr lines that report an error. Roles that already exist are expected (`postgres`, the Supabase roles on a Supabase image). */
function errorLines(stderr: string, tool: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => /\berror\b|ERROR:/.test(l))
    .filter((l) => !/role "[^"]+" already exists/.test(l))
    .map((l) => `${tool}: ${l.trim()}`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs one drill. Never throws for a bad restore: every problem lands in `problems`. */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const env = options.env ?? process.env;
  const manifestKey = options.manifestKey ?? (await newestManifestKey(options.bucket));
  const manifest = await readManifest(options.bucket, manifestKey);
  const stamp = manifestKey.split("/").at(-2) ?? "latest";
  const database = options.database ?? `drill_${stamp.toLowerCase()}`;
  const budget = options.restoreBudgetMinutes ?? RESTORE_BUDGET_MINUTES;
  const problems: string[] = [];
  let downloadSeconds = 0;
  let restoreSeconds = 0;

  const admin = await connect(withDatabase(options.scratch, "postgres"));
  const target = await serverMajor(admin);
  if (target.major < manifest.serverMajor) {
    problems.push(`scratch server runs PostgreSQL ${target.version}, older than the source's ${manifest.serverVersion}: restore into ${manifest.serverMajor} or newer`);
  }
  const work = await mkdtemp(join(tmpdir(), "pp-drill-"));
  try {
    if (!options.verifyOnly && problems.length === 0) {
      const t0 = Date.now();
      const dumpFile = join(work, "dump.pgcustom");
      const rolesFile = join(work, "roles.sql");
      const [dump, roles] = await Promise.all([downloadFile(options.bucket, manifest.dump.key, dumpFile), downloadFile(options.bucket, manifest.roles.key, rolesFile)]);
      downloadSeconds = (Date.now() - t0) / 1000;
      if (dump.sha256 !== manifest.dump.sha256) problems.push(`${manifest.dump.key}: SHA-256 ${dump.sha256} does not match the manifest's ${manifest.dump.sha256}`);
      if (roles.sha256 !== manifest.roles.sha256) problems.push(`${manifest.roles.key}: SHA-256 ${roles.sha256} does not match the manifest's ${manifest.roles.sha256}`);
      if (problems.length === 0) {
        const t1 = Date.now();
        const toolEnv = libpqEnv(withDatabase(options.scratch, "postgres"), env);
        const psql = await run(pgTool("psql", env), ["-X", "-q", "--no-password", "-f", rolesFile], toolEnv);
        problems.push(...errorLines(psql.stderr, "roles.sql"));
        await admin.query(`create database ${quoteIdent(database)} template template0`);
        const restore = await run(
          pgTool("pg_restore", env),
          ["--no-password", `--jobs=${options.jobs ?? 2}`, `--dbname=${database}`, dumpFile],
          libpqEnv(withDatabase(options.scratch, database), env),
        );
        restoreSeconds = (Date.now() - t1) / 1000;
        problems.push(...errorLines(restore.stderr, "pg_restore"));
        if (restore.code !== 0 && errorLines(restore.stderr, "pg_restore").length === 0) problems.push(`pg_restore: exited ${restore.code}: ${restore.stderr.trim()}`);
      }
    }

    const t2 = Date.now();
    let restoredBytes = 0;
    let described: Awaited<ReturnType<typeof describeDatabase>> | undefined;
    try {
      const db = await connect(withDatabase(options.scratch, database));
      try {
        described = await describeDatabase(db);
        restoredBytes = described.databaseBytes;
      } finally {
        await db.end();
      }
    } catch (e) {
      problems.push(`${database}: cannot be read after restore (${(e as Error).message})`);
    }
    if (described) problems.push(...compareToManifest(manifest, described));
    const verifySeconds = (Date.now() - t2) / 1000;

    const throughput = restoreSeconds > 0 ? restoredBytes / (1024 * 1024) / restoreSeconds : 0;
    return {
      ok: problems.length === 0,
      manifestKey,
      takenAt: manifest.takenAt,
      backupAgeHours: Math.round((((options.now ?? new Date()).getTime() - Date.parse(manifest.takenAt)) / 3_600_000) * 10) / 10,
      sourceServerVersion: manifest.serverVersion,
      targetServerVersion: target.version,
      database,
      dumpBytes: manifest.dump.bytes,
      restoredBytes,
      downloadSeconds,
      restoreSeconds,
      verifySeconds,
      throughputMiBps: Math.round(throughput * 100) / 100,
      restoreBudgetMinutes: budget,
      maxDatabaseGiBWithinRto: Math.round(((throughput * budget * 60) / 1024) * 10) / 10,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
      problems,
    };
  } finally {
    if (!options.keep && !options.verifyOnly) await admin.query(`drop database if exists ${quoteIdent(database)} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** The report as a person reads it. */
export function formatReport(r: DrillReport): string {
  const lines = [
    `restore drill ${r.ok ? "PASSED" : "FAILED"}: ${r.manifestKey}`,
    `  backup taken ${r.takenAt} (${r.backupAgeHours} h ago) on PostgreSQL ${r.sourceServerVersion}; restored into PostgreSQL ${r.targetServerVersion}, database ${r.database}`,
    `  ${r.tables} tables, ${r.rows} rows; dump ${r.dumpBytes} bytes, restored database ${r.restoredBytes} bytes`,
    `  download ${r.downloadSeconds.toFixed(1)} s, restore ${r.restoreSeconds.toFixed(1)} s, verify ${r.verifySeconds.toFixed(1)} s; throughput ${r.throughputMiBps} MiB/s`,
    `  RTO: at ${r.throughputMiBps} MiB/s the restore step's ${r.restoreBudgetMinutes} min (of the 4 h RTO) fits a database of up to ${r.maxDatabaseGiBWithinRto} GiB`,
  ];
  if (r.problems.length > 0) lines.push(`  ${r.problems.length} problem(s):`, ...r.problems.map((p) => `    - ${p}`));
  return lines.join("\n");
}
