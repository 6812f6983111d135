/**
 * The order test files start in: longest first, so the longest files never run alone at the end
 * while the other worker idles.
 *
 * Vitest's own sequencer sorts by the durations of this machine's previous run
 * (node_modules/.vite/vitest/…/results.json). A fresh checkout (CI) has none, and vitest falls back
 * to the largest file first, which put the 15-second plan-violations file (a short file) last: the
 * suite took 74 s instead of 62 s here. So this sequencer reads the previous run's durations where
 * they exist and the committed ones (tests/sequencing/durations.json, rewritten by
 * `npm run test:durations` after a run) where they do not.
 *
 * Kept from vitest's sequencer: files of one project stay together (a worker can run the next file
 * of its project without a new process), and files without any duration, and files that failed
 * last time, go first.
 */
import * as path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { committedDurations, compareTimings, DURATIONS_FILE, type FileTiming, fileKey } from "./durations.mjs";

export default class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const committed = committedDurations(path.join(root, DURATIONS_FILE));
    const timing = (spec: TestSpecification): FileTiming => {
      const key = fileKey(spec.project.name, root, spec.moduleId);
      const previous = this.ctx.cache.getFileTestResults(key);
      return { project: spec.project.name, duration: previous?.duration ?? committed.get(key), failed: previous?.failed ?? false };
    };
    const timings = new Map(files.map((spec) => [spec, timing(spec)]));
    return [...files].sort((a, b) => compareTimings(timings.get(a) as FileTiming, timings.get(b) as FileTiming));
  }
}
