/**
 * `npm run bench [-- --runs N]`
 *
 * Times the offline plan of each stack, and of prod at every scale preset, against two floors
 * per preset, each a fresh Node process that loads every node_modules file that plan loads (the
 * SDKs, AWS included) under the same mocks (scripts/bench-floor.ts):
 *   - the bare floor (issue 9's): as many resources as the plan, with no properties;
 *   - the SDK floor: the plan's own resources with their own properties, and the policy server
 *     over them with stand-ins of the pack's policies that check nothing (lib/sdk-floor.ts):
 *     the work the SDKs must do for these resources, with no code of ours.
 * Commands run round by round, each preset's floors and plan side by side (their order rotating
 * every round; staging last in the round); a ratio is the median over rounds of the two runs'
 * ratio in one round, and the peak resident memory of each command is measured. Goals: prod ≤
 * 1.5 × floor at every preset; prod at 100x ≤ 1.3 × prod at current.
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
 * Runs the groups of commands round by round (A B C, D E, …, then again) rather than each
 * command N times in a row, so that a slow spell of a shared machine weighs on the commands of a
 * group alike and their ratios hold. Within a group the order rotates every round (A B C, B C A,
 * C A B), so no command always goes first (a run can warm the page cache for the next).
 * Measurements come back in the groups' order, flattened.
 */
function measureInterleaved(groups: Command[][], runs: number): Measurement[] {
  const commands = groups.flat();
  const work = mkdtempSync(path.join(tmpdir(), "pp-bench-"));
  const samples = commands.map(() => ({ times: [] as number[], peakKb: 0 }));
  const starts = groups.map((_g, i) => groups.slice(0, i).reduce((n, g) => n + g.length, 0));
  try {
    for (let round = 0; round < runs; round++) {
      const order = groups.flatMap((g, gi) => g.map((_c, i) => (starts[gi] ?? 0) + ((i + round) % g.length)));
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
    const [cold] = measureInterleaved([[{ label: "plan prod, bundle rebuilt", command: node, args: ["-e", COLD_RUN, ...plan("prod")] }]], 1);
    // Each round runs every preset's two floors next to that preset's plan.
    const measured = measureInterleaved(
      [
        ...PRESETS.map((preset, i) => [
          { label: `floor @ ${preset}`, command: node, args: launch("bench-floor.ts", "floor", floorSpecs[i] as string) },
          { label: `sdk floor @ ${preset}`, command: node, args: launch("bench-floor.ts", "sdk", floorSpecs[i] as string) },
          { label: `plan prod @ ${preset}`, command: node, args: plan("prod", presetConfigs[i]) },
        ]),
        [{ label: "plan staging", command: node, args: plan("staging") }],
      ],
      runs,
    );
    const floors = PRESETS.map((_p, i) => measured[3 * i] as Measurement);
    const sdkFloors = PRESETS.map((_p, i) => measured[3 * i + 1] as Measurement);
    const prodPresets = PRESETS.map((_p, i) => measured[3 * i + 2] as Measurement);
    const staging = measured[3 * PRESETS.length] as Measurement;
    const floor = floors[0] as Measurement;

    // Each row with the floor it is compared with.
    const rows: Array<[Measurement, Measurement]> = [
      ...floors.map((f) => [f, f] as [Measurement, Measurement]),
      ...sdkFloors.map((row, i) => [row, floors[i] as Measurement] as [Measurement, Measurement]),
      [staging, floor],
      ...prodPresets.map((row, i) => [row, floors[i] as Measurement] as [Measurement, Measurement]),
      [cold as Measurement, floor],
    ];
    console.log(`Offline plan benchmark (${runs} interleaved rounds, median; node ${process.version})`);
    for (const [i, preset] of PRESETS.entries()) {
      const spec = JSON.parse(readFileSync(floorSpecs[i] as string, "utf8")) as { modules: string[]; resources: number; sdk: { properties: Record<string, string[]> } };
      console.log(`floor @ ${preset} = the ${spec.modules.length} node_modules files that plan loads + ${spec.resources} bare resources under the same mocks`);
      console.log(`sdk floor @ ${preset} = the same files + those ${spec.resources} resources with their own inputs and the ${Object.values(spec.sdk.properties).reduce((n, names) => n + names.length, 0)} property names of their ${Object.keys(spec.sdk.properties).length} classes, then the policy server with stand-ins that check nothing`);
    }
    console.log("× floor: the median over rounds of each run's time over its bare floor's in the same round (the floor of the same preset; staging and the rebuild: the floor @ current)\n");
    console.log(["command".padEnd(30), "median ms".padStart(10), "min".padStart(8), "max".padStart(8), "× floor".padStart(8), "peak RSS MB".padStart(12)].join(" "));
    for (const [row, against] of rows) {
      console.log([row.label.padEnd(30), row.medianMs.toFixed(0).padStart(10), row.minMs.toFixed(0).padStart(8), row.maxMs.toFixed(0).padStart(8), (row.timesMs.length === against.timesMs.length ? pairedRatio(row, against) : row.medianMs / against.medianMs).toFixed(2).padStart(8), row.peakRssMb.toFixed(0).padStart(12)].join(" "));
    }
    console.log("");
    for (const [i, row] of prodPresets.entries()) {
      const ratio = pairedRatio(row, floors[i] as Measurement);
      console.log(`${row.label} / floor @ ${PRESETS[i]} = ${ratio.toFixed(2)} — ${ratio <= TARGET_RATIO ? "meets" : "MISSES"} the target of ≤ ${TARGET_RATIO}`);
    }
    for (const [i, row] of prodPresets.entries()) {
      const sdk = sdkFloors[i] as Measurement;
      const ofSdk = pairedRatio(sdk, floors[i] as Measurement);
      console.log(`${sdk.label} / floor @ ${PRESETS[i]} = ${ofSdk.toFixed(2)}: the SDKs and the policy server alone, before any code of ours${ofSdk > TARGET_RATIO ? ` (over ${TARGET_RATIO}: no plan of these resources through the real SDKs and policy server can meet the target)` : ""}; ${row.label} / ${sdk.label} = ${pairedRatio(row, sdk).toFixed(2)}: what our program and policies add`);
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
