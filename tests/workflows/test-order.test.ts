import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The order test files start in (tests/sequencing/duration-sequencer.mts): longest first, from this
 * machine's last run or the committed durations, so a fresh checkout's first run is not left with
 * one long file running alone at the end.
 */

// ES modules (the sequencer extends vitest/node's, which vitest's config loads as ESM), so imported
// dynamically from this CommonJS file.
describe("the test order", async () => {
  const { committedDurations, compareTimings, DURATIONS_FILE, fileKey } = await import("../sequencing/durations.mjs");
  const { default: DurationSequencer } = await import("../sequencing/duration-sequencer.mjs");
  type FileTiming = Parameters<typeof compareTimings>[0];

  const ROOT = path.resolve(__dirname, "..", "..");
  const PROJECTS = ["isolated", "postgres", "shared"];

  const t = (project: string, duration: number | undefined, failed = false): FileTiming => ({ project, duration, failed });

  describe("compareTimings", () => {
    it("puts the longest file of a project first", () => {
      const sorted = [t("shared", 100), t("shared", 12_000), t("shared", 3_000)].sort(compareTimings);
      expect(sorted.map((f) => f.duration)).toEqual([12_000, 3_000, 100]);
    });

    it("puts a file with no known duration first, as vitest does, and keeps several such files in their order", () => {
      const sorted = [t("shared", 12_000), t("shared", undefined), t("shared", 5)].sort(compareTimings);
      expect(sorted.map((f) => f.duration)).toEqual([undefined, 12_000, 5]);
      expect(compareTimings(t("shared", undefined), t("shared", undefined))).toBe(0);
    });

    it("puts a file that failed last time before longer ones", () => {
      const sorted = [t("shared", 12_000), t("shared", 10, true)].sort(compareTimings);
      expect(sorted.map((f) => f.failed)).toEqual([true, false]);
    });

    it("keeps each project's files together, whatever their durations", () => {
      const sorted = [t("shared", 12_000), t("postgres", 10), t("isolated", 1), t("shared", 20_000), t("postgres", 7_000)].sort(compareTimings);
      expect(sorted.map((f) => `${f.project}:${f.duration}`)).toEqual(["isolated:1", "postgres:7000", "postgres:10", "shared:20000", "shared:12000"]);
    });
  });

  describe("committedDurations", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "test-order-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("reads the committed file: durations of test files that exist, in projects vitest.config.mts has", () => {
      const durations = committedDurations(path.join(ROOT, DURATIONS_FILE));
      expect(durations.size, `${DURATIONS_FILE} is missing or empty: run npm test, then npm run test:durations`).toBeGreaterThan(50);
      for (const key of durations.keys()) {
        const [project, file] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
        expect(PROJECTS, key).toContain(project);
        expect(existsSync(path.join(ROOT, file)), `${key}: no such file; run npm test, then npm run test:durations`).toBe(true);
      }
    });

    it("treats a missing, broken or ill-typed file as no durations, keeping the entries it can use", () => {
      expect(committedDurations(path.join(dir, "none.json")).size).toBe(0);
      writeFileSync(path.join(dir, "broken.json"), "{ not json");
      expect(committedDurations(path.join(dir, "broken.json")).size).toBe(0);
      writeFileSync(path.join(dir, "mixed.json"), JSON.stringify({ "shared:a.test.ts": 100, "shared:b.test.ts": "slow", "shared:c.test.ts": -1, "shared:d.test.ts": null }));
      expect([...committedDurations(path.join(dir, "mixed.json"))]).toEqual([["shared:a.test.ts", 100]]);
      writeFileSync(path.join(dir, "list.json"), "[1, 2]");
      expect(committedDurations(path.join(dir, "list.json")).size).toBe(0);
    });
  });

  describe("DurationSequencer", () => {
    // What the sequencer reads of vitest: the root, and the results cache of this machine's last run.
    type Sequencer = InstanceType<typeof DurationSequencer>;
    type Spec = Parameters<Sequencer["sort"]>[0][number];
    const sequencerWith = (history: Record<string, { duration: number; failed: boolean }>) =>
      new DurationSequencer({ config: { root: ROOT }, cache: { getFileTestResults: (key: string) => history[key] } } as unknown as ConstructorParameters<typeof DurationSequencer>[0]);
    const spec = (project: string, file: string) => ({ project: { name: project }, moduleId: path.join(ROOT, file) }) as unknown as Spec;
    const order = async (sequencer: Sequencer, specs: Spec[]) => (await sequencer.sort(specs)).map((s) => path.relative(ROOT, s.moduleId));

    // Three files whose committed durations differ by far more than a rerun moves them.
    const committed = committedDurations(path.join(ROOT, DURATIONS_FILE));
    const files = ["tests/policies/plan-violations.test.ts", "tests/cache/plan.test.ts", "tests/shared/naming.test.ts"];
    const committedOrder = [...files].sort((a, b) => (committed.get(fileKey("shared", ROOT, path.join(ROOT, b))) ?? 0) - (committed.get(fileKey("shared", ROOT, path.join(ROOT, a))) ?? 0));

    it("without this machine's history (a fresh checkout), orders by the committed durations", async () => {
      expect(await order(sequencerWith({}), files.map((f) => spec("shared", f)).reverse())).toEqual(committedOrder);
    });

    it("prefers this machine's last run where it has one", async () => {
      const last = committedOrder.at(-1) as string;
      const history = { [fileKey("shared", ROOT, path.join(ROOT, last))]: { duration: 1e9, failed: false } };
      expect(await order(sequencerWith(history), files.map((f) => spec("shared", f)))).toEqual([last, ...committedOrder.slice(0, -1)]);
    });

    it("keys files the way vitest's results cache does: project, colon, path from the root with forward slashes", () => {
      expect(fileKey("shared", ROOT, path.join(ROOT, "tests", "a", "b.test.ts"))).toBe("shared:tests/a/b.test.ts");
    });
  });
});
