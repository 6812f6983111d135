/**
 * The plan CLI as a function: parses the flags, runs the plan, prints what `npm run plan` prints
 * and returns its exit code. `scripts/plan.ts` calls it with the process's arguments; the
 * hostile-input tests call it in-process with `--config FILE` (the same entry, without a process
 * start per case).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { diffPlans } from "./plan-diff";
import { readPlanDocument } from "./plan-document";
import { diffMarkdownReport, diffSummaryText, markdownReport, summaryTable } from "./plan-report";
import { PolicyConfigError } from "./policy-evaluator";
import { type PlanOutcome, runPlan } from "./run-plan";
import { StackFileError } from "./stack-file";

export const EXIT = { clean: 0, policyViolations: 1, invalidConfig: 2, failure: 3 } as const;

const USAGE = "usage: npm run plan -- [--stack staging|prod] [--config FILE] [--json FILE] [--markdown FILE] [--diff-against BASE.json]";

/** Where the CLI prints: the process streams, or a capture in tests. */
export interface PlanConsole {
  log(text: string): void;
  error(text: string): void;
}

/** Runs the CLI; never throws: an unexpected error is printed and answered with exit 3. */
export async function planMain(argv: string[], out: PlanConsole = console): Promise<number> {
  try {
    return await planCli(argv, out);
  } catch (err) {
    out.error(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.failure;
  }
}

async function planCli(argv: string[], out: PlanConsole): Promise<number> {
  let args: { stack?: string; config?: string; json?: string; markdown?: string; "diff-against"?: string; help?: boolean };
  try {
    ({ values: args } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, config: { type: "string" }, json: { type: "string" }, markdown: { type: "string" }, "diff-against": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    out.error(`${(err as Error).message}\n${USAGE}`);
    return EXIT.failure;
  }
  if (args.help) {
    out.log(USAGE);
    return EXIT.clean;
  }
  if (args.stack !== undefined && !/^[a-zA-Z0-9._-]+$/.test(args.stack)) {
    out.error(`--stack: not a stack name (got ${JSON.stringify(args.stack)}). ${USAGE}`);
    return EXIT.failure;
  }

  // The base is read before planning, so a wrong file fails fast (exit 3: bad usage).
  const baseFile = args["diff-against"];
  let base: ReturnType<typeof readPlanDocument> | undefined;
  if (baseFile !== undefined) {
    try {
      base = readPlanDocument(baseFile);
    } catch (err) {
      out.error(`--diff-against: ${(err as Error).message}\n${USAGE}`);
      return EXIT.failure;
    }
    const stack = args.stack ?? "staging";
    if (base.stack !== stack) {
      out.error(`--diff-against: ${baseFile} is a plan of stack ${JSON.stringify(base.stack)}, not ${stack}. Plan the base branch with --stack ${stack}.`);
      return EXIT.failure;
    }
  }

  let outcome: PlanOutcome;
  try {
    outcome = await runPlan({ stack: args.stack, configFile: args.config && path.resolve(args.config) });
  } catch (err) {
    if (err instanceof StackFileError || err instanceof PolicyConfigError) {
      out.error(err.message);
      return EXIT.invalidConfig;
    }
    throw err;
  }

  if (outcome.kind === "invalid-config") {
    out.error(`Invalid configuration for stack ${args.stack ?? "staging"} (nothing was planned):`);
    for (const problem of outcome.problems) out.error(`  - ${problem}`);
    return EXIT.invalidConfig;
  }

  const { document } = outcome;
  if (args.json) write(args.json, `${JSON.stringify(document, null, 2)}\n`);
  const diff = base && diffPlans(base, document);
  if (args.markdown) write(args.markdown, base && diff ? diffMarkdownReport(diff, document, base) : markdownReport(document));
  out.log(summaryTable(document));
  if (diff) out.log(`\n${diffSummaryText(diff, baseFile ?? "the base")}`);
  return document.policies.violations.some((v) => v.level === "mandatory") ? EXIT.policyViolations : EXIT.clean;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

