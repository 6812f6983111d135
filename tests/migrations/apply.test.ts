/**
 * supabase/migrations apply from empty on real PostgreSQL 15 and 17, re-apply without changing
 * anything or losing data, fix the guide's SQL bugs, and schedule maintenance only with pg_cron.
 */
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_VERSIONS, type PostgresCluster, sharedPostgres } from "../helpers/postgres";
import {
  applyMigrations,
  createUsers,
  expectedPartitionYears,
  listMigrations,
  MIGRATION_NAME,
  prepareDatabase,
  withClient,
} from "./support";

/** Everything the migrations define, read from the catalogs; equal before/after a re-run = no drift. */
async function schemaFingerprint(c: Client): Promise<unknown> {
  const q = async (sql: string): Promise<unknown[]> => (await c.query(sql)).rows;
  return {
    partitions: await q(`select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound, c.relrowsecurity as rls
                         from pg_inherits i join pg_class c on c.oid = i.inhrelid
                         where i.inhparent = 'public.reflections'::regclass order by 1`),
    indexes: await q(`select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def from pg_index
                      where indrelid in (select 'public.reflections'::regclass union all
                                         select inhrelid from pg_inherits where inhparent = 'public.reflections'::regclass)
                      order by 1`),
    policies: await q(`select schemaname, tablename, policyname, cmd, roles::text, qual, with_check from pg_policies
                       where (schemaname, tablename) in (('public', 'reflections'), ('storage', 'objects')) order by 1, 2, 3`),
    grants: await q(`select table_name, grantee, privilege_type from information_schema.role_table_grants
                     where table_schema = 'public' and table_name like 'reflections%' order by 1, 2, 3`),
    rls: await q(`select relname, relrowsecurity, relforcerowsecurity from pg_class where oid = 'public.reflections'::regclass`),
    buckets: await q("select id, name, public, file_size_limit, allowed_mime_types from storage.buckets order by id"),
    functions: await q(`select p.oid::regprocedure::text as sig, p.proacl::text as acl from pg_proc p
                        where p.pronamespace = 'public'::regnamespace order by 1`),
  };
}

describe("supabase/migrations files", () => {
  const migrations = listMigrations();

  it("exist and are named <14-digit timestamp>_<name>.sql with unique timestamps", () => {
    expect(migrations.length).toBeGreaterThanOrEqual(6);
    const stamps = migrations.map((m) => {
      const match = MIGRATION_NAME.exec(m.file);
      expect(match, `${m.file} does not match <14 digits>_<lower_snake>.sql`).not.toBeNull();
      return match?.[1];
    });
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it.each(migrations.map((m) => [m.file, m.sql] as const))("%s never drops or deletes user data", (_file, sql) => {
    const code = sql.replace(/--[^\n]*/g, ""); // comments may quote the guide
    expect(code).not.toMatch(/\bdrop\s+(table|schema|column|index|materialized|view|database|extension)\b/i);
    expect(code).not.toMatch(/\btruncate\b/i);
    expect(code).not.toMatch(/\bdetach\s+partition\b/i);
    // The only DELETE allowed is the move out of the default partition, fed straight into an INSERT.
    const deletes = code.match(/\bdelete\s+from\b[^']*/gi) ?? [];
    for (const d of deletes) {
      expect(d).toMatch(/^delete from public\.reflections_default where created_at >= %L and created_at < %L returning \*\) $/i);
    }
  });

  it("use CONCURRENTLY nowhere (it cannot run on a partitioned table or inside the migration transaction)", () => {
    for (const m of migrations) expect(m.sql.replace(/--[^\n]*/g, "")).not.toMatch(/\bconcurrently\b/i);
  });
});

describe.each(POSTGRES_VERSIONS)("migrations on PostgreSQL %i", (major) => {
  let pg: PostgresCluster;

  beforeAll(async () => {
    pg = sharedPostgres(major);
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("apply from empty, then a second full run changes nothing", async () => {
    await prepareDatabase(pg, "apply_twice", { migrate: false });
    await withClient(pg, "apply_twice", async (c) => {
      await applyMigrations(c);
      const first = await schemaFingerprint(c);
      await applyMigrations(c);
      const second = await schemaFingerprint(c);
      expect(second).toEqual(first);

      const { rows } = await c.query<{ relname: string }>(
        `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'public.reflections'::regclass order by 1`,
      );
      expect(rows.map((r) => r.relname)).toEqual([
        ...expectedPartitionYears().map((y) => `reflections_${y}`),
        "reflections_default",
      ]);
      const { rows: buckets } = await c.query("select count(*)::int as n from storage.buckets where id = 'reflection-attachments'");
      expect(buckets[0].n).toBe(1);
    });
  });

  it("keeps all 10,000 existing rows, byte for byte, when every migration runs again", async () => {
    await prepareDatabase(pg, "keep_rows");
    await withClient(pg, "keep_rows", async (c) => {
      const users = await createUsers(c, 25);
      const lastYear = new Date().getUTCFullYear() + 1;
      // Spread over every partition, plus some rows before 2024 that can only live in the default one.
      await c.query(
        `insert into public.reflections (user_id, prompt, content, mood, created_at)
         select ($1::uuid[])[1 + g % 25], 'prompt ' || g, 'content ' || md5(g::text), case when g % 4 = 0 then 'calm' end,
                case when g % 100 = 0 then timestamptz '2019-06-01 00:00:00+00' + g * interval '1 minute'
                     else timestamptz '2024-01-01 00:00:00+00'
                          + (g::double precision / 10000) * (make_timestamptz($2::int + 1, 1, 1, 0, 0, 0, 'UTC') - timestamptz '2024-01-01 00:00:00+00')
                end
         from generate_series(0, 9999) g`,
        [users, lastYear],
      );
      const snapshot = `select count(*)::int as n,
                               md5(string_agg(id::text || user_id::text || prompt || content || coalesce(mood, '-') || created_at::text, ',' order by id)) as digest,
                               count(*) filter (where tableoid = 'public.reflections_default'::regclass)::int as in_default
                        from public.reflections`;
      const before = (await c.query(snapshot)).rows[0];
      expect(before.n).toBe(10_000);
      expect(before.in_default).toBe(100);

      await applyMigrations(c);

      const after = (await c.query(snapshot)).rows[0];
      expect(after).toEqual(before);
    });
  });

  it("fixes the guide's SQL: CONCURRENTLY on the partitioned parent and a 2024-only partition both fail as written", async () => {
    await prepareDatabase(pg, "guide_sql");
    await withClient(pg, "guide_sql", async (c) => {
      // The guide's statement, verbatim apart from the schema: PostgreSQL refuses it.
      await expect(
        c.query("CREATE INDEX CONCURRENTLY idx_reflections_guide ON public.reflections(user_id, created_at DESC)"),
      ).rejects.toThrow(/cannot create index on partitioned table "reflections" concurrently/);

      // The guide's partitioning: only a 2024 partition, so a 2025 row has nowhere to go.
      await c.query(`create table guide_reflections (id uuid, created_at timestamptz not null) partition by range (created_at);
                     CREATE TABLE guide_reflections_2024 PARTITION OF guide_reflections FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`);
      await expect(
        c.query("insert into guide_reflections values (gen_random_uuid(), '2025-03-01 00:00:00+00')"),
      ).rejects.toThrow(/no partition of relation/);

      // Ours stores the same row in its own partition.
      const [user] = await createUsers(c, 1);
      const { rows } = await c.query(
        `insert into public.reflections (user_id, prompt, content, created_at) values ($1, 'p', 'c', '2025-03-01 00:00:00+00')
         returning tableoid::regclass::text as part`,
        [user],
      );
      expect(rows[0].part).toBe("reflections_2025");
    });
  });

  it("without pg_cron (embedded PostgreSQL): skips the schedule with a notice and fails nothing", async () => {
    await prepareDatabase(pg, "no_cron", { migrate: false });
    await withClient(pg, "no_cron", async (c) => {
      const available = await c.query("select 1 from pg_available_extensions where name = 'pg_cron'");
      expect(available.rowCount).toBe(0);
      const notices = await applyMigrations(c);
      expect(notices).toContain(
        "20250601000600_partition_maintenance_cron.sql: NOTICE: pg_cron is not available on this server: skipped scheduling the monthly ensure-reflection-partitions job.",
      );
      const cron = await c.query("select to_regnamespace('cron') as ns");
      expect(cron.rows[0].ns).toBeNull();
    });
  });

  it("with pg_cron installed: schedules exactly one monthly job, also after a re-run, whose command works", async () => {
    await prepareDatabase(pg, "with_cron", { migrate: false });
    await withClient(pg, "with_cron", async (c) => {
      // Stand-in for pg_cron's cron.schedule(job_name, schedule, command): upserts by job name.
      await c.query(`create schema cron;
        create table cron.job (jobid bigserial primary key, jobname text unique, schedule text not null, command text not null);
        create function cron.schedule(job_name text, schedule text, command text) returns bigint language sql as $$
          insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
          on conflict (jobname) do update set schedule = excluded.schedule, command = excluded.command
          returning jobid $$;`);
      await applyMigrations(c);
      await applyMigrations(c);
      const { rows } = await c.query("select jobname, schedule, command from cron.job");
      expect(rows).toEqual([
        { jobname: "ensure-reflection-partitions", schedule: "0 3 1 * *", command: "select * from public.ensure_reflection_partitions(1)" },
      ]);
      // The scheduled command is valid SQL that runs as the job owner.
      await expect(c.query(rows[0].command)).resolves.toBeDefined();
    });
  });
});
