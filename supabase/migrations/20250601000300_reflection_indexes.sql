-- The guide's "Database optimization" indexes, written so they work on a partitioned table.
--
-- The guide says CREATE INDEX CONCURRENTLY ... ON reflections. PostgreSQL rejects that on a
-- partitioned table ("cannot create index on partitioned table ... concurrently"), whatever the
-- tooling. (It also cannot run inside a transaction block: the Supabase CLI applies each migration
-- file in one transaction; newer CLIs pull CONCURRENTLY statements out and run them on their own,
-- which makes that file no longer atomic.)
-- Choice: a plain CREATE INDEX on the parent. It creates a partitioned index and cascades to every
-- partition, present and future (ATTACH / PARTITION OF add the matching child index
-- automatically), so the index can never be missing on one partition. The table is created
-- empty by the migration before, so the short SHARE lock costs nothing here.
--
-- If one of these indexes ever has to be added to a large, busy table, use the lock-light pattern
-- instead (docs/database-migrations.md): CREATE INDEX ... ON ONLY public.reflections (invalid until
-- complete), then per partition CREATE INDEX CONCURRENTLY (outside a transaction) and
-- ALTER INDEX <parent index> ATTACH PARTITION <partition index>.

-- "Latest reflections of a user": WHERE user_id = $1 ORDER BY created_at DESC LIMIT n.
create index if not exists idx_reflections_user_date on public.reflections (user_id, created_at desc);

-- Mood filters; partial, so rows without a mood cost nothing.
create index if not exists idx_reflections_mood on public.reflections (mood) where mood is not null;
