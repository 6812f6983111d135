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

interface Measurement {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  peakRssMb: number;
}

function measure(label: string, command: string, args: string[], runs: number): Measurement {
  const work = mkdtempSync(path.join(tmpdir(), "pp-bench-"));
  const times: number[] = [];
  let peakKb = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const rssFile = path.join(work, `rss-${i}.jsonl`);
      writeFileSync(rssFile, "");
      const started = process.hrtime.bigint();
      const result = spawnSync(command, args, {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: `--require=${path.join(__dirname, "lib", "report-rss.cjs")}`, BENCH_RSS_FILE: rssFile },
      });
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
      times.push(elapsedMs);
      for (const line of readFileSync(rssFile, "utf8").split("\n").filter(Boolean)) peakKb = Math.max(peakKb, (JSON.parse(line) as { maxRssKb: number }).maxRssKb);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { label, medianMs: median, minMs: sorted[0] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0, peakRssMb: peakKb / 1024 };
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
  const cold = measure("plan prod, bundle rebuilt", node, ["-e", COLD_RUN, ...plan("prod")], 1);
  const floor = measure("floor: load provider SDKs", node, ["-e", SDKS.map((m) => `require(${JSON.stringify(m)});`).join("")], runs);
  const plans = ["staging", "prod"].map((stack) => measure(`plan ${stack}`, node, plan(stack), runs));

  const rows = [floor, ...plans, cold];
  console.log(`Offline plan benchmark (${runs} runs each, median; node ${process.version})\n`);
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
