-- Monthly partition maintenance with pg_cron, only where pg_cron exists.
--
-- Supabase ships pg_cron (preloaded); plain PostgreSQL (our embedded test servers, a local
-- docker without the package) does not. So:
--   1. If pg_cron is in pg_available_extensions, enable it (Supabase's documented form:
--      create extension pg_cron with schema pg_catalog). If enabling fails (e.g. not in
--      shared_preload_libraries, or not the cron database) we warn and continue.
--   2. If cron.schedule exists (pg_cron installed, by step 1 or earlier from the dashboard),
--      schedule the job. cron.schedule with an existing job name updates that job, so re-running
--      this migration never duplicates it.
--   3. Otherwise skip with a NOTICE: nothing fails, and the partitions created by 20250601000200
--      cover through next year; run the function by hand (docs/database-migrations.md).
-- Job: 03:00 UTC on the 1st of every month (pg_cron's clock is UTC), keeping next year's
-- partition ready twelve times before it is needed.

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    begin
      create extension if not exists pg_cron with schema pg_catalog;
    exception when others then
      raise warning 'pg_cron is available but could not be enabled (%); the partition maintenance job is NOT scheduled. Run select * from public.ensure_reflection_partitions(1); at least once a year.', sqlerrm;
    end;
  end if;

  if to_regprocedure('cron.schedule(text,text,text)') is not null then
    perform cron.schedule(
      'ensure-reflection-partitions',
      '0 3 1 * *',
      'select * from public.ensure_reflection_partitions(1)'
    );
  else
    raise notice 'pg_cron is not available on this server: skipped scheduling the monthly ensure-reflection-partitions job.';
  end if;
end
$$;
