/**
 * Prints the PostgreSQL major version of the server at $DATABASE_URL (e.g. `17`), so the workflow
 * installs the matching pg_dump/pg_restore (scripts/backup/install-pg-client.sh): pg_dump cannot
 * dump a newer server, and Supabase projects run 15 or 17 (DESIGN.md).
 *
 *   DATABASE_URL=… node scripts/launch.cjs scripts/backup/server-major.ts
 */
import { connect, parsePgUrl, serverMajor } from "./lib/postgres";
import { requireEnv } from "./lib/s3";

async function main(): Promise<void> {
  const client = await connect(parsePgUrl(requireEnv(process.env, "DATABASE_URL", "Set it to the server's postgres:// URL.")));
  try {
    console.log(String((await serverMajor(client)).major));
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(`server-major: ${(error as Error).message}`);
  process.exitCode = 1;
});
