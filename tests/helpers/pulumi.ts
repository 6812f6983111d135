import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { decodeConfigValue, type PlatformConfig, parseStackConfig, type RawStackConfig } from "../../stacks/config";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { PROJECT, REPO_ROOT, runPlan, type PlanOutcome } from "../../scripts/lib/run-plan";
import { readStackFile } from "../../scripts/lib/stack-file";

/**
 * Test harness: the same recorder the offline plan uses, with defaults for tests.
 * `recordProgram` sets Pulumi's config and mocks afresh on every run, so files that share a worker
 * process (vitest.config.mts) never see each other's.
 */

export { REPO_ROOT };
export type { PlannedResource };

export { recordProgram } from "./record";

/** Resolves an Output's value. Rejects if it never resolves (unknown during preview). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("output did not resolve (unknown during preview?)")), 10_000);
    output.apply((value) => {
      clearTimeout(timer);
      resolve(value);
      return value;
    });
  });
}

/** Whether an Output is marked secret. */
export async function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

/** The raw settings of a stack file (Pulumi.<stack>.yaml), with placeholders for secrets. */
export function rawStackConfig(stack: string, overrides: Record<string, unknown> = {}): RawStackConfig {
  const settings = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(settings.config)) values[key] = decodeConfigValue(text);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete values[key];
    else values[key] = value;
  }
  return { project: PROJECT, values, secretKeys: new Set(settings.secretKeys) };
}

/** A valid PlatformConfig from a real stack file, with top-level keys overridden (`undefined` removes one). */
export function platformConfigFor(stack: "staging" | "prod" = "staging", overrides: Record<string, unknown> = {}): PlatformConfig {
  return parseStackConfig(rawStackConfig(stack, overrides));
}

const committedPlans = new Map<string, Promise<PlanOutcome>>();

/**
 * The full offline plan of a stack (or of a settings file), in-process. The plan of a committed
 * stack file is made once per process and shared by every test file in it (the shared project
 * runs many files in one worker, vitest.config.mts); each caller gets its own deep copy, so
 * nothing a test does to its plan reaches another. A settings file is planned on every call.
 */
export async function planStack(target: "staging" | "prod" | { file: string; stack?: string }): Promise<PlanOutcome> {
  if (typeof target !== "string") return runPlan({ stack: target.stack ?? "staging", configFile: target.file });
  let plan = committedPlans.get(target);
  if (!plan) {
    plan = runPlan({ stack: target });
    committedPlans.set(target, plan);
    // A failed plan is not kept: the next caller sees the failure afresh.
    plan.catch(() => committedPlans.delete(target));
  }
  return structuredClone(await plan);
}

/** Resources of one type. */
export function ofType(resources: readonly PlannedResource[], type: string): PlannedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The one resource of a type whose logical name ends with `suffix`; throws when not exactly one. */
export function one(resources: readonly PlannedResource[], type: string, suffix = ""): PlannedResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0] as PlannedResource;
}
