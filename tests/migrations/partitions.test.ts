/**
 * Partitioning and the guide's indexes on real PostgreSQL 15 and 17: rows land in their year's
 * partition (UTC, whatever the session TimeZone), unexpected years land in the default partition,
 * ensure_reflection_partitions() moves them into a new partition, every partition carries both
 * indexes, and "latest 20 reflections of a user" is served by idx_reflections_user_date.
 */
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_VERSIONS, type PostgresCluster, sharedPostgres } from "../helpers/postgres";
import {
  asApi,
  createUsers,
  expectedPartitionYears,
  type PlanNode,
  planNodes,
  prepareDatabase,
  withClient,
} from "./support";

const LATEST_20 = "select * from public.reflections where user_id = $1 order by created_at desc limit 20";

async function insertAt(c: Client, user: string, createdAt: string): Promise<string> {
  const { rows } = await c.query<{ part: string }>(
    `insert into public.reflections (user_id, prompt, content, created_at) values ($1, 'p', 'c', $2)
     returning tableoid::regclass::text as part`,
    [user, createdAt],
  );
  return rows[0]?.part ?? "(no row)";
}

/** For each partition: the names of its indexes that are children of idx_reflections_user_date / idx_reflections_mood. */
async function partitionIndexes(c: Client): Promise<Record<string, Record<string, { name: string; def: string; valid: boolean }>>> {
  const { rows } = await c.query<{ part: string; parent_index: string; name: string; def: string; valid: boolean }>(
    `select p.inhrelid::regclass::text as part, ii.inhparent::regclass::text as parent_index,
            x.indexrelid::regclass::text as name, pg_get_indexdef(x.indexrelid) as def, x.indisvalid as valid
     from pg_inherits p
     join pg_index x on x.indrelid = p.inhrelid
     join pg_inherits ii on ii.inhrelid = x.indexrelid
     where p.inhparent = 'public.reflections'::regclass`,
  );
  const { rows: parts } = await c.query<{ part: string }>(
    "select inhrelid::regclass::text as part from pg_inherits where inhparent = 'public.reflections'::regclass",
  );
  const out: Record<string, Record<string, { name: string; def: string; valid: boolean }>> = {};
  for (const p of parts) out[p.part] = {};
  for (const r of rows) {
    const entry = out[r.part];
    if (entry) entry[r.parent_index] = { name: r.name, def: r.def, valid: r.valid };
  }
  return out;
}

function expectBothIndexesEverywhere(indexes: Awaited<ReturnType<typeof partitionIndexes>>): void {
  for (const [part, byParent] of Object.entries(indexes)) {
    expect(byParent.idx_reflections_user_date, `${part} lacks idx_reflections_user_date`).toBeDefined();
    expect(byParent.idx_reflections_user_date?.def).toMatch(/\(user_id, created_at DESC\)$/);
    expect(byParent.idx_reflections_user_date?.valid).toBe(true);
    expect(byParent.idx_reflections_mood, `${part} lacks idx_reflections_mood`).toBeDefined();
    expect(byParent.idx_reflections_mood?.def).toMatch(/\(mood\) WHERE \(mood IS NOT NULL\)$/);
    expect(byParent.idx_reflections_mood?.valid).toBe(true);
  }
}

describe.each(POSTGRES_VERSIONS)("reflections partitions and indexes on PostgreSQL %i", (major) => {
  let pg: PostgresCluster;
  const years = expectedPartitionYears();
  const nextYear = new Date().getUTCFullYear() + 1;

  beforeAll(async () => {
    pg = sharedPostgres(major);
    // Migrated from a session 13 h ahead of UTC: partition bounds must still be UTC midnights.
    await prepareDatabase(pg, "migrated", { timezone: "Pacific/Auckland" });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("has a partition per year from 2024 through next year, including 2026 and 2027, plus DEFAULT", async () => {
    expect(years).toEqual(expect.arrayContaining([2024, 2025, 2026, 2027]));
    await withClient(pg, "migrated", async (c) => {
      const { rows } = await c.query<{ part: string; bound: string }>(
        `select inhrelid::regclass::text as part, pg_get_expr(c.relpartbound, c.oid) as bound
         from pg_inherits join pg_class c on c.oid = inhrelid where inhparent = 'public.reflections'::regclass`,
      );
      const bounds = Object.fromEntries(rows.map((r) => [r.part, r.bound]));
      const expected: Record<string, string> = { reflections_default: "DEFAULT" };
      for (const y of years) {
        expected[`reflections_${y}`] = `FOR VALUES FROM ('${y}-01-01 00:00:00+00') TO ('${y + 1}-01-01 00:00:00+00')`;
      }
      expect(bounds).toEqual(expected);
    });
  });

  it("routes a row of every year to its own partition, on both sides of each UTC year boundary, in any session TimeZone", async () => {
    await pg.cloneDatabase("migrated", "routing");
    await withClient(pg, "routing", async (c) => {
      await c.query("set timezone = 'Pacific/Auckland'"); // UTC+13 on 1 January: a local-time bound would be off by 13 h
      const [user] = await createUsers(c, 1);
      const placed: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const y of years) {
        for (const at of [`${y}-01-01T00:00:00Z`, `${y}-06-15T12:00:00Z`, `${y}-12-31T23:59:59.999Z`]) {
          placed[at] = await insertAt(c, user as string, at);
          expected[at] = `reflections_${y}`;
        }
      }
      expect(placed).toEqual(expected);
      expect(await insertAt(c, user as string, "2026-03-01T08:00:00Z")).toBe("reflections_2026");
      expect(await insertAt(c, user as string, "2027-03-01T08:00:00Z")).toBe("reflections_2027");
    });
  });

  it("stores a far-future row in DEFAULT; ensure_reflection_partitions then creates its year and moves it there", async () => {
    await pg.cloneDatabase("migrated", "far_future");
    await withClient(pg, "far_future", async (c) => {
      const [user] = await createUsers(c, 1);
      const farYear = nextYear + 8;
      expect(await insertAt(c, user as string, `${farYear}-05-01T10:00:00Z`)).toBe("reflections_default");
      expect(await insertAt(c, user as string, "2019-05-01T10:00:00Z")).toBe("reflections_default"); // before 2024: stays
      // Without the move, creating the partition fails: that is the PostgreSQL rule the function handles.
      await c.query("begin");
      await expect(
        c.query(`create table public.reflections_probe partition of public.reflections
                 for values from ('${farYear}-01-01 00:00:00+00') to ('${farYear + 1}-01-01 00:00:00+00')`),
      ).rejects.toThrow(/would be violated by some row/);
      await c.query("rollback");

      await c.query("set timezone = 'America/Los_Angeles'");
      const { rows: created } = await c.query<{ partition_name: string; rows_moved: string }>(
        "select partition_name, rows_moved from public.ensure_reflection_partitions($1)",
        [farYear - nextYear + 1],
      );
      expect(created.map((r) => r.partition_name)).toEqual(
        Array.from({ length: farYear - nextYear }, (_, i) => `reflections_${nextYear + 1 + i}`),
      );
      expect(created.find((r) => r.partition_name === `reflections_${farYear}`)?.rows_moved).toBe("1");
      expect(created.filter((r) => r.partition_name !== `reflections_${farYear}`).every((r) => r.rows_moved === "0")).toBe(true);

      const { rows } = await c.query<{ part: string; y: number }>(
        "select tableoid::regclass::text as part, extract(year from created_at at time zone 'UTC')::int as y from public.reflections order by created_at",
      );
      expect(rows).toEqual([
        { part: "reflections_default", y: 2019 },
        { part: `reflections_${farYear}`, y: farYear },
      ]);
      // Created from a Los Angeles session, the bounds are still UTC midnights.
      await c.query("set timezone = 'UTC'");
      const { rows: bound } = await c.query(
        "select pg_get_expr(relpartbound, oid) as b from pg_class where oid = $1::regclass",
        [`public.reflections_${farYear}`],
      );
      expect(bound[0].b).toBe(`FOR VALUES FROM ('${farYear}-01-01 00:00:00+00') TO ('${farYear + 1}-01-01 00:00:00+00')`);
      // New partitions get the guide's indexes and the API lock-down like the first ones.
      expectBothIndexesEverywhere(await partitionIndexes(c));
      const { rows: lock } = await c.query(
        `select c.relrowsecurity as rls, has_table_privilege('authenticated', c.oid, 'select') as auth_select,
                has_table_privilege('anon', c.oid, 'select') as anon_select
         from pg_class c where c.oid = $1::regclass`,
        [`public.reflections_${farYear}`],
      );
      expect(lock[0]).toEqual({ rls: true, auth_select: false, anon_select: false });
      // Idempotent: a second call creates nothing.
      const again = await c.query("select * from public.ensure_reflection_partitions($1)", [farYear - nextYear + 1]);
      expect(again.rowCount).toBe(0);
    });
  });

  it.each([
    [-1, "must be between 0 and 50 (got -1)"],
    [51, "must be between 0 and 50 (got 51)"],
    [null, "must be between 0 and 50 (got NULL)"],
  ])("ensure_reflection_partitions(%s) is refused, naming the argument, the value and the fix", async (arg, message) => {
    await withClient(pg, "migrated", async (c) => {
      const error = await c.query("select * from public.ensure_reflection_partitions($1)", [arg]).then(
        () => undefined,
        (e: Error & { hint?: string }) => e,
      );
      expect(error?.message).toBe(`public.ensure_reflection_partitions(years_ahead): ${message}`);
      expect(error?.hint).toMatch(/ensure_reflection_partitions\(1\)/);
    });
  });

  it("has idx_reflections_user_date and the partial idx_reflections_mood on the parent and on every partition", async () => {
    await withClient(pg, "migrated", async (c) => {
      const { rows: parent } = await c.query<{ name: string; def: string }>(
        `select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def from pg_index
         where indrelid = 'public.reflections'::regclass and indexrelid::regclass::text like 'idx_%' order by 1`,
      );
      expect(parent).toEqual([
        { name: "idx_reflections_mood", def: "CREATE INDEX idx_reflections_mood ON ONLY public.reflections USING btree (mood) WHERE (mood IS NOT NULL)" },
        { name: "idx_reflections_user_date", def: "CREATE INDEX idx_reflections_user_date ON ONLY public.reflections USING btree (user_id, created_at DESC)" },
      ]);
      const indexes = await partitionIndexes(c);
      expect(Object.keys(indexes).sort()).toEqual([...years.map((y) => `reflections_${y}`), "reflections_default"].sort());
      expectBothIndexesEverywhere(indexes);
    });
  });

  describe("query plan of the app's 'latest 20 reflections of a user'", () => {
    let users: string[] = [];
    let userDateChildren: Set<string>;

    beforeAll(async () => {
      await pg.cloneDatabase("migrated", "plans");
      await withClient(pg, "plans", async (c) => {
        users = await createUsers(c, 50);
        // 20,000 rows spread evenly over every yearly partition, 50 users; a third carry one of ten moods.
        await c.query(
          `insert into public.reflections (user_id, prompt, content, mood, created_at)
           select ($1::uuid[])[1 + g % 50], 'prompt', 'content ' || g,
                  case when g % 3 = 0 then (array['calm','tired','hopeful','anxious','grateful','sad','proud','restless','content','curious'])[1 + (g / 3) % 10] end,
                  timestamptz '2024-01-01 00:00:00+00'
                  + (g::double precision / 20000) * (make_timestamptz($2::int + 1, 1, 1, 0, 0, 0, 'UTC') - timestamptz '2024-01-01 00:00:00+00')
           from generate_series(0, 19999) g`,
          [users, nextYear],
        );
        await c.query("analyze public.reflections");
        const { rows } = await c.query<{ name: string }>(
          "select inhrelid::regclass::text as name from pg_inherits where inhparent = 'public.idx_reflections_user_date'::regclass",
        );
        userDateChildren = new Set(rows.map((r) => r.name));
      });
    });

    function scans(plan: PlanNode): PlanNode[] {
      return planNodes(plan).filter((n) => n["Relation Name"]?.startsWith("reflections"));
    }

    function expectServedByUserDateIndex(plan: PlanNode): void {
      const relationScans = scans(plan);
      // Every partition holding rows is read through its child of idx_reflections_user_date, never scanned whole.
      const scanned = new Set(relationScans.map((n) => n["Relation Name"]));
      for (const y of years) expect(scanned.has(`reflections_${y}`), `reflections_${y} not in plan`).toBe(true);
      for (const node of relationScans) {
        expect(node["Node Type"], `${node["Relation Name"]} read by ${node["Node Type"]}`).toMatch(/^Index (Only )?Scan$/);
        expect(userDateChildren.has(node["Index Name"] ?? ""), `${node["Index Name"]} is not a partition of idx_reflections_user_date`).toBe(true);
      }
      expect(planNodes(plan).some((n) => n["Node Type"] === "Sort")).toBe(false);
    }

    it("as the table owner", async () => {
      await withClient(pg, "plans", async (c) => {
        const { rows } = await c.query(`explain (format json) ${LATEST_20}`, [users[7]]);
        expectServedByUserDateIndex(rows[0]["QUERY PLAN"][0].Plan as PlanNode);
      });
    });

    it("as the signed-in user through RLS (how the app runs it), returning that user's 20 newest rows", async () => {
      await withClient(pg, "plans", async (c) => {
        const user = users[7] as string;
        await asApi(c, { role: "authenticated", sub: user }, async () => {
          const { rows } = await c.query(`explain (format json) ${LATEST_20}`, [user]);
          expectServedByUserDateIndex(rows[0]["QUERY PLAN"][0].Plan as PlanNode);
          const latest = await c.query<{ user_id: string; created_at: Date }>(LATEST_20, [user]);
          expect(latest.rowCount).toBe(20);
          expect(latest.rows.every((r) => r.user_id === user)).toBe(true);
          const times = latest.rows.map((r) => r.created_at.getTime());
          expect(times).toEqual([...times].sort((a, b) => b - a));
          const newest = await c.query<{ m: Date }>("select max(created_at) as m from public.reflections where user_id = $1", [user]);
          expect(times[0]).toBe(newest.rows[0]?.m.getTime());
        });
      });
    });

    it("mood filters use the partial idx_reflections_mood", async () => {
      await withClient(pg, "plans", async (c) => {
        const { rows } = await c.query(
          "explain (format json) select count(*) from public.reflections where mood = 'calm' and created_at >= $1",
          [`${nextYear}-01-01T00:00:00Z`],
        );
        const plan = rows[0]["QUERY PLAN"][0].Plan as PlanNode;
        const indexNames = planNodes(plan).map((n) => n["Index Name"]).filter(Boolean);
        const { rows: moodChildren } = await c.query<{ name: string }>(
          "select inhrelid::regclass::text as name from pg_inherits where inhparent = 'public.idx_reflections_mood'::regclass",
        );
        expect(indexNames.length).toBeGreaterThan(0);
        for (const n of indexNames) expect(moodChildren.map((r) => r.name)).toContain(n);
      });
    });
  });
});
