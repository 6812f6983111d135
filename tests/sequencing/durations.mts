/**
 * The durations test files are ordered by (tests/sequencing/duration-sequencer.mts), and how two
 * files compare. No vitest import here: tests/sequencing/write-durations.mts runs under plain tsx.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** What the order needs to know about one test file. */
export interface FileTiming {
  /** Vitest's project of the file (`isolated`, `postgres`, `shared`). */
  project: string;
  /** Milliseconds the file took, or undefined when nothing is known. */
  duration: number | undefined;
  /** The file failed on this machine's previous run. */
  failed: boolean;
}

/** Compares two files: project, then failed first, then unknown first, then longest first. */
export function compareTimings(a: FileTiming, b: FileTiming): number {
  if (a.project !== b.project) return a.project < b.project ? -1 : 1;
  if (a.failed !== b.failed) return a.failed ? -1 : 1;
  if (a.duration === undefined || b.duration === undefined) return a.duration === undefined ? (b.duration === undefined ? 0 : -1) : 1;
  return b.duration - a.duration;
}

/** The committed durations, from the repository root. */
export const DURATIONS_FILE = "tests/sequencing/durations.json";

/** The committed durations: `{ "<project>:<path from the repository root>": milliseconds }`. */
export function committedDurations(file: string): Map<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // No file, or a broken one: the order falls back to vitest's own rules, and no test fails for it.
    return new Map();
  }
  const out = new Map<string, number>();
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    for (const [key, ms] of Object.entries(parsed)) if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) out.set(key, ms);
  }
  return out;
}

/** The key vitest's results cache uses for a file, which durations.json uses too. */
export function fileKey(project: string, root: string, file: string): string {
  return `${project}:${path.relative(root, file).split(path.sep).join("/")}`;
}
