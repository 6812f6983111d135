/**
 * Recovery side of the configuration backup: decrypts a downloaded `stack-export.json.enc` with
 * the recovery private key, for `pulumi stack import` (docs/runbooks/disaster-recovery.md).
 *
 *   node scripts/launch.cjs scripts/backup/decrypt-config.ts --in stack-export.json.enc --key config-backup.key --out export.json
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type Envelope, open } from "./lib/envelope";

function main(argv: string[]): number {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const [input, key, out] = [arg("--in"), arg("--key"), arg("--out")];
  if (!input || !key || !out) {
    console.error("decrypt-config: usage: --in FILE.enc --key PRIVATE_KEY.pem --out FILE.json");
    return 2;
  }
  try {
    const plain = open(JSON.parse(readFileSync(input, "utf8")) as Envelope, readFileSync(key, "utf8"));
    writeFileSync(out, plain, { mode: 0o600 });
    console.log(`decrypt-config: wrote ${out} (${plain.length} bytes)`);
    return 0;
  } catch (e) {
    console.error(`decrypt-config: ${input}: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
