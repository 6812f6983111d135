import * as path from "node:path";
import { isConfigError } from "../../components/shared/errors";
import { PROJECT, type PlannedResource, type PolicyReport } from "./plan-types";
import { evaluatePolicyPack } from "./policy-evaluator";
import { findRepoRoot } from "./repo-root";
import { recordProgram } from "./record-program";
import program from "../../index";
import { readStackFile } from "./stack-file";

/**
 * The offline plan, as a function: the real program (`index.ts`) under mocks with a stack's real
 * settings, then the real policy pack over what it registered. `npm run plan`, the benchmark and
 * the stack tests all call this.
 */

export { PROJECT };
export const REPO_ROOT = findRepoRoot();

export interface PlanRequest {
  /** Stack name. @default "staging" */
  stack?: string;
  /** Settings file instead of `Pulumi.<stack>.yaml`. */
  configFile?: string;
}

/** The plan document (`--json`), exactly as DESIGN.md specifies. */
export interface PlanDocument {
  project: string;
  stack: string;
  resources: Array<Pick<PlannedResource, "urn" | "type" | "name" | "parent" | "protect" | "dependencies"> & { inputs: Record<string, unknown> }>;
  outputs: Record<string, unknown>;
  policies: PolicyReport;
  warnings: string[];
}

export type PlanOutcome =
  | { kind: "planned"; document: PlanDocument; resources: PlannedResource[] }
  | { kind: "invalid-config"; problems: string[]; registered: PlannedResource[] };

/** The problem lines of a ConfigError (its message, one `  - <problem>` line each). */
function problemLines(err: Error): string[] {
  return err.message
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^\s+-\s/, ""));
}

/** The stack a request plans, and the settings file it reads. */
export function planTarget(request: PlanRequest): { stack: string; file: string } {
  const stack = request.stack ?? "staging";
  return { stack, file: request.configFile ?? path.join(REPO_ROOT, `Pulumi.${stack}.yaml`) };
}

export async function runPlan(request: PlanRequest = {}): Promise<PlanOutcome> {
  const { stack, file } = planTarget(request);
  let settings: ReturnType<typeof readStackFile>;
  try {
    settings = readStackFile(file, PROJECT);
  } catch (err) {
    if (isConfigError(err)) return { kind: "invalid-config", problems: problemLines(err), registered: [] };
    throw err;
  }

  // The program exactly as `pulumi up` loads it: the module's exported function.
  let run: Awaited<ReturnType<typeof recordProgram<Record<string, unknown>>>>;
  const registered: PlannedResource[] = [];
  try {
    run = await recordProgram(program, { project: PROJECT, stack, config: settings.config, secretKeys: settings.secretKeys, skipEngineExtras: true, onRegister: (r) => registered.push(r) });
  } catch (err) {
    if (isConfigError(err)) return { kind: "invalid-config", problems: problemLines(err), registered };
    throw err;
  }

  const policies = await evaluatePolicyPack(run.resources, { project: PROJECT, stack });
  return {
    kind: "planned",
    resources: run.resources,
    document: {
      project: PROJECT,
      stack,
      resources: run.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, protect: r.protect, dependencies: r.dependencies, inputs: r.maskedInputs })),
      outputs: run.outputs,
      policies,
      warnings: [...settings.warnings, ...run.warnings],
    },
  };
}

