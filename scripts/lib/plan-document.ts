import { readFileSync } from "node:fs";
import { z } from "zod";
import type { PlanDocument } from "./run-plan";

/**
 * Reads a plan document written by `npm run plan -- --json FILE` (e.g. on the base branch, for
 * `--diff-against`). Only the fields the diff reads are checked, and unknown fields are kept:
 * a base written by an older or newer version of the plan still diffs.
 */

const violation = z.object({ policy: z.string(), level: z.enum(["mandatory", "advisory"]), urn: z.string().nullable(), message: z.string() });

const planDocument = z.object({
  project: z.string().min(1),
  stack: z.string().min(1),
  resources: z.array(
    z.object({
      urn: z.string().min(1),
      type: z.string().min(1),
      name: z.string(),
      parent: z.string().nullable(),
      protect: z.boolean(),
      dependencies: z.array(z.string()),
      inputs: z.record(z.string(), z.unknown()),
    }),
  ),
  outputs: z.record(z.string(), z.unknown()).default({}),
  policies: z.object({ pack: z.string(), evaluated: z.number(), violations: z.array(violation) }),
  warnings: z.array(z.string()).default([]),
});

export function readPlanDocument(file: string): PlanDocument {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Write it with \`npm run plan -- --stack <stack> --json ${file}\` on the base branch.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON (${(err as Error).message}).`);
  }
  const parsed = planDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(top level)";
    throw new Error(`${file} is not a plan document (${where}: ${issue?.message}). Write it with \`npm run plan -- --json FILE\`.`);
  }
  return parsed.data;
}
