/**
 * Row-level security and grants as the Supabase API roles see them, on real PostgreSQL 15 and 17:
 * every request runs like PostgREST runs it (SET LOCAL ROLE + request.jwt.claims).
 * Covers public.reflections (and its partitions, which are tables in the exposed schema too),
 * the maintenance function, and the reflection-attachments Storage bucket.
 */
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_VERSIONS, type PostgresCluster, sharedPostgres } from "../helpers/postgres";
import { asApi, createUsers, prepareDatabase } from "./support";

const BUCKET = "reflection-attachments";

describe.each(POSTGRES_VERSIONS)("API security on PostgreSQL %i", (major) => {
  let pg: PostgresCluster;
  let c: Client;
  let alice: string;
  let bob: string;
  let aliceRow: { id: string; created_at: Date };
  let bobRow: { id: string; created_at: Date };
  const asAlice = <T>(fn: (c: Client) => Promise<T>): Promise<T> => asApi(c, { role: "authenticated", sub: alice }, fn);
  const asAnon = <T>(fn: (c: Client) => Promise<T>): Promise<T> => asApi(c, { role: "anon" }, fn);
  const asService = <T>(fn: (c: Client) => Promise<T>): Promise<T> => asApi(c, { role: "service_role" }, fn);

  beforeAll(async () => {
    pg = sharedPostgres(major);
    await prepareDatabase(pg, "security");
    c = await pg.connect("security");
    [alice, bob] = (await createUsers(c, 2)) as [string, string];
    // Each user writes through the API, as the app does (user_id defaults to auth.uid()).
    const insertOwn = async (sub: string, content: string): Promise<{ id: string; created_at: Date }> =>
      asApi(
        c,
        { role: "authenticated", sub },
        async () =>
          (
            await c.query(
              "insert into public.reflections (prompt, content, mood) values ('How was today?', $1, 'calm') returning id, created_at, user_id",
              [content],
            )
          ).rows[0],
        true,
      );
    aliceRow = await insertOwn(alice, "alice's reflection");
    bobRow = await insertOwn(bob, "bob's reflection");
  });
  afterAll(async () => {
    await c?.end();
    await pg?.stop();
  });

  describe("public.reflections", () => {
    it("is RLS-enabled and forced; anon has no privileges, authenticated only what the app needs", async () => {
      const { rows } = await c.query(
        `select relrowsecurity as rls, relforcerowsecurity as forced,
                has_table_privilege('anon', oid, 'select,insert,update,delete') as anon_any,
                has_table_privilege('authenticated', oid, 'select') and has_table_privilege('authenticated', oid, 'insert')
                  and has_table_privilege('authenticated', oid, 'delete') as auth_sid,
                has_table_privilege('authenticated', oid, 'truncate') as auth_truncate,
                has_column_privilege('authenticated', oid, 'content', 'update') as auth_update_content,
                has_column_privilege('authenticated', oid, 'user_id', 'update') as auth_update_owner
         from pg_class where oid = 'public.reflections'::regclass`,
      );
      expect(rows[0]).toEqual({
        rls: true,
        forced: true,
        anon_any: false,
        auth_sid: true,
        auth_truncate: false,
        auth_update_content: true,
        auth_update_owner: false,
      });
    });

    it("a user reads only their own rows", async () => {
      const rows = await asAlice(async () => (await c.query("select id, user_id from public.reflections")).rows);
      expect(rows).toEqual([{ id: aliceRow.id, user_id: alice }]);
      const byId = await asAlice(async () => (await c.query("select id from public.reflections where id = $1", [bobRow.id])).rowCount);
      expect(byId).toBe(0);
    });

    it("a user cannot update or delete another user's row (0 rows affected, row unchanged)", async () => {
      const updated = await asAlice(
        async () => (await c.query("update public.reflections set content = 'hacked' where id = $1", [bobRow.id])).rowCount,
      );
      const deleted = await asAlice(async () => (await c.query("delete from public.reflections where id = $1", [bobRow.id])).rowCount);
      expect({ updated, deleted }).toEqual({ updated: 0, deleted: 0 });
      const { rows } = await c.query("select content from public.reflections where id = $1", [bobRow.id]);
      expect(rows).toEqual([{ content: "bob's reflection" }]);
    });

    it("a user can update and delete their own row", async () => {
      const result = await asAlice(async () => ({
        updated: (await c.query("update public.reflections set content = 'edited' where id = $1", [aliceRow.id])).rowCount,
        deleted: (await c.query("delete from public.reflections where id = $1", [aliceRow.id])).rowCount,
      }));
      expect(result).toEqual({ updated: 1, deleted: 1 }); // rolled back afterwards
    });

    it("a user cannot insert a row for someone else", async () => {
      await expect(
        asAlice((cl) => cl.query("insert into public.reflections (user_id, prompt, content) values ($1, 'p', 'forged')", [bob])),
      ).rejects.toThrow(/violates row-level security policy/);
    });

    it("a user cannot hand their row to someone else or change who owns it", async () => {
      await expect(
        asAlice((cl) => cl.query("update public.reflections set user_id = $1 where id = $2", [bob, aliceRow.id])),
      ).rejects.toThrow(/permission denied/);
    });

    it("anon sees nothing: no privileges, and even if granted by mistake, no policy lets a row through", async () => {
      await expect(asAnon((cl) => cl.query("select * from public.reflections"))).rejects.toThrow(/permission denied/);
      await expect(
        asAnon((cl) => cl.query("insert into public.reflections (user_id, prompt, content) values ($1, 'p', 'c')", [alice])),
      ).rejects.toThrow(/permission denied/);
      await c.query("begin");
      try {
        await c.query("grant select on public.reflections to anon");
        await c.query("set local role anon");
        const { rowCount } = await c.query("select * from public.reflections");
        expect(rowCount).toBe(0);
      } finally {
        await c.query("rollback");
      }
    });

    it("service_role bypasses RLS and sees every user's rows", async () => {
      const rows = await asService(async () => (await c.query("select user_id from public.reflections order by content")).rows);
      expect(rows).toEqual([{ user_id: alice }, { user_id: bob }]);
    });

    it("user_id defaults to the caller and updated_at is set by the database", async () => {
      const row = await asAlice(
        async () =>
          (
            await c.query(
              "update public.reflections set mood = 'tired' where id = $1 returning user_id, updated_at > created_at as bumped",
              [aliceRow.id],
            )
          ).rows[0],
      );
      expect(row).toEqual({ user_id: alice, bumped: true });
    });
  });

  describe("partitions (tables in the exposed schema)", () => {
    it("cannot be read directly by anon or authenticated, and are RLS-enabled with no policy", async () => {
      const { rows } = await c.query<{ part: string; rls: boolean; anon: boolean; auth: boolean }>(
        `select c.relname as part, c.relrowsecurity as rls,
                has_table_privilege('anon', c.oid, 'select,insert,update,delete') as anon,
                has_table_privilege('authenticated', c.oid, 'select,insert,update,delete') as auth
         from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'public.reflections'::regclass`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      for (const r of rows) expect(r, r.part).toEqual({ part: r.part, rls: true, anon: false, auth: false });
      const year = aliceRow.created_at.getUTCFullYear();
      await expect(asAlice((cl) => cl.query(`select * from public.reflections_${year}`))).rejects.toThrow(/permission denied/);
    });
  });

  describe("public.ensure_reflection_partitions", () => {
    it("cannot be called through the API by anon or authenticated", async () => {
      await expect(asAnon((cl) => cl.query("select * from public.ensure_reflection_partitions(1)"))).rejects.toThrow(/permission denied/);
      await expect(asAlice((cl) => cl.query("select * from public.ensure_reflection_partitions(1)"))).rejects.toThrow(
        /permission denied/,
      );
    });
  });

  describe(`storage bucket ${BUCKET}`, () => {
    it("is private with the guide's 50 MB limit (52428800 bytes) and the allowed MIME types", async () => {
      const { rows } = await c.query("select id, name, public, file_size_limit, allowed_mime_types from storage.buckets");
      expect(rows).toEqual([
        {
          id: BUCKET,
          name: BUCKET,
          public: false,
          file_size_limit: "52428800", // bigint arrives as a string
          allowed_mime_types: [
            "image/jpeg",
            "image/png",
            "image/webp",
            "image/heic",
            "audio/mpeg",
            "audio/mp4",
            "audio/webm",
            "audio/ogg",
            "application/pdf",
          ],
        },
      ]);
    });

    const upload = (sub: string, name: string, bucket = BUCKET) =>
      asApi(c, { role: "authenticated", sub }, (cl) =>
        cl.query("insert into storage.objects (bucket_id, name, owner) values ($1, $2, $3)", [bucket, name, sub]),
      );

    it("a user can upload only under their own <uid>/ folder", async () => {
      await expect(upload(alice, `${alice}/2026/photo.jpg`)).resolves.toBeDefined();
      await expect(upload(alice, `${bob}/photo.jpg`)).rejects.toThrow(/violates row-level security policy/);
      await expect(upload(alice, "photo.jpg")).rejects.toThrow(/violates row-level security policy/);
    });

    it("a user reads, moves and deletes only their own objects; anon sees none", async () => {
      await c.query("insert into storage.objects (bucket_id, name, owner) values ($1, $2, $3), ($1, $4, $5)", [
        BUCKET,
        `${alice}/a.png`,
        alice,
        `${bob}/b.png`,
        bob,
      ]);
      const visible = await asAlice(async (cl) => (await cl.query("select name from storage.objects order by name")).rows);
      expect(visible).toEqual([{ name: `${alice}/a.png` }]);
      const touched = await asAlice(async (cl) => ({
        update: (await cl.query("update storage.objects set metadata = '{}' where name = $1", [`${bob}/b.png`])).rowCount,
        delete: (await cl.query("delete from storage.objects where name = $1", [`${bob}/b.png`])).rowCount,
        deleteOwn: (await cl.query("delete from storage.objects where name = $1", [`${alice}/a.png`])).rowCount,
      }));
      expect(touched).toEqual({ update: 0, delete: 0, deleteOwn: 1 });
      await expect(
        asAlice((cl) => cl.query("update storage.objects set name = $1 where name = $2", [`${bob}/stolen.png`, `${alice}/a.png`])),
      ).rejects.toThrow(/violates row-level security policy/);
      const anonSees = await asAnon(async (cl) => (await cl.query("select name from storage.objects")).rowCount);
      expect(anonSees).toBe(0);
    });

    it("the policies grant nothing in other buckets", async () => {
      await c.query("insert into storage.buckets (id, name) values ('other', 'other') on conflict do nothing");
      await expect(upload(alice, `${alice}/x.png`, "other")).rejects.toThrow(/violates row-level security policy/);
    });
  });
});
