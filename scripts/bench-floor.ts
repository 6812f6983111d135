/**
 * The benchmark's floor, measured like a plan (issue: "a fresh process that loads every SDK the
 * program loads and registers the same number of bare resources under the same mocks"):
 *
 *   node scripts/launch.cjs scripts/bench-floor.ts record <stack> <out.json> [configFile]
 *     runs the real plan once and writes which node_modules files it loaded and how many
 *     resources it registered;
 *   node scripts/launch.cjs scripts/bench-floor.ts floor <in.json>
 *     loads exactly those files, then registers that many bare resources under PlatformMocks;
 *   node scripts/launch.cjs scripts/bench-floor.ts sdk <in.json>
 *     loads the same files, then replays the plan's own resources with their properties and
 *     runs the policy server over them with stand-ins that check nothing (lib/sdk-floor.ts).
 *
 * The plan's time over the bare floor's is what our program, its checks and the policy pack cost
 * beyond loading the SDKs and registering empty resources; over the SDK floor's, what our code
 * costs beyond the work the SDKs and the policy server must do for these resources.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { recordProgram } from "./lib/record-program";
import { PROJECT, runPlan } from "./lib/run-plan";
import { recordSdkFloor, runSdkFloor, type SdkFloorSpec } from "./lib/sdk-floor";

/** A resource with no inputs: what the SDK's registration costs, and nothing of ours. */
class Bare extends pulumi.CustomResource {
  constructor(name: string) {
    super("promptandpause:bench:Bare", name, {});
  }
}

interface FloorSpec {
  modules: string[];
  resources: number;
  sdk: SdkFloorSpec;
}

async function record(stack: string, out: string, configFile?: string): Promise<void> {
  const outcome = await runPlan({ stack, ...(configFile ? { configFile } : {}) });
  if (outcome.kind !== "planned") throw new Error(`bench-floor: the ${stack} plan did not run (invalid configuration)`);
  // Everything the plan loaded from node_modules, in load order, except our own cached bundle.
  const modules = Object.keys(require.cache).filter((file) => file.includes(`${"/"}node_modules/`) && !file.includes("/node_modules/.cache/"));
  const spec: FloorSpec = { modules, resources: outcome.resources.length, sdk: await recordSdkFloor({ stack, ...(configFile ? { configFile } : {}) }) };
  writeFileSync(out, JSON.stringify(spec));
}

/** Loads every node_modules file the plan loaded, in its order. */
function loadModules(spec: FloorSpec): void {
  for (const file of spec.modules) {
    try {
      require(file);
    } catch {
      // A file that only loads as part of its package (or a native add-on) was loaded by that package above.
    }
  }
}

async function floor(input: string): Promise<void> {
  const spec = JSON.parse(readFileSync(input, "utf8")) as FloorSpec;
  loadModules(spec);
  await recordProgram(
    () => {
      for (let i = 0; i < spec.resources; i++) new Bare(`bare-${i}`);
    },
    { project: PROJECT, stack: "bench", skipEngineExtras: true },
  );
}

async function sdkFloor(input: string): Promise<void> {
  const spec = JSON.parse(readFileSync(input, "utf8")) as FloorSpec;
  loadModules(spec);
  await runSdkFloor(spec.sdk);
}

const MODES: Record<string, (rest: string[]) => Promise<void>> = {
  record: (rest) => record(rest[0] ?? "prod", rest[1] ?? "floor.json", rest[2]),
  floor: (rest) => floor(rest[0] ?? "floor.json"),
  sdk: (rest) => sdkFloor(rest[0] ?? "floor.json"),
};
const [mode = "", ...rest] = process.argv.slice(2);
const run = MODES[mode]?.(rest) ?? Promise.reject(new Error("usage: bench-floor.ts record <stack> <out.json> [config] | floor <in.json> | sdk <in.json>"));
run.catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 3;
});
