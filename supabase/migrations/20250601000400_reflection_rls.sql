-- Row-level security and grants for public.reflections (exposed through the Supabase Data API).
--
-- * RLS is enabled and FORCED on the parent: forced so that even the table owner (and any
--   SECURITY DEFINER function it owns) goes through the policies; roles with BYPASSRLS
--   (service_role, and the migration/maintenance role on Supabase) are unaffected.
-- * authenticated: may read, insert, update and delete only rows where user_id = auth.uid().
--   `(select auth.uid())` is evaluated once per statement (Supabase's RLS performance advice).
--   Updates are limited to the content columns (owner and created_at cannot be changed via the API).
-- * anon: no privileges and no policy: sees nothing.
-- * service_role: full access (BYPASSRLS), for server-side jobs.
-- * Partitions: locked down the same way ensure_reflection_partitions() does for new ones (RLS on,
--   no policy, no anon/authenticated grants), so no partition can be read directly.
-- Idempotent: GRANT/REVOKE and ENABLE are repeatable; policies are dropped and recreated.

alter table public.reflections enable row level security;
alter table public.reflections force row level security;

revoke all on table public.reflections from anon, authenticated;
grant select, insert, delete on table public.reflections to authenticated;
grant update (prompt, content, mood) on table public.reflections to authenticated;
grant all on table public.reflections to service_role;

drop policy if exists reflections_select_own on public.reflections;
create policy reflections_select_own on public.reflections
  for select to authenticated
  using ((select auth.uid()) = user_id);

drop policy if exists reflections_insert_own on public.reflections;
create policy reflections_insert_own on public.reflections
  for insert to authenticated
  with check ((select auth.uid()) = user_id);

drop policy if exists reflections_update_own on public.reflections;
create policy reflections_update_own on public.reflections
  for update to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);

drop policy if exists reflections_delete_own on public.reflections;
create policy reflections_delete_own on public.reflections
  for delete to authenticated
  using ((select auth.uid()) = user_id);

do $$
declare
  p regclass;
begin
  for p in
    select i.inhrelid::regclass from pg_inherits i where i.inhparent = 'public.reflections'::regclass
  loop
    execute format('alter table %s enable row level security', p);
    execute format('revoke all on table %s from anon, authenticated', p);
  end loop;
end
$$;
