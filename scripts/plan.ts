/**
 * `npm run plan -- [--stack staging|prod] [--config FILE] [--json FILE] [--markdown FILE] [--diff-against BASE.json]`
 *
 * The offline plan: runs the real program under Pulumi mocks with a stack's real settings, then
 * the real policy pack over every registered resource. No cloud credentials needed.
 * `--diff-against BASE.json` (the `--json` of the same stack planned on the base branch) also
 * prints what changes against it, and `--markdown` then writes the diff report instead.
 * Exit codes: 0 clean, 1 mandatory policy violations, 2 invalid configuration, 3 anything else.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readPlanDocument } from "./lib/plan-document";
import { diffPlans } from "./lib/plan-diff";
import { diffMarkdownReport, diffSummaryText, markdownReport, summaryTable } from "./lib/plan-report";
import type { PlanOutcome } from "./lib/run-plan";

export const EXIT = { clean: 0, policyViolations: 1, invalidConfig: 2, failure: 3 } as const;

const USAGE = "usage: npm run plan -- [--stack staging|prod] [--config FILE] [--json FILE] [--markdown FILE] [--diff-against BASE.json]";

async function main(argv: string[]): Promise<number> {
  let args: { stack?: string; config?: string; json?: string; markdown?: string; "diff-against"?: string; help?: boolean };
  try {
    ({ values: args } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, config: { type: "string" }, json: { type: "string" }, markdown: { type: "string" }, "diff-against": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return EXIT.failure;
  }
  if (args.help) {
    console.log(USAGE);
    return EXIT.clean;
  }
  if (args.stack !== undefined && !/^[a-zA-Z0-9._-]+$/.test(args.stack)) {
    console.error(`--stack: not a stack name (got ${JSON.stringify(args.stack)}). ${USAGE}`);
    return EXIT.failure;
  }

  // The base is read before planning, so a wrong file fails fast (exit 3: bad usage).
  const baseFile = args["diff-against"];
  let base: ReturnType<typeof readPlanDocument> | undefined;
  if (baseFile !== undefined) {
    try {
      base = readPlanDocument(baseFile);
    } catch (err) {
      console.error(`--diff-against: ${(err as Error).message}\n${USAGE}`);
      return EXIT.failure;
    }
    const stack = args.stack ?? "staging";
    if (base.stack !== stack) {
      console.error(`--diff-against: ${baseFile} is a plan of stack ${JSON.stringify(base.stack)}, not ${stack}. Plan the base branch with --stack ${stack}.`);
      return EXIT.failure;
    }
  }

  // Loaded only now, so that a usage error above answers without loading the SDKs and the program.
  // (`require`, not `import()`: the bundle in scripts/launch.cjs is CommonJS and evaluates the module here.)
  const { runPlan } = require("./lib/run-plan") as typeof import("./lib/run-plan");
  const { PolicyConfigError } = require("./lib/policy-evaluator") as typeof import("./lib/policy-evaluator");
  const { StackFileError } = require("./lib/stack-file") as typeof import("./lib/stack-file");
  let outcome: PlanOutcome;
  try {
    outcome = await runPlan({ stack: args.stack, configFile: args.config && path.resolve(args.config) });
  } catch (err) {
    if (err instanceof StackFileError || err instanceof PolicyConfigError) {
      console.error(err.message);
      return EXIT.invalidConfig;
    }
    throw err;
  }

  if (outcome.kind === "invalid-config") {
    console.error(`Invalid configuration for stack ${args.stack ?? "staging"} (nothing was planned):`);
    for (const problem of outcome.problems) console.error(`  - ${problem}`);
    return EXIT.invalidConfig;
  }

  const { document } = outcome;
  if (args.json) write(args.json, `${JSON.stringify(document, null, 2)}\n`);
  const diff = base && diffPlans(base, document);
  if (args.markdown) write(args.markdown, base && diff ? diffMarkdownReport(diff, document, base) : markdownReport(document));
  console.log(summaryTable(document));
  if (diff) console.log(`\n${diffSummaryText(diff, baseFile ?? "the base")}`);
  return document.policies.violations.some((v) => v.level === "mandatory") ? EXIT.policyViolations : EXIT.clean;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = EXIT.failure;
  },
);
