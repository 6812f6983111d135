/**
 * The backup bucket as the jobs see it: write-only uploads (PutObject and multipart, nothing
 * that deletes or overwrites on purpose), and for the restore drill, list + get.
 *
 * Bodies are always Buffers (a file is read part by part), so the SDK computes each request's
 * checksum up front (x-amz-checksum-crc32). S3 requires a checksum on every PutObject/UploadPart
 * into an Object Lock bucket ("Content-MD5 or x-amz-checksum-* required", AWS: Object Lock
 * considerations), and buffered parts also work against S3-compatible servers that do not speak
 * the aws-chunked trailer encoding the SDK uses for streams.
 *
 * Environment:
 *   BACKUP_BUCKET        bucket name (required)
 *   BACKUP_PREFIX        key prefix, e.g. "prod/" (default "")
 *   AWS_REGION           bucket region
 *   BACKUP_KMS_KEY_ARN   SSE-KMS key sent with every upload (default: the bucket's default encryption)
 *   BACKUP_S3_ENDPOINT   S3-compatible endpoint for tests (path-style); unset for AWS
 */
import { open, stat } from "node:fs/promises";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

/** Where and how the jobs write. */
export interface BucketTarget {
  client: S3Client;
  bucket: string;
  prefix: string;
  kmsKeyArn?: string;
}

/** Reads a required environment variable or fails naming it. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name}: not set. ${hint}`);
  return v;
}

/** An S3 client for AWS or, with `endpoint`, an S3-compatible server (path-style addressing). */
export function s3Client(options: { region?: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string }): S3Client {
  const config: S3ClientConfig = { region: options.region ?? "us-east-1" };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    config.forcePathStyle = true;
  }
  if (options.accessKeyId && options.secretAccessKey) config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  return new S3Client(config);
}

/** The backup bucket from the environment (see the module comment). */
export function bucketFromEnv(env: NodeJS.ProcessEnv): BucketTarget {
  const bucket = requireEnv(env, "BACKUP_BUCKET", "Set it to the backup bucket's name (stack output backups.bucketName).");
  const prefix = env.BACKUP_PREFIX ?? "";
  if (prefix !== "" && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(prefix)) {
    throw new Error(`BACKUP_PREFIX: must be path segments ending in "/" such as "prod/" (got ${JSON.stringify(prefix)})`);
  }
  return {
    client: s3Client({
      region: env.AWS_REGION,
      endpoint: env.BACKUP_S3_ENDPOINT,
      accessKeyId: env.BACKUP_S3_ENDPOINT ? env.AWS_ACCESS_KEY_ID : undefined,
      secretAccessKey: env.BACKUP_S3_ENDPOINT ? env.AWS_SECRET_ACCESS_KEY : undefined,
    }),
    bucket,
    prefix,
    kmsKeyArn: env.BACKUP_KMS_KEY_ARN || undefined,
  };
}

const sse = (t: BucketTarget) => (t.kmsKeyArn ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: t.kmsKeyArn, BucketKeyEnabled: true } : {});

/** Uploads a buffer to `prefix + key`. */
export async function putBuffer(t: BucketTarget, key: string, body: Buffer, contentType: string, extra: { ifNoneMatch?: boolean } = {}): Promise<void> {
  await t.client.send(
    new PutObjectCommand({
      Bucket: t.bucket,
      Key: t.prefix + key,
      Body: body,
      ContentType: contentType,
      ...(extra.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      ...sse(t),
    }),
  );
}

/** S3's smallest part (all but the last): 5 MiB. S3 allows at most 10,000 parts. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Uploads a file: one PutObject up to `partBytes`, a multipart upload above it (S3's single PUT
 * limit is 5 GiB). Returns size and SHA-256 of what was sent. A failed multipart upload is left
 * for the bucket's AbortIncompleteMultipartUpload lifecycle rule (the writer cannot delete).
 */
export async function uploadFile(t: BucketTarget, key: string, file: string, contentType: string, partBytes = 64 * 1024 * 1024): Promise<{ bytes: number; sha256: string }> {
  if (partBytes < MIN_PART_BYTES) throw new Error(`uploadFile: partBytes must be at least ${MIN_PART_BYTES} (got ${partBytes})`);
  const { size } = await stat(file);
  const hash = createHash("sha256");
  const handle = await open(file, "r");
  try {
    const readPart = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      const part = buffer.subarray(0, bytesRead);
      hash.update(part);
      return part;
    };
    if (size <= partBytes) {
      await putBuffer(t, key, await readPart(0, size), contentType);
      return { bytes: size, sha256: hash.digest("hex") };
    }
    const parts = Math.ceil(size / partBytes);
    if (parts > 10_000) throw new Error(`uploadFile: ${file} needs ${parts} parts of ${partBytes} bytes; S3 allows 10000. Raise partBytes.`);
    const created = await t.client.send(new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.prefix + key, ContentType: contentType, ...sse(t) }));
    const done: { PartNumber: number; ETag: string }[] = [];
    for (let n = 1; n <= parts; n++) {
      const body = await readPart((n - 1) * partBytes, Math.min(partBytes, size - (n - 1) * partBytes));
      const r = await t.client.send(new UploadPartCommand({ Bucket: t.bucket, Key: t.prefix + key, UploadId: created.UploadId, PartNumber: n, Body: body }));
      done.push({ PartNumber: n, ETag: r.ETag ?? "" });
    }
    await t.client.send(new CompleteMultipartUploadCommand({ Bucket: t.bucket, Key: t.prefix + key, UploadId: created.UploadId, MultipartUpload: { Parts: done } }));
    return { bytes: size, sha256: hash.digest("hex") };
  } finally {
    await handle.close();
  }
}

/** Every key under `prefix + sub` (the bucket prefix stripped). */
export async function listKeys(t: BucketTarget, sub: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await t.client.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: t.prefix + sub, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(t.prefix.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Downloads `prefix + key` to a file; returns size and SHA-256. */
export async function downloadFile(t: BucketTarget, key: string, file: string): Promise<{ bytes: number; sha256: string }> {
  const r = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.prefix + key }));
  const hash = createHash("sha256");
  let bytes = 0;
  const body = r.Body as Readable;
  body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(body, createWriteStream(file));
  return { bytes, sha256: hash.digest("hex") };
}

/** Downloads `prefix + key` into memory. */
export async function getBuffer(t: BucketTarget, key: string): Promise<Buffer> {
  const r = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.prefix + key }));
  return Buffer.from(await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** `2026-12-01T02:17:00.123Z` → `2026/12/01/20261201T021700Z`: sortable, one folder per day. */
export function stampPath(at: Date): string {
  const iso = at.toISOString();
  const compact = `${iso.slice(0, 10).replace(/-/g, "")}T${iso.slice(11, 19).replace(/:/g, "")}Z`;
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${compact}`;
}
