/**
 * Plans several settings files one after another in this process, through the plan CLI's own
 * entry (`planMain`: the flags, output and exit code of `npm run plan`), and prints one JSON line
 * per file (after RESULT_PREFIX): its exit code, what it wrote to stderr and how long it took. tests/config/hostile.test.ts
 * runs this once, as a child process under a heap cap, for every stack file that used to crash
 * the plan: one SDK load for all of them instead of one per file.
 *
 *   node --max-old-space-size=MB scripts/launch.cjs tests/config/capped-plans.ts FILE…
 */
import { runPlanInProcess } from "../helpers/plan-cli";
import { type CappedPlanResult, RESULT_PREFIX } from "./capped-plans-result";

async function main(files: string[]): Promise<void> {
  for (const file of files) {
    const started = Date.now();
    const { code, stderr } = await runPlanInProcess(["--config", file]);
    const result: CappedPlanResult = { file, code, stderr, ms: Date.now() - started };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 3;
});
