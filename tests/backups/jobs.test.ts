/**
 * The other two daily jobs and the upload path, through a local S3 server: the Storage copy
 * (Supabase Storage's S3 endpoint is stood in for by a second bucket on the same server), the
 * encrypted configuration backup (keys made by Debian's openssl, as the runbook says), and
 * multipart uploads for dumps above one part.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { open, seal } from "../../scripts/backup/lib/envelope";
import { bucketFromEnv, getBuffer, listKeys, s3Client, uploadFile } from "../../scripts/backup/lib/s3";
import { type LocalS3, runScript, startS3 } from "./support";

const BUCKET = "pp-backups-jobs";
const SOURCE = "reflection-attachments";
let s3: LocalS3;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), "pp-jobs-"));
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as T;

beforeAll(async () => {
  s3 = await startS3([BUCKET, SOURCE]);
  env = { ...s3.env, BACKUP_BUCKET: BUCKET, BACKUP_PREFIX: "staging/" };
});
afterAll(async () => {
  await s3?.stop();
});

describe("copy-storage", () => {
  const objects: Record<string, Buffer> = {
    "u1/photo.jpg": Buffer.from("jpeg bytes"),
    "u2/voice.webm": Buffer.alloc(200_000, 7),
    "u3/copy-of-photo.jpg": Buffer.from("jpeg bytes"),
  };

  it("copies every object of the listed buckets into month-scoped blobs and writes a manifest naming each", async () => {
    const source = s3Client({ endpoint: s3.endpoint, region: "eu-west-2", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
    for (const [key, body] of Object.entries(objects)) await source.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: body, ContentType: "image/jpeg" }));
    const r = await runScript("scripts/backup/copy-storage.ts", [], {
      ...env,
      SUPABASE_S3_ENDPOINT: s3.endpoint,
      SUPABASE_S3_REGION: "eu-west-2",
      SUPABASE_S3_ACCESS_KEY_ID: "S3RVER",
      SUPABASE_S3_SECRET_ACCESS_KEY: "S3RVER",
      SUPABASE_STORAGE_BUCKETS: SOURCE,
    });
    expect(r.stderr).not.toContain("copy-storage:");
    expect(r.code).toBe(0);
    const result = lastJson<{ manifestKey: string; objects: number }>(r.stdout);
    expect(result.objects).toBe(3);
    const bucket = bucketFromEnv(env);
    const manifest = JSON.parse((await getBuffer(bucket, result.manifestKey)).toString("utf8")) as { objects: { bucket: string; key: string; blob: string; bytes: number }[] };
    const month = new Date().toISOString().slice(0, 7);
    expect(manifest.objects.map((o) => o.key).sort()).toEqual(Object.keys(objects).sort());
    for (const o of manifest.objects) {
      expect(o.blob).toMatch(new RegExp(`^storage/blobs/${month}/[0-9a-f]{64}$`));
      expect((await getBuffer(bucket, o.blob)).equals(objects[o.key] as Buffer)).toBe(true);
    }
    // Identical bytes share one blob.
    expect(new Set(manifest.objects.map((o) => o.blob)).size).toBe(2);
  });

  it("restore-storage puts every object of the newest manifest back into a new project's Storage, byte for byte", async () => {
    const fresh = await startS3([SOURCE]);
    try {
      const r = await runScript("scripts/backup/restore-storage.ts", [], {
        ...env,
        SUPABASE_S3_ENDPOINT: fresh.endpoint,
        SUPABASE_S3_REGION: "eu-west-2",
        SUPABASE_S3_ACCESS_KEY_ID: "S3RVER",
        SUPABASE_S3_SECRET_ACCESS_KEY: "S3RVER",
      });
      expect(r.stderr).not.toContain("restore-storage:");
      expect(r.code).toBe(0);
      expect(lastJson<{ restored: number; failed: string[] }>(r.stdout)).toMatchObject({ restored: 3, failed: [] });
      const restored = { client: s3Client({ endpoint: fresh.endpoint, region: "eu-west-2", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }), bucket: SOURCE, prefix: "" };
      for (const [key, body] of Object.entries(objects)) expect((await getBuffer(restored, key)).equals(body)).toBe(true);
    } finally {
      await fresh.stop();
    }
  });

  it("exits 2 naming the missing Supabase setting", async () => {
    const r = await runScript("scripts/backup/copy-storage.ts", [], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SUPABASE_S3_ENDPOINT: not set.");
  });
});

describe("export-config and decrypt-config", () => {
  const key = join(dir, "config-backup.key");
  const pub = join(dir, "config-backup.pub");
  const exportFile = join(dir, "export.json");
  const stackExport = { version: 3, deployment: { manifest: {}, resources: [{ urn: "urn:pulumi:prod::promptandpause::pulumi:pulumi:Stack::promptandpause-prod" }] } };

  beforeAll(() => {
    execFileSync("openssl", ["genpkey", "-algorithm", "X25519", "-out", key]);
    execFileSync("openssl", ["pkey", "-in", key, "-pubout", "-out", pub]);
    writeFileSync(exportFile, JSON.stringify(stackExport));
  });

  it("uploads an encrypted export that only the recovery key opens, byte for byte", async () => {
    const r = await runScript("scripts/backup/export-config.ts", ["--stack", "prod", "--in", exportFile], { ...env, BACKUP_CONFIG_PUBLIC_KEY: readFileSync(pub, "utf8") });
    expect(r.code).toBe(0);
    const { key: objectKey } = lastJson<{ key: string }>(r.stdout);
    expect(objectKey).toMatch(/^config\/prod\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z\/stack-export\.json\.enc$/);
    const stored = await getBuffer(bucketFromEnv(env), objectKey);
    expect(stored.toString("utf8")).not.toContain("promptandpause-prod");
    const enc = join(dir, "downloaded.enc");
    writeFileSync(enc, stored);
    const out = join(dir, "decrypted.json");
    const d = await runScript("scripts/backup/decrypt-config.ts", ["--in", enc, "--key", key, "--out", out], {});
    expect(d.code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(exportFile))).toBe(true);
  });

  it("refuses a tampered envelope and another recipient's key", () => {
    const envelope = seal(Buffer.from("state"), readFileSync(pub, "utf8"));
    const flipped = Buffer.from(envelope.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open({ ...envelope, ciphertext: flipped.toString("base64") }, readFileSync(key, "utf8"))).toThrow("authentication failed");
    const other = join(dir, "other.key");
    execFileSync("openssl", ["genpkey", "-algorithm", "X25519", "-out", other]);
    expect(() => open(envelope, readFileSync(other, "utf8"))).toThrow("encrypted for another key");
  });

  it("exits 2 on a key that is not X25519", async () => {
    const rsa = execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], { stdio: ["ignore", "pipe", "ignore"] });
    const rsaPub = execFileSync("openssl", ["pkey", "-pubout"], { input: rsa }).toString("utf8");
    const r = await runScript("scripts/backup/export-config.ts", ["--stack", "prod", "--in", exportFile], { ...env, BACKUP_CONFIG_PUBLIC_KEY: rsaPub });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("BACKUP_CONFIG_PUBLIC_KEY: must be an X25519 key (got rsa)");
  });
});

describe("uploadFile", () => {
  it("sends a file above one part as a multipart upload that reassembles byte for byte", async () => {
    const file = join(dir, "big.bin");
    const body = Buffer.alloc(11 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    writeFileSync(file, body);
    const bucket = bucketFromEnv(env);
    const sent = await uploadFile(bucket, "database/big.bin", file, "application/octet-stream", 5 * 1024 * 1024);
    expect(sent.bytes).toBe(body.length);
    expect((await getBuffer(bucket, "database/big.bin")).equals(body)).toBe(true);
    expect(await listKeys(bucket, "database/")).toContain("database/big.bin");
  });
});
