/**
 * One of our TypeScript entry points as a child process. Apart from plan-cli.ts, which loads the
 * whole program for its in-process runs: a file that only starts a child needs none of that.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { findRepoRoot } from "../../scripts/lib/repo-root";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const REPO_ROOT = findRepoRoot(__dirname);

/** Options of {@link runEntry}. */
export interface RunEntryOptions {
  /**
   * Added to the inherited environment, or (with `cleanEnv`) the whole environment besides PATH
   * and HOME. NO_COLOR=1 and FORCE_COLOR=0 are always set, before these.
   */
  env?: Record<string, string>;
  /** Start from PATH and HOME only, not the test process's environment. @default false */
  cleanEnv?: boolean;
  /** Node flags before the launcher (e.g. a heap cap). */
  nodeArgs?: readonly string[];
  /** @default 240_000 */
  timeoutMs?: number;
}

/**
 * `node scripts/launch.cjs <entry> …args`, the way package.json's scripts and the workflows run
 * our entry points. `code` is null when the process was killed (a signal, the timeout).
 */
export function runEntry(entry: string, args: readonly string[], options: RunEntryOptions = {}): Promise<CliResult> {
  const base = options.cleanEnv ? { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" } : process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), path.join("scripts", "launch.cjs"), entry, ...args],
      { cwd: REPO_ROOT, timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...base, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
