import * as path from "node:path";
import { planMain } from "../../scripts/lib/plan-main";
import { type CliResult, runEntry } from "./run-entry";

export type { CliResult };

/** The plan CLI as a child process, exactly as `npm run plan -- …` runs it (package.json). */
export function runPlanCli(args: readonly string[]): Promise<CliResult> {
  return runEntry(path.join("scripts", "plan.ts"), args);
}

/**
 * The plan CLI's own entry (`planMain`, which scripts/plan.ts runs with the process's arguments)
 * in this process: the same flags, output and exit code, without a process start and an SDK load
 * per run. Plans made this way run one after another (Pulumi's runtime state is per process).
 */
export async function runPlanInProcess(args: readonly string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await planMain([...args], { log: (text) => stdout.push(text), error: (text) => stderr.push(text) });
  return { code, stdout: stdout.map((line) => `${line}\n`).join(""), stderr: stderr.map((line) => `${line}\n`).join("") };
}
