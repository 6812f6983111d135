/**
 * Recovery side of the Storage copy (disaster-recovery step 3): reads one storage manifest from
 * the backup bucket and uploads every object it lists back into Supabase Storage through its
 * S3-compatible endpoint (same bucket names and keys; each body checked against its SHA-256).
 * The target buckets must exist (the migrations create `reflection-attachments`).
 *
 *   node scripts/launch.cjs scripts/backup/restore-storage.ts [--manifest storage/manifests/…json]
 *
 * Environment: the bucket variables of lib/s3.ts (read: s3:GetObject on storage/*) and the
 * SUPABASE_S3_* variables of copy-storage.ts for the target project. Without --manifest the newest
 * manifest is used. Exit: 0 restored, 1 failed (every failed object named), 2 setup problem.
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { StorageEntry } from "./copy-storage-types";
import { type BucketTarget, bucketFromEnv, getBuffer, listKeys, requireEnv, s3Client } from "./lib/s3";

async function main(argv: string[]): Promise<number> {
  let backup: BucketTarget;
  let target: S3Client;
  try {
    backup = bucketFromEnv(process.env);
    target = s3Client({
      endpoint: requireEnv(process.env, "SUPABASE_S3_ENDPOINT", "Set it to the target project's https://<ref>.storage.supabase.co/storage/v1/s3."),
      region: requireEnv(process.env, "SUPABASE_S3_REGION", "Set it to the target project's region."),
      accessKeyId: requireEnv(process.env, "SUPABASE_S3_ACCESS_KEY_ID", "Create an S3 access key in the target project."),
      secretAccessKey: requireEnv(process.env, "SUPABASE_S3_SECRET_ACCESS_KEY", "Create an S3 access key in the target project."),
    });
  } catch (e) {
    console.error(`restore-storage: ${(e as Error).message}`);
    return 2;
  }
  const i = argv.indexOf("--manifest");
  const key = i === -1 ? (await listKeys(backup, "storage/manifests/")).sort().at(-1) : argv[i + 1];
  if (!key) {
    console.error("restore-storage: no storage manifest found under storage/manifests/");
    return 1;
  }
  const manifest = JSON.parse((await getBuffer(backup, key)).toString("utf8")) as { objects: StorageEntry[] };
  const failed: string[] = [];
  for (const o of manifest.objects) {
    try {
      const body = await getBuffer(backup, o.blob);
      const sha = createHash("sha256").update(body).digest("hex");
      if (sha !== o.sha256) throw new Error(`blob SHA-256 ${sha} does not match the manifest's ${o.sha256}`);
      await target.send(new PutObjectCommand({ Bucket: o.bucket, Key: o.key, Body: body, ...(o.contentType ? { ContentType: o.contentType } : {}) }));
    } catch (e) {
      failed.push(`${o.bucket}/${o.key}: ${(e as Error).message}`);
    }
  }
  console.log(JSON.stringify({ ok: failed.length === 0, manifestKey: key, restored: manifest.objects.length - failed.length, failed }));
  return failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`restore-storage: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
