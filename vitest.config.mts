import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import DurationSequencer from "./tests/sequencing/duration-sequencer.mjs";

/**
 * Files that change process-wide state, each in a process of its own (vitest's default isolation):
 * environment variables read by the code under test, `vi.mock`, process listeners.
 * Every other test file shares worker processes (vitest.config.mts); tests/workflows/test-isolation.test.ts
 * reads this list and fails when one of those does any of this.
 */
const ISOLATED = [
  "tests/plan/record-program-failure.test.ts", // process.on("unhandledRejection"), programs that fail half-way
  "tests/policies/evaluator.test.ts", // vi.mock of the policy pack
];

/**
 * Files that set Pulumi mocks or config themselves, or point a provider at a local API server
 * through the environment variable it reads (set in beforeAll, removed in afterAll). They share
 * worker processes with the rest: files in one worker run one after another, and recordProgram,
 * which every other file plans through, sets config and mocks afresh on each run.
 * tests/workflows/test-isolation.test.ts allows these files exactly those things.
 */
// Exported so the list is not unused here: only tests/workflows/test-isolation.test.ts reads it (from this file's text).
export const OWN_MOCKS = [
  "tests/app/stripe-provider.test.ts", // STRIPE_API_URL
  "tests/database/provider/**/*.test.ts", // SUPABASE_API_URL (tests/helpers/supabase-api-server.ts), pulumi.runtime.setMocks
  "tests/policies/shapes.test.ts", // pulumi.runtime.setMocks
  "tests/config/raw-bounds.test.ts", // pulumi.runtime.setAllConfig (reset to {} after each case)
];

/** Files that attach to the run's shared PostgreSQL clusters (tests/helpers/postgres.ts `sharedPostgres`). */
const POSTGRES = ["tests/migrations/**/*.test.ts", "tests/backups/drill.test.ts"];

export default defineConfig({
  test: {
    // No top-level `include`: a project that `extends` the root would get it concatenated to its own.
    pool: "forks",
    // One worker per core. Vitest's default outside watch mode is one fewer than the cores, which
    // on the 2-core machines this runs on (and GitHub's runners) is a single worker for the suite.
    maxWorkers: availableParallelism(),
    // A larger young generation: each plan allocates some 100 MB of short-lived Outputs and
    // protobuf messages, and with V8's default 16 MB semi-spaces the workers spent a quarter of
    // their time in scavenges (node --cpu-prof of a plan, "(garbage collector)").
    execArgv: ["--max-semi-space-size=64"],
    // Longest files first, from this machine's last run or, on a fresh checkout, the committed durations.
    sequence: { sequencer: DurationSequencer },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED } },
      {
        // Files on real PostgreSQL: one 15 and one 17 cluster for the run (globalSetup), a database
        // per file; they share worker processes like the project below.
        extends: true,
        test: { name: "postgres", include: POSTGRES, globalSetup: ["tests/helpers/postgres-global-setup.ts"], isolate: false },
      },
      {
        // Every other file only reads global state, or sets all of Pulumi's through `recordProgram`
        // (config, mocks and a fresh stack per run: tests/plan/plan-cli-stacks plans both stacks in
        // one process). They share worker processes, so the Pulumi SDKs, the program's modules and
        // their transforms are loaded once per worker instead of once per file.
        extends: true,
        test: { name: "shared", include: ["tests/**/*.test.ts"], exclude: [...ISOLATED, ...POSTGRES], isolate: false },
      },
    ],
  },
});
