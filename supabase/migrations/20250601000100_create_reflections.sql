-- Reflections: one row per answered prompt, owned by one Supabase Auth user.
--
-- Partitioned by range on created_at, one partition per calendar year (UTC), plus a DEFAULT
-- partition (guide: "Partitioning for large tables"). Changes from the guide's SQL:
--   * The guide creates only `reflections_2024`; with no other partition every row from 2025 on is
--     rejected ("no partition of relation found for row"). We keep yearly partitions from 2024
--     through next year (20250601000200) and a DEFAULT partition so an unexpected date is stored
--     rather than refused; public.ensure_reflection_partitions() later moves such rows out.
--   * On a partitioned table every unique constraint must contain the partition key, so the primary
--     key is (id, created_at). id is a random UUID, so it is unique on its own in practice.
-- Idempotent: safe to run again; never drops or rewrites data.

create table if not exists public.reflections (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  prompt text not null,
  content text not null,
  mood text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reflections_pkey primary key (id, created_at),
  constraint reflections_prompt_length check (char_length(prompt) between 1 and 2000),
  constraint reflections_content_length check (char_length(content) between 1 and 50000),
  constraint reflections_mood_length check (mood is null or char_length(mood) between 1 and 32)
) partition by range (created_at);

comment on table public.reflections is
  'Answered prompts. Partitioned by year of created_at (UTC); see public.ensure_reflection_partitions().';
comment on column public.reflections.user_id is 'Owner (auth.users.id). Row-level security limits every API role to its own rows.';
comment on column public.reflections.mood is 'Optional mood label; indexed only where set (idx_reflections_mood).';

-- Catches rows whose year has no partition yet (or dates before 2024) instead of failing the insert.
create table if not exists public.reflections_default partition of public.reflections default;
comment on table public.reflections_default is
  'Rows with no yearly partition yet. Kept empty by public.ensure_reflection_partitions(); rows here mean maintenance is behind.';

-- updated_at is maintained by the database, not trusted from clients.
create or replace function public.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke all on function public.set_updated_at() from public, anon, authenticated;

create or replace trigger reflections_set_updated_at
  before update on public.reflections
  for each row execute function public.set_updated_at();
