/**
 * The backup and the restore drill on real PostgreSQL, end to end, through a local S3 server:
 * the project's migrations + 12,000 reflections on PostgreSQL 15 → scripts/backup/dump-database.ts
 * (Debian's pg_dump 15) → scripts/restore-drill.ts restores into a fresh PostgreSQL 15 and a
 * PostgreSQL 17 server and passes on both; a corrupted restore (partition dropped, rows deleted,
 * RLS disabled) fails naming each difference.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../scripts/backup/lib/manifest";
import { bucketFromEnv, listKeys } from "../../scripts/backup/lib/s3";
import { type PostgresCluster, sharedPostgres, startPostgres } from "../helpers/postgres";
import { createUsers, prepareDatabase, withClient } from "../migrations/support";
import { type LocalS3, pgUrl, runScript, type ScriptRun, startS3 } from "./support";

const BUCKET = "pp-backups-test";
const REFLECTIONS = 12_000;

let s3: LocalS3;
let source: PostgresCluster;
let fresh15: PostgresCluster;
let target17: PostgresCluster;
let env: Record<string, string>;
let dump: ScriptRun;

const drillEnv = (pg: PostgresCluster) => ({ ...env, SCRATCH_DATABASE_URL: pgUrl(pg.config(), "postgres") });
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as T;

beforeAll(async () => {
  // The source is the run's shared PostgreSQL 15 cluster. Both targets are clusters of their
  // own: restoring into them proves the backup brings every role it needs, across versions too
  // (PostgreSQL 16 changed how role memberships are granted), and the drill's ALTER ROLE never
  // reaches a cluster other files use.
  source = sharedPostgres(15);
  [s3, fresh15, target17] = await Promise.all([startS3([BUCKET]), startPostgres(15), startPostgres(17)]);
  env = { ...s3.env, BACKUP_BUCKET: BUCKET, BACKUP_PREFIX: "prod/", BACKUP_KMS_KEY_ARN: "arn:aws:kms:eu-west-2:123456789012:key/test", PG_BIN_DIR: "/usr/bin" };
  await prepareDatabase(source, "drill_app");
  await withClient(source, "drill_app", async (c) => {
    const users = await createUsers(c, 200);
    // Spread over 2024 through next year: every yearly partition gets rows.
    await c.query(
      `insert into public.reflections (user_id, prompt, content, mood, created_at)
       select ($1::uuid[])[1 + g % array_length($1::uuid[], 1)], 'prompt ' || g, repeat('reflection text ', 1 + g % 20),
              case when g % 3 = 0 then 'calm' end,
              timestamptz '2024-01-01 00:00:00+00' + (g % ((extract(year from now())::int - 2023) * 365)) * interval '1 day' + g * interval '1 second'
       from generate_series(1, $2::int) g`,
      [users, REFLECTIONS],
    );
    await c.query(
      `insert into storage.objects (bucket_id, name, metadata)
       select 'reflection-attachments', ($1::uuid[])[g] || '/photo-' || g || '.jpg', jsonb_build_object('size', g * 1000, 'mimetype', 'image/jpeg')
       from generate_series(1, 50) g`,
      [users],
    );
  });
  dump = await runScript("scripts/backup/dump-database.ts", [], { ...env, DATABASE_URL: pgUrl(source.config(), "drill_app") });
});

afterAll(async () => {
  await Promise.all([source?.stop(), fresh15?.stop(), target17?.stop(), s3?.stop()]);
});

describe("dump-database (pg_dump 15 of a PostgreSQL 15 server)", () => {
  it("uploads dump, roles and manifest under <prefix>database/YYYY/MM/DD/<stamp>/, manifest last", async () => {
    expect(dump.stderr).not.toMatch(/dump-database:/);
    expect(dump.code).toBe(0);
    const result = lastJson<{ ok: boolean; manifestKey: string; rows: number }>(dump.stdout);
    expect(result.ok).toBe(true);
    expect(result.manifestKey).toMatch(/^database\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z\/manifest\.json$/);
    const keys = await listKeys(bucketFromEnv(env), "database/");
    const dir = result.manifestKey.replace(/manifest\.json$/, "");
    expect(keys.sort()).toEqual([`${dir}dump.pgcustom`, `${dir}manifest.json`, `${dir}roles.sql`]);
  });

  it("records every table with its rows, RLS flags and partitions, matching the source", async () => {
    const bucket = bucketFromEnv(env);
    const key = lastJson<{ manifestKey: string }>(dump.stdout).manifestKey;
    const r = await bucket.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `prod/${key}` }));
    const manifest = JSON.parse(await (r.Body as { transformToString(): Promise<string> }).transformToString()) as Manifest;
    expect(manifest.serverMajor).toBe(15);
    expect(manifest.dump.pgDumpMajor).toBe(15);
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    const parts = manifest.tables.filter((t) => t.partitionOf === "reflections");
    const year = new Date().getUTCFullYear();
    expect(parts.map((t) => t.name).sort()).toEqual(
      [...Array.from({ length: year + 2 - 2024 }, (_, i) => `reflections_${2024 + i}`), "reflections_default"].sort(),
    );
    expect(parts.reduce((n, t) => n + t.rows, 0)).toBe(REFLECTIONS);
    expect(byName.get("reflections")).toMatchObject({ kind: "partitioned", rls: true, forceRls: true });
    expect(parts.every((t) => t.rls)).toBe(true);
    expect(byName.get("storage.objects")?.rows).toBe(50);
    expect(byName.get("auth.users")?.rows).toBe(200);
    expect(manifest.policies).toEqual(expect.arrayContaining(["reflections: reflections_select_own", "storage.objects: reflection_attachments_select_own"]));
  });

  it("refuses a server newer than its pg_dump, naming the package to install (exit 2)", async () => {
    const r = await runScript("scripts/backup/dump-database.ts", [], { ...env, DATABASE_URL: pgUrl(target17.config(), "postgres") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/usr/bin/pg_dump is version 15 but the server runs PostgreSQL 17");
    expect(r.stderr).toContain("Install postgresql-client-17 and set PG_BIN_DIR=/usr/lib/postgresql/17/bin");
  });
});

describe("restore-drill", () => {
  type Report = { ok: boolean; problems: string[]; restoreSeconds: number; throughputMiBps: number; maxDatabaseGiBWithinRto: number; rows: number; targetServerVersion: string };

  it.each([
    ["a fresh PostgreSQL 15", () => fresh15, 15],
    ["PostgreSQL 17", () => target17, 17],
  ])("restores the newest dump into %s and passes, reporting time, throughput and the RTO size", async (_what, pg, major) => {
    const r = await runScript("scripts/restore-drill.ts", ["--database", `drill_ok_${major}`], drillEnv(pg()));
    expect(r.stdout).toContain("restore drill PASSED");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restore \d+\.\d s, verify \d+\.\d s; throughput [\d.]+ MiB\/s/);
    expect(r.stdout).toMatch(/fits a database of up to [\d.]+ GiB/);
    expect(r.stdout).toContain(`restored into PostgreSQL ${major}.`);
    // 12,000 reflections + 200 users + 50 storage objects + 1 storage bucket.
    expect(r.stdout).toContain(`${REFLECTIONS + 251} rows`);
    // Not kept: the scratch database is dropped after the drill.
    const left = await withClient(pg(), "postgres", (c) => c.query("select 1 from pg_database where datname = $1", [`drill_ok_${major}`]));
    expect(left.rowCount).toBe(0);
  });

  it("fails on a corrupted restore, naming the dropped partition, the deleted rows and the disabled RLS", async () => {
    const year = new Date().getUTCFullYear();
    const kept = await runScript("scripts/restore-drill.ts", ["--database", "drill_bad", "--keep"], drillEnv(target17));
    expect(kept.code).toBe(0);
    await withClient(target17, "drill_bad", async (c) => {
      await c.query("drop table public.reflections_2025");
      await c.query(`delete from public.reflections_${year} where mood = 'calm'`);
      await c.query("alter table public.reflections disable row level security");
    });
    const report = join(mkdtempSync(join(tmpdir(), "pp-drill-")), "report.json");
    const r = await runScript("scripts/restore-drill.ts", ["--database", "drill_bad", "--verify-only", "--report", report], drillEnv(target17));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("restore drill FAILED");
    const { problems } = JSON.parse(readFileSync(report, "utf8")) as Report;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^reflections: row-level security disabled after restore, enabled in the manifest$/);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reflections_2025: missing after restore \(the manifest has it: partition of reflections FOR VALUES FROM \('2025-01-01 00:00:00\+00'\) TO \('2026-01-01 00:00:00\+00'\), \d+ rows\)$/),
        expect.stringMatching(new RegExp(`^reflections_${year}: \\d+ rows after restore, \\d+ in the manifest$`)),
      ]),
    );
    for (const p of problems) expect(r.stdout).toContain(p);
  });

  it("exits 2 naming a missing setting", async () => {
    const r = await runScript("scripts/restore-drill.ts", [], { ...env, SCRATCH_DATABASE_URL: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SCRATCH_DATABASE_URL: not set.");
  });
});
