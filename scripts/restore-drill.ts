/**
 * The restore drill, weekly in .github/workflows/backup.yml (the guide's weekly "backup
 * verification" and monthly "backup restoration test"): fetch the newest dump from the
 * backup bucket, restore it into a scratch PostgreSQL, verify it against its manifest (tables,
 * row counts, checksums, RLS, policies, partitions), and report restore time, throughput and the
 * database size up to which the 4 h RTO holds. Exits 1 naming every mismatch.
 *
 *   node scripts/launch.cjs scripts/restore-drill.ts [--database NAME] [--manifest KEY]
 *        [--keep] [--verify-only] [--jobs N] [--restore-budget-minutes M] [--report FILE]
 *
 * Environment: SCRATCH_DATABASE_URL (superuser URL of a throw-away server of the source's major
 * version or newer), PG_BIN_DIR (psql/pg_restore of that version), and the bucket variables of
 * scripts/backup/lib/s3.ts (read access: s3:ListBucket, s3:GetObject, kms:Decrypt).
 * Exit: 0 passed; 1 problems found (listed); 2 setup problem (missing variable, bad flag).
 */
import { writeFileSync } from "node:fs";
import { type DrillOptions, formatReport, runDrill } from "./backup/lib/drill";
import { parsePgUrl } from "./backup/lib/postgres";
import { bucketFromEnv, requireEnv } from "./backup/lib/s3";

function parseArgs(argv: string[]): { options: Omit<DrillOptions, "bucket" | "scratch">; report?: string } {
  const options: Omit<DrillOptions, "bucket" | "scratch"> = {};
  let report: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag}: needs a value`);
      return v;
    };
    const count = (): number => {
      const v = value();
      if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`${flag}: must be a positive whole number (got ${JSON.stringify(v)})`);
      return Number(v);
    };
    switch (flag) {
      case "--database":
        options.database = value();
        break;
      case "--manifest":
        options.manifestKey = value();
        break;
      case "--keep":
        options.keep = true;
        break;
      case "--verify-only":
        options.verifyOnly = true;
        break;
      case "--jobs":
        options.jobs = count();
        break;
      case "--restore-budget-minutes":
        options.restoreBudgetMinutes = count();
        break;
      case "--report":
        report = value();
        break;
      default:
        throw new Error(`unknown flag ${JSON.stringify(flag)}`);
    }
  }
  if (options.verifyOnly && !options.database) throw new Error("--verify-only: needs --database (the restored database to verify)");
  return { options, report };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  let drill: DrillOptions;
  try {
    parsed = parseArgs(process.argv.slice(2));
    drill = {
      ...parsed.options,
      bucket: bucketFromEnv(process.env),
      scratch: parsePgUrl(requireEnv(process.env, "SCRATCH_DATABASE_URL", "Set it to a throw-away server's superuser URL."), "SCRATCH_DATABASE_URL"),
    };
  } catch (e) {
    console.error(`restore-drill: ${(e as Error).message}`);
    return 2;
  }
  const report = await runDrill(drill);
  console.log(formatReport(report));
  if (parsed.report) writeFileSync(parsed.report, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`restore-drill: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
