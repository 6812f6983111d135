import { execFile } from "node:child_process";
import * as path from "node:path";
import { planMain } from "../../scripts/lib/plan-main";
import { findRepoRoot } from "../../scripts/lib/repo-root";

/** The plan CLI as a child process, exactly as `npm run plan -- …` runs it (package.json). */

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const REPO_ROOT = findRepoRoot(__dirname);
const PLAN = [path.join("scripts", "launch.cjs"), path.join("scripts", "plan.ts")];

/** `env` adds to the inherited environment (e.g. NODE_OPTIONS with a heap cap). */
export function runPlanCli(args: readonly string[], timeoutMs = 240_000, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...PLAN, ...args],
      { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
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
