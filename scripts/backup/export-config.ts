/**
 * Daily configuration backup (the guide's "Configuration backup"): encrypts a `pulumi stack
 * export` to the recovery key (lib/envelope.ts) and uploads it to
 * `<prefix>config/<stack>/YYYY/MM/DD/<stamp>/stack-export.json.enc`.
 *
 *   pulumi stack export --stack <org>/promptandpause/<stack> --file export.json
 *   node scripts/launch.cjs scripts/backup/export-config.ts --stack <stack> --in export.json
 *
 * Environment: BACKUP_CONFIG_PUBLIC_KEY (PEM, X25519; not a secret) and the bucket variables of
 * lib/s3.ts. The export's own secrets stay encrypted by the stack's secrets provider; the
 * envelope hides everything else (resource ids, endpoints, settings). Exit: 0 uploaded, 1 failed,
 * 2 setup problem.
 */
import { readFileSync } from "node:fs";
import { seal, x25519Public } from "./lib/envelope";
import { bucketFromEnv, putBuffer, requireEnv, stampPath } from "./lib/s3";

async function main(argv: string[]): Promise<number> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const stack = arg("--stack");
  const input = arg("--in");
  let bucket: ReturnType<typeof bucketFromEnv>;
  let publicKey: string;
  let exported: Buffer;
  try {
    if (!stack || !/^[a-z0-9-]{1,64}$/.test(stack)) throw new Error(`--stack: must be a stack name such as prod (got ${JSON.stringify(stack ?? "")})`);
    if (!input) throw new Error("--in: needs the file written by pulumi stack export --file");
    bucket = bucketFromEnv(process.env);
    publicKey = requireEnv(process.env, "BACKUP_CONFIG_PUBLIC_KEY", "Set it to the recovery key's public half (PEM; docs/runbooks/disaster-recovery.md).");
    x25519Public(publicKey, "BACKUP_CONFIG_PUBLIC_KEY");
    exported = readFileSync(input);
    const doc = JSON.parse(exported.toString("utf8")) as { version?: unknown; deployment?: { resources?: unknown[] } };
    if (typeof doc.version !== "number" || typeof doc.deployment !== "object") throw new Error(`${input}: not a pulumi stack export (no version/deployment)`);
  } catch (e) {
    console.error(`export-config: ${(e as Error).message}`);
    return 2;
  }
  const envelope = seal(exported, publicKey);
  const key = `config/${stack}/${stampPath(new Date())}/stack-export.json.enc`;
  await putBuffer(bucket, key, Buffer.from(JSON.stringify(envelope)), "application/json");
  console.log(JSON.stringify({ ok: true, key, bytes: exported.length }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`export-config: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
