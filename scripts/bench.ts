/**
 * `npm run bench [-- --runs N]`
 *
 * Times the offline plan of each stack, and of prod at every scale preset, against a floor per
 * preset: a fresh Node process that loads every node_modules file that plan loads (the SDKs, AWS
 * included) and registers as many bare resources under the same mocks (scripts/bench-floor.ts).
 * Commands run round by round, each prod plan next to its preset's floor (floor first in even
 * rounds, plan first in odd ones; staging last in the round); a ratio is the median over rounds of the two runs' ratio in one round, and the peak
 * resident memory of each command is measured. Goals: prod ≤ 1.5 × floor at every preset; prod at 100x ≤ 1.3 × prod at current.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(__dirname, "..");
const TARGET_RATIO = 1.5;
const PRESET_TARGET_RATIO = 1.3;
const PRESETS = ["current", "10x", "100x"] as const;
/**
 * Runs the launcher after deleting this checkout's cached bundle, so the run includes esbuild's
 * rebuild (argv: launch.cjs and its arguments).
 */
const COLD_RUN = `
const fs = require("node:fs"), path = require("node:path");
fs.rmSync(path.join(process.cwd(), "node_modules", ".cache", "promptandpause"), { recursive: true, force: true });
const [launcher, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], path.resolve(launcher), ...args];
require(path.resolve(launcher));
`;

/** Pulumi.prod.yaml with another scale preset, written to `dir` (the plan's --config). */
function presetFile(dir: string, preset: string): string {
  const yaml = require("js-yaml") as typeof import("js-yaml");
  const doc = yaml.load(readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  doc.config["promptandpause:scale"] = { ...(doc.config["promptandpause:scale"] as object), preset };
  const file = path.join(dir, `Pulumi.prod-${preset}.yaml`);
  writeFileSync(file, yaml.dump(doc));
  return file;
}

interface Command {
  label: string;
  command: string;
  args: string[];
}

interface Measurement {
  label: string;
  /** Wall time of each round, in round order. */
  timesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  peakRssMb: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * `row` against `against`: the median over rounds of the ratio of the two runs of one round.
 * Each plan runs next to its floor, so a slow spell of this shared machine (which lasts
 * seconds) mostly slows both runs of a pair and cancels out of their ratio; a ratio of medians
 * takes the two medians from different rounds and keeps the noise of both.
 */
function pairedRatio(row: Measurement, against: Measurement): number {
  return median(row.timesMs.map((ms, i) => ms / (against.timesMs[i] ?? Number.NaN)));
}

/** One run: wall time and the peak resident memory of every Node process it started. */
function runOnce(cmd: Command, work: string, id: string): { ms: number; peakKb: number } {
  const rssFile = path.join(work, `rss-${id}.jsonl`);
  writeFileSync(rssFile, "");
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd.command, cmd.args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: `--require=${path.join(__dirname, "lib", "report-rss.cjs")}`, BENCH_RSS_FILE: rssFile },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${cmd.label} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  let peakKb = 0;
  for (const line of readFileSync(rssFile, "utf8").split("\n").filter(Boolean)) peakKb = Math.max(peakKb, (JSON.parse(line) as { maxRssKb: number }).maxRssKb);
  return { ms, peakKb };
}

/**
 * Runs the commands round by round (A, B, C, A, B, C, …) rather than each N times in a row, so
 * that a slow spell of a shared machine weighs on every command alike and the ratios hold.
 */
function measureInterleaved(commands: Command[], runs: number, pairs = 0): Measurement[] {
  const work = mkdtempSync(path.join(tmpdir(), "pp-bench-"));
  const samples = commands.map(() => ({ times: [] as number[], peakKb: 0 }));
  try {
    for (let round = 0; round < runs; round++) {
      // The first `pairs` pairs of commands swap places every other round (A B, then B A), so
      // neither run of a pair always goes first (a run can warm the page cache for the next).
      const order = commands.map((_c, i) => (round % 2 === 1 && i < 2 * pairs ? i ^ 1 : i));
      for (const i of order) {
        const cmd = commands[i] as Command;
        const { ms, peakKb } = runOnce(cmd, work, `${round}-${i}`);
        const sample = samples[i] as { times: number[]; peakKb: number };
        sample.times.push(ms);
        sample.peakKb = Math.max(sample.peakKb, peakKb);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return commands.map((cmd, i) => {
    const { times, peakKb } = samples[i] as { times: number[]; peakKb: number };
    return { label: cmd.label, timesMs: times, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), peakRssMb: peakKb / 1024 };
  });
}

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    console.error(`--runs: must be a whole number from 1 to 50 (got ${JSON.stringify(values.runs)})`);
    return 2;
  }
  const node = process.execPath;
  const launch = (entry: string, ...rest: string[]) => [path.join("scripts", "launch.cjs"), path.join("scripts", entry), ...rest];
  // Exactly what `npm run plan` runs (package.json), without npm's own start-up.
  const plan = (stack: string, config?: string) => launch("plan.ts", "--stack", stack, ...(config ? ["--config", config] : []));
  const work = mkdtempSync(path.join(tmpdir(), "pp-bench-floor-"));
  try {
    const presetConfigs = PRESETS.map((preset) => presetFile(work, preset));
    // One floor per preset: the files that preset's plan loads and as many bare resources as it
    // registers (the 100x preset registers more: one set of alarms per read replica).
    const floorSpecs = PRESETS.map((preset, i) => {
      const spec = path.join(work, `floor-${preset}.json`);
      const recorded = spawnSync(node, launch("bench-floor.ts", "record", "prod", spec, presetConfigs[i] as string), { cwd: ROOT, encoding: "utf8" });
      if (recorded.status !== 0) throw new Error(`recording the floor of prod @ ${preset} failed:\n${recorded.stderr}`);
      return spec;
    });
    // The first run after a source change rebuilds the bundle: measured once, apart from the rest.
    const [cold] = measureInterleaved([{ label: "plan prod, bundle rebuilt", command: node, args: ["-e", COLD_RUN, ...plan("prod")] }], 1);
    // Each round runs every preset's floor next to that preset's plan.
    const measured = measureInterleaved(
      [
        ...PRESETS.flatMap((preset, i) => [
          { label: `floor @ ${preset}`, command: node, args: launch("bench-floor.ts", "floor", floorSpecs[i] as string) },
          { label: `plan prod @ ${preset}`, command: node, args: plan("prod", presetConfigs[i]) },
        ]),
        { label: "plan staging", command: node, args: plan("staging") },
      ],
      runs,
      PRESETS.length,
    );
    const floors = PRESETS.map((_p, i) => measured[2 * i] as Measurement);
    const prodPresets = PRESETS.map((_p, i) => measured[2 * i + 1] as Measurement);
    const staging = measured[2 * PRESETS.length] as Measurement;
    const floor = floors[0] as Measurement;

    // Each row with the floor it is compared with.
    const rows: Array<[Measurement, Measurement]> = [...floors.map((f) => [f, f] as [Measurement, Measurement]), [staging, floor], ...prodPresets.map((row, i) => [row, floors[i] as Measurement] as [Measurement, Measurement]), [cold as Measurement, floor]];
    console.log(`Offline plan benchmark (${runs} interleaved rounds, median; node ${process.version})`);
    for (const [i, preset] of PRESETS.entries()) {
      const spec = JSON.parse(readFileSync(floorSpecs[i] as string, "utf8")) as { modules: string[]; resources: number };
      console.log(`floor @ ${preset} = the ${spec.modules.length} node_modules files that plan loads + ${spec.resources} bare resources under the same mocks`);
    }
    console.log("× floor: the median over rounds of each run's time over its floor's in the same round (the floor of the same preset; staging and the rebuild: the floor @ current)\n");
    console.log(["command".padEnd(30), "median ms".padStart(10), "min".padStart(8), "max".padStart(8), "× floor".padStart(8), "peak RSS MB".padStart(12)].join(" "));
    for (const [row, against] of rows) {
      console.log([row.label.padEnd(30), row.medianMs.toFixed(0).padStart(10), row.minMs.toFixed(0).padStart(8), row.maxMs.toFixed(0).padStart(8), (row.timesMs.length === against.timesMs.length ? pairedRatio(row, against) : row.medianMs / against.medianMs).toFixed(2).padStart(8), row.peakRssMb.toFixed(0).padStart(12)].join(" "));
    }
    console.log("");
    for (const [i, row] of prodPresets.entries()) {
      const ratio = pairedRatio(row, floors[i] as Measurement);
      console.log(`${row.label} / floor @ ${PRESETS[i]} = ${ratio.toFixed(2)} — ${ratio <= TARGET_RATIO ? "meets" : "MISSES"} the target of ≤ ${TARGET_RATIO}`);
    }
    const current = prodPresets[0] as Measurement;
    const top = prodPresets[prodPresets.length - 1] as Measurement;
    const growth = pairedRatio(top, current);
    console.log(`plan prod @ 100x / plan prod @ current = ${growth.toFixed(2)} — ${growth <= PRESET_TARGET_RATIO ? "meets" : "MISSES"} the target of ≤ ${PRESET_TARGET_RATIO}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = main();
