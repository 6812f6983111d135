import { execFile } from "node:child_process";
import * as path from "node:path";
import { planMain } from "../../scripts/lib/plan-main";
import { findRepoRoot } from "../../scripts/lib/repo-root";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const REPO_ROOT = findRepoRoot(__dirname);

/** Options of {@link runEntry}. */
export interface RunEntryOptions {
  /** Added to the inherited environment, or (with `cleanEnv`) the whole environment besides PATH and HOME. */
  env?: Record<string, string>;
  /** Start from PATH and HOME only, not the test process's environment. @default false */
  cleanEnv?: boolean;
  /** Node flags before the launcher (e.g. a heap cap). */
  nodeArgs?: readonly string[];
  /** @default 240_000 */
  timeoutMs?: number;
}

/**
 * One of our TypeScript entry points as a child process, the way package.json's scripts and the
 * workflows run them: `node scripts/launch.cjs <entry> …args`. `code` is null when the process
 * was killed (a signal, the timeout).
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

/** The plan CLI as a child process, exactly as `npm run plan -- …` runs it (package.json). `env` adds to the inherited environment. */
export function runPlanCli(args: readonly string[], timeoutMs = 240_000, env: Record<string, string> = {}): Promise<CliResult> {
  return runEntry(path.join("scripts", "plan.ts"), args, { timeoutMs, env });
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
