/**
 * Writes tests/sequencing/durations.json from vitest's results cache of the last `npm test` on
 * this machine: each file's duration, rounded to 100 ms so a rerun changes few lines. A fresh
 * checkout has no results cache; the committed file gives its first run the same longest-first
 * order (tests/sequencing/duration-sequencer.mts).
 *   npm test && npm run test:durations
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DURATIONS_FILE } from "./durations.mjs";
import { findRepoRoot } from "../../scripts/lib/repo-root.js";

const root = findRepoRoot();
const cacheDir = path.join(root, "node_modules", ".vite", "vitest");
const caches = existsSync(cacheDir)
  ? readdirSync(cacheDir)
      .map((d) => path.join(cacheDir, d, "results.json"))
      .filter((f) => existsSync(f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  : [];
const latest = caches[0];
if (!latest) {
  console.error(`test:durations: no vitest results under ${path.relative(root, cacheDir)}; run npm test first.`);
  process.exit(1);
}
const { results } = JSON.parse(readFileSync(latest, "utf8")) as { results: Array<[string, { duration?: number; failed?: boolean }]> };
const durations = Object.fromEntries(
  results
    .filter(([key, r]) => typeof r.duration === "number" && existsSync(path.join(root, key.slice(key.indexOf(":") + 1))))
    .map(([key, r]) => [key, Math.round((r.duration as number) / 100) * 100] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path.join(root, DURATIONS_FILE), `${JSON.stringify(durations, null, 2)}\n`);
console.log(`test:durations: ${Object.keys(durations).length} files written to ${DURATIONS_FILE}`);
