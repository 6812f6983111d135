/**
 * `npm run bench [-- --runs N]`
 *
 * Times the offline plan of each stack against a floor: a fresh Node process that only loads the
 * provider SDKs the program uses. Each command runs N times in the same session (median reported)
 * and the peak resident memory of each is measured. Goal (issue 2): plan of prod ≤ 1.5 × floor.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(__dirname, "..");
const TARGET_RATIO = 1.5;
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

/** The SDKs `index.ts` loads: the floor no plan can go below. */
const SDKS = ["@pulumi/pulumi", "@pulumi/cloudflare", "@pulumiverse/vercel", "@pulumi/random"];

interface Command {
  label: string;
  command: string;
  args: string[];
}

interface Measurement {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  peakRssMb: number;
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
function measureInterleaved(commands: Command[], runs: number): Measurement[] {
  const work = mkdtempSync(path.join(tmpdir(), "pp-bench-"));
  const samples = commands.map(() => ({ times: [] as number[], peakKb: 0 }));
  try {
    for (let round = 0; round < runs; round++) {
      commands.forEach((cmd, i) => {
        const { ms, peakKb } = runOnce(cmd, work, `${round}-${i}`);
        const sample = samples[i] as { times: number[]; peakKb: number };
        sample.times.push(ms);
        sample.peakKb = Math.max(sample.peakKb, peakKb);
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return commands.map((cmd, i) => {
    const { times, peakKb } = samples[i] as { times: number[]; peakKb: number };
    const sorted = [...times].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    return { label: cmd.label, medianMs: median, minMs: sorted[0] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0, peakRssMb: peakKb / 1024 };
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
  // Exactly what `npm run plan` runs (package.json), without npm's own start-up.
  const plan = (stack: string) => [path.join("scripts", "launch.cjs"), path.join("scripts", "plan.ts"), "--stack", stack];
  // The first run after a source change rebuilds the bundle: measured once, apart from the rest.
  const [cold] = measureInterleaved([{ label: "plan prod, bundle rebuilt", command: node, args: ["-e", COLD_RUN, ...plan("prod")] }], 1);
  const [floor, ...plans] = measureInterleaved(
    [
      { label: "floor: load provider SDKs", command: node, args: ["-e", SDKS.map((m) => `require(${JSON.stringify(m)});`).join("")] },
      ...["staging", "prod"].map((stack) => ({ label: `plan ${stack}`, command: node, args: plan(stack) })),
    ],
    runs,
  ) as [Measurement, ...Measurement[]];

  const rows = [floor, ...plans, cold as Measurement];
  console.log(`Offline plan benchmark (${runs} interleaved rounds, median; node ${process.version})\n`);
  console.log(["command".padEnd(28), "median ms".padStart(10), "min".padStart(8), "max".padStart(8), "× floor".padStart(8), "peak RSS MB".padStart(12)].join(" "));
  for (const row of rows) {
    console.log([row.label.padEnd(28), row.medianMs.toFixed(0).padStart(10), row.minMs.toFixed(0).padStart(8), row.maxMs.toFixed(0).padStart(8), (row.medianMs / floor.medianMs).toFixed(2).padStart(8), row.peakRssMb.toFixed(0).padStart(12)].join(" "));
  }
  const prod = plans[1] as Measurement;
  const ratio = prod.medianMs / floor.medianMs;
  const verdict = ratio <= TARGET_RATIO ? "meets" : "MISSES";
  console.log(`\nplan prod / floor = ${ratio.toFixed(2)} — ${verdict} the target of ≤ ${TARGET_RATIO}`);
  return 0;
}

process.exitCode = main();
