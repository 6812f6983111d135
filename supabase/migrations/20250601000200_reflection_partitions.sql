-- Yearly partitions for public.reflections, created ahead of time by one idempotent function.
--
-- public.ensure_reflection_partitions(years_ahead) makes sure a partition exists for every year
-- from 2024 (the first year of data) through the current year + years_ahead. Details:
--   * Bounds are UTC midnights on 1 January written with an explicit offset ('2026-01-01 00:00:00+00'),
--     so the result does not depend on the session's TimeZone (a bare '2026-01-01' literal would:
--     the guide's bounds would shift with the TimeZone of whoever ran them).
--   * PostgreSQL refuses to create (or attach) a partition while the DEFAULT partition holds rows in
--     its range. So each new partition is first created as a plain table (LIKE the parent), the
--     matching rows are moved into it from reflections_default (DELETE ... RETURNING feeding an
--     INSERT: one statement, same transaction: nothing is lost if anything fails), and the table is
--     then attached. ATTACH also builds every index of the parent on it (idx_reflections_*).
--   * Every partition is a table in `public`, which the Supabase API exposes. Queries through the
--     parent use the parent's RLS policies, but a client could address a partition directly
--     (/rest/v1/reflections_2026), so each partition gets RLS enabled with no policy (deny all) and
--     its grants revoked from anon and authenticated (Supabase's default privileges grant them).
--   * An advisory lock serialises concurrent runs (cron + a manual call).
-- The function is not callable through the API (EXECUTE revoked from anon/authenticated); it runs
-- as the migration role and as the pg_cron job owner (20250601000600).

create or replace function public.ensure_reflection_partitions(years_ahead integer default 1)
returns table (partition_name text, range_start timestamptz, range_end timestamptz, rows_moved bigint)
language plpgsql
set search_path = ''
as $$
declare
  first_year constant integer := 2024;
  max_years_ahead constant integer := 50;
  current_year integer := extract(year from (now() at time zone 'UTC'))::integer;
  y integer;
  part text;
  lo timestamptz;
  hi timestamptz;
  lo_text text;
  hi_text text;
  moved bigint;
begin
  if years_ahead is null or years_ahead < 0 or years_ahead > max_years_ahead then
    raise exception 'public.ensure_reflection_partitions(years_ahead): must be between 0 and % (got %)',
      max_years_ahead, coalesce(years_ahead::text, 'NULL')
      using errcode = '22023',
            hint = 'Call select * from public.ensure_reflection_partitions(1); to keep next year''s partition ready.';
  end if;

  perform pg_advisory_xact_lock(hashtext('public.ensure_reflection_partitions'));

  for y in first_year .. current_year + years_ahead loop
    part := format('reflections_%s', y);
    continue when to_regclass(format('public.%I', part)) is not null;

    lo := make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC');
    hi := make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC');
    -- ISO text with an explicit +00 offset: read back the same under any TimeZone/DateStyle.
    lo_text := format('%s-01-01 00:00:00+00', y);
    hi_text := format('%s-01-01 00:00:00+00', y + 1);

    execute format(
      'create table public.%I (like public.reflections including defaults including constraints including generated)',
      part);
    execute format(
      'with moved as (delete from public.reflections_default where created_at >= %L and created_at < %L returning *) '
      'insert into public.%I select * from moved',
      lo_text, hi_text, part);
    get diagnostics moved = row_count;
    execute format('alter table public.reflections attach partition public.%I for values from (%L) to (%L)', part, lo_text, hi_text);

    execute format('alter table public.%I enable row level security', part);
    execute format('revoke all on table public.%I from anon, authenticated', part);
    execute format('comment on table public.%I is %L', part,
      format('Partition of public.reflections for %s (UTC). Query the parent, not this table.', y));

    partition_name := part;
    range_start := lo;
    range_end := hi;
    rows_moved := moved;
    return next;
  end loop;
end
$$;

comment on function public.ensure_reflection_partitions(integer) is
  'Creates missing yearly partitions of public.reflections from 2024 through current UTC year + years_ahead, moving matching rows out of reflections_default. Idempotent; scheduled monthly by pg_cron when available.';

revoke all on function public.ensure_reflection_partitions(integer) from public, anon, authenticated;

-- 2024 through next year, relative to now() when this migration runs.
select partition_name, rows_moved from public.ensure_reflection_partitions(1);
