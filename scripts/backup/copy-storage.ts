/**
 * Daily copy of Supabase Storage objects (the guide's "File system backup": Storage objects live
 * outside the database, so no database backup, PITR included, contains them).
 *
 * Reads through Supabase Storage's S3-compatible endpoint (https://<ref>.storage.supabase.co/storage/v1/s3,
 * path-style, the project's region, S3 access keys made under Storage → S3 connection; ListBuckets,
 * ListObjectsV2 and GetObject are implemented: supabase.com/docs/guides/storage/s3/compatibility).
 * Writes, write-only, to the backup bucket:
 *   storage/blobs/YYYY-MM/<sha256>         each object's bytes, once per calendar month (If-None-Match: *,
 *                                          so an unchanged object is not stored again that month; 412 = already there)
 *   storage/manifests/YYYY/MM/DD/<stamp>.json   bucket, key, size, type, sha256 → blob key of every object
 * A blob is at most a month older than the manifests that name it; the bucket's lifecycle keeps
 * `storage/blobs/` 31 days longer than everything else (components/backups), so every manifest
 * still within retention can be restored in full.
 *
 * Environment: SUPABASE_S3_ENDPOINT, SUPABASE_S3_REGION, SUPABASE_S3_ACCESS_KEY_ID,
 * SUPABASE_S3_SECRET_ACCESS_KEY, SUPABASE_STORAGE_BUCKETS (comma list; default: every bucket),
 * and the bucket variables of lib/s3.ts. Exit: 0 copied, 1 failed, 2 setup problem.
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { StorageEntry } from "./copy-storage-types";
import { type BucketTarget, bucketFromEnv, putBuffer, requireEnv, s3Client, stampPath } from "./lib/s3";

async function sourceBuckets(source: S3Client, listed: string | undefined): Promise<string[]> {
  if (listed) return listed.split(",").map((b) => b.trim()).filter(Boolean);
  const r = await source.send(new ListBucketsCommand({}));
  return (r.Buckets ?? []).map((b) => b.Name ?? "").filter(Boolean);
}

async function copyOne(source: S3Client, target: BucketTarget, bucket: string, key: string, month: string): Promise<StorageEntry & { stored: boolean }> {
  const got = await source.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  const sha256 = createHash("sha256").update(body).digest("hex");
  const blob = `storage/blobs/${month}/${sha256}`;
  let stored = true;
  try {
    await putBuffer(target, blob, body, "application/octet-stream", { ifNoneMatch: true });
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 412) throw e;
    stored = false; // this month already has these bytes
  }
  return { bucket, key, bytes: body.length, contentType: got.ContentType, sha256, blob, stored };
}

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  let target: BucketTarget;
  let source: S3Client;
  try {
    target = bucketFromEnv(env);
    source = s3Client({
      endpoint: requireEnv(env, "SUPABASE_S3_ENDPOINT", "Set it to https://<project ref>.storage.supabase.co/storage/v1/s3."),
      region: requireEnv(env, "SUPABASE_S3_REGION", "Set it to the Supabase project's region (e.g. eu-west-2)."),
      accessKeyId: requireEnv(env, "SUPABASE_S3_ACCESS_KEY_ID", "Create an S3 access key under Storage → S3 connection."),
      secretAccessKey: requireEnv(env, "SUPABASE_S3_SECRET_ACCESS_KEY", "Create an S3 access key under Storage → S3 connection."),
    });
  } catch (e) {
    console.error(`copy-storage: ${(e as Error).message}`);
    return 2;
  }
  const now = new Date();
  const month = now.toISOString().slice(0, 7);
  const entries: StorageEntry[] = [];
  let stored = 0;
  for (const bucket of await sourceBuckets(source, env.SUPABASE_STORAGE_BUCKETS)) {
    let token: string | undefined;
    do {
      const page = await source.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((o) => o.Key ?? "").filter(Boolean);
      // Four at a time: objects are at most 50 MB (the bucket's file_size_limit).
      for (let i = 0; i < keys.length; i += 4) {
        const done = await Promise.all(keys.slice(i, i + 4).map((k) => copyOne(source, target, bucket, k, month)));
        for (const { stored: s, ...entry } of done) {
          entries.push(entry);
          if (s) stored++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  const manifestKey = `storage/manifests/${stampPath(now)}.json`;
  await putBuffer(target, manifestKey, Buffer.from(`${JSON.stringify({ format: 1, takenAt: now.toISOString(), objects: entries }, null, 2)}\n`), "application/json");
  console.log(JSON.stringify({ ok: true, manifestKey, objects: entries.length, blobsStored: stored, bytes: entries.reduce((n, e) => n + e.bytes, 0) }));
  return 0;
}

main(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`copy-storage: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
