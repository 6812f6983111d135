/**
 * The dump's manifest: what the database held at the dump's snapshot, so a restore can be checked
 * against it without trusting the restore tool. Per table: row count and a checksum of its rows;
 * row-level security flags; policies; partitions with their bounds.
 *
 * Checksum: the sum over rows of the first 60 bits of md5(row as text). A sum does not depend on
 * row order, so it needs no ORDER BY (no sort of the whole table, no collation dependence), and
 * it changes when any row is added, removed or altered. Row text depends on session settings, so
 * both sides use the same ones ({@link SESSION_SETTINGS}); PostgreSQL 15 and 17 print the types
 * used here identically.
 *
 * Scope: every ordinary and partitioned table outside the system schemas, except tables that
 * belong to an extension (their contents are the extension's, not ours).
 */
import type { Client } from "pg";

/** One table in the manifest. */
export interface TableEntry {
  /** `schema.name`, quoted only where SQL needs it. */
  name: string;
  /** `table` (ordinary, counted) or `partitioned` (a parent: its rows live in its partitions). */
  kind: "table" | "partitioned";
  /** Rows in this table itself (`FROM ONLY`); 0 for a partitioned parent. */
  rows: number;
  /** Order-independent checksum of the rows (decimal string); "0" for an empty table. */
  checksum: string;
  /** Row-level security enabled. */
  rls: boolean;
  /** Row-level security forced (applies to the table owner too). */
  forceRls: boolean;
  /** `parent` when this table is a partition. */
  partitionOf?: string;
  /** Partition bound (`FOR VALUES FROM (…) TO (…)` or `DEFAULT`) when this table is a partition. */
  partitionBound?: string;
}

/** The manifest written next to each dump. */
export interface Manifest {
  format: 1;
  /** ISO time the snapshot was taken (server clock). */
  takenAt: string;
  /** `server_version` of the source, e.g. "15.8". */
  serverVersion: string;
  serverMajor: number;
  database: string;
  /** Object keys of the dump and the roles script, relative to the bucket. */
  dump: { key: string; bytes: number; sha256: string; format: "custom"; pgDumpMajor: number };
  roles: { key: string; bytes: number; sha256: string };
  /** `pg_database_size` of the source at dump time, bytes. */
  databaseBytes: number;
  tables: TableEntry[];
  /** `schema.table: policy` for every RLS policy. */
  policies: string[];
}

/** Session settings under which row text is compared. */
export const SESSION_SETTINGS: Record<string, string> = {
  TimeZone: "UTC",
  DateStyle: "ISO, MDY",
  IntervalStyle: "postgres",
  extra_float_digits: "1",
  bytea_output: "hex",
};

/** Applies {@link SESSION_SETTINGS} to a session. */
export async function applySessionSettings(client: Client): Promise<void> {
  for (const [name, value] of Object.entries(SESSION_SETTINGS)) {
    await client.query("select set_config($1, $2, false)", [name, value]);
  }
}

const TABLES_SQL = `
select c.oid::regclass::text as name,
       c.relkind::text as relkind,
       c.relrowsecurity as rls,
       c.relforcerowsecurity as force_rls,
       p.inhparent::regclass::text as parent,
       case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as bound
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_inherits p on p.inhrelid = c.oid and c.relispartition
where c.relkind in ('r', 'p')
  and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1`;

const POLICIES_SQL = `
select format('%s: %s', pol.polrelid::regclass::text, pol.polname) as policy
from pg_policy pol
order by 1`;

/** Reads the manifest's table section from a live database (call inside the dump's snapshot). */
export async function describeDatabase(client: Client): Promise<{ tables: TableEntry[]; policies: string[]; databaseBytes: number }> {
  await applySessionSettings(client);
  const { rows } = await client.query<{ name: string; relkind: string; rls: boolean; force_rls: boolean; parent: string | null; bound: string | null }>(TABLES_SQL);
  const tables: TableEntry[] = [];
  for (const r of rows) {
    const entry: TableEntry = { name: r.name, kind: r.relkind === "p" ? "partitioned" : "table", rows: 0, checksum: "0", rls: r.rls, forceRls: r.force_rls };
    if (r.parent) {
      entry.partitionOf = r.parent;
      entry.partitionBound = r.bound ?? "";
    }
    if (entry.kind === "table") {
      // r.name comes from regclass::text, which quotes where needed: safe to splice.
      const { rows: sums } = await client.query<{ n: string; sum: string }>(
        `select count(*)::text as n, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text as sum from only ${r.name} t`,
      );
      entry.rows = Number(sums[0]?.n ?? 0);
      entry.checksum = sums[0]?.sum ?? "0";
    }
    tables.push(entry);
  }
  const policies = (await client.query<{ policy: string }>(POLICIES_SQL)).rows.map((p) => p.policy);
  const size = await client.query<{ bytes: string }>("select pg_database_size(current_database())::text as bytes");
  return { tables, policies, databaseBytes: Number(size.rows[0]?.bytes ?? 0) };
}

/**
 * Every difference between what the manifest recorded and what a restored database holds, one
 * sentence each naming the table (empty when the restore is faithful).
 */
export function compareToManifest(expected: Pick<Manifest, "tables" | "policies">, actual: { tables: TableEntry[]; policies: string[] }): string[] {
  const problems: string[] = [];
  const got = new Map(actual.tables.map((t) => [t.name, t]));
  const want = new Map(expected.tables.map((t) => [t.name, t]));
  for (const w of expected.tables) {
    const a = got.get(w.name);
    if (!a) {
      const what = w.partitionOf ? `partition of ${w.partitionOf} ${w.partitionBound}` : w.kind === "partitioned" ? "partitioned table" : "table";
      problems.push(`${w.name}: missing after restore (the manifest has it: ${what}, ${w.rows} rows)`);
      continue;
    }
    if (a.kind !== w.kind) problems.push(`${w.name}: is a ${a.kind} table after restore, ${w.kind} in the manifest`);
    if (w.partitionOf !== a.partitionOf || w.partitionBound !== a.partitionBound) {
      problems.push(
        `${w.name}: partition ${a.partitionOf ? `of ${a.partitionOf} ${a.partitionBound}` : "detached"} after restore, ${w.partitionOf ? `of ${w.partitionOf} ${w.partitionBound}` : "not a partition"} in the manifest`,
      );
    }
    if (a.rows !== w.rows) problems.push(`${w.name}: ${a.rows} rows after restore, ${w.rows} in the manifest`);
    else if (a.checksum !== w.checksum) problems.push(`${w.name}: row checksum ${a.checksum} after restore, ${w.checksum} in the manifest (same count, different contents)`);
    if (a.rls !== w.rls) problems.push(`${w.name}: row-level security ${a.rls ? "enabled" : "disabled"} after restore, ${w.rls ? "enabled" : "disabled"} in the manifest`);
    if (a.forceRls !== w.forceRls) problems.push(`${w.name}: FORCE row-level security ${a.forceRls ? "on" : "off"} after restore, ${w.forceRls ? "on" : "off"} in the manifest`);
  }
  for (const a of actual.tables) if (!want.has(a.name)) problems.push(`${a.name}: present after restore but not in the manifest`);
  const gotPolicies = new Set(actual.policies);
  for (const p of expected.policies) if (!gotPolicies.has(p)) problems.push(`policy ${p}: missing after restore`);
  const wantPolicies = new Set(expected.policies);
  for (const p of actual.policies) if (!wantPolicies.has(p)) problems.push(`policy ${p}: present after restore but not in the manifest`);
  return problems;
}
