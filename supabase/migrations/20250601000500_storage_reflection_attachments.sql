-- Storage bucket for reflection attachments (photos, voice notes), private to each user.
--
-- * Private bucket (public = false): objects are served only with a signed URL or the user's JWT.
-- * file_size_limit 52428800 bytes = the guide's 50 MB (storage.file_size_limit: "50MB"). The
--   project-wide Storage upload limit (set by components/database) must be at least this.
-- * allowed_mime_types: the formats the app uploads; anything else is refused by Storage.
-- * Objects live under "<user id>/<file>"; the policies let an authenticated user read, upload,
--   replace and delete only objects in their own folder of this bucket. anon gets no policy.
-- RLS on storage.objects is enabled by Supabase itself (and the table is owned by Storage's
-- admin role), so this migration only adds policies.
-- Idempotent: the bucket row is upserted (limits converge to these values), policies recreated.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'reflection-attachments',
  'reflection-attachments',
  false,
  52428800,
  array[
    'image/jpeg', 'image/png', 'image/webp', 'image/heic',
    'audio/mpeg', 'audio/mp4', 'audio/webm', 'audio/ogg',
    'application/pdf'
  ]
)
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

drop policy if exists reflection_attachments_select_own on storage.objects;
create policy reflection_attachments_select_own on storage.objects
  for select to authenticated
  using (bucket_id = 'reflection-attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);

drop policy if exists reflection_attachments_insert_own on storage.objects;
create policy reflection_attachments_insert_own on storage.objects
  for insert to authenticated
  with check (bucket_id = 'reflection-attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);

drop policy if exists reflection_attachments_update_own on storage.objects;
create policy reflection_attachments_update_own on storage.objects
  for update to authenticated
  using (bucket_id = 'reflection-attachments' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id = 'reflection-attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);

drop policy if exists reflection_attachments_delete_own on storage.objects;
create policy reflection_attachments_delete_own on storage.objects
  for delete to authenticated
  using (bucket_id = 'reflection-attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);
