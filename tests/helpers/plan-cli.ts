import { execFile } from "node:child_process";
import * as path from "node:path";
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
