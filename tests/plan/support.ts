import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "../helpers/pulumi";

export { type CliResult, runPlanCli, runPlanInProcess } from "../helpers/plan-cli";

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `promptandpause-${prefix}-`));
}

/**
 * A copy of a real stack file with edits applied through the `yaml` document API, written to a
 * temporary file; generated in the test so it never goes stale against the real file.
 */
export function editedStackFile(stack: "staging" | "prod", dir: string, name: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc);
  if (doc.errors.length > 0) throw new Error(`edited ${stack} stack file is not valid YAML: ${doc.errors[0]?.message}`);
  const file = path.join(dir, name);
  writeFileSync(file, String(doc));
  return file;
}

/** DESIGN.md's plan document, as a schema: every field, nothing else. */
export const planDocumentSchema = (stack: string) =>
  z.strictObject({
    project: z.literal("promptandpause"),
    stack: z.literal(stack),
    resources: z
      .array(
        z.strictObject({
          urn: z.string().regex(/^urn:pulumi:[^:]+::promptandpause::.+::.+$/),
          type: z.string().min(1),
          name: z.string().min(1),
          parent: z.string().nullable(),
          protect: z.boolean(),
          dependencies: z.array(z.string()),
          inputs: z.record(z.string(), z.unknown()),
        }),
      )
      .min(1),
    outputs: z.record(z.string(), z.unknown()),
    policies: z.strictObject({
      pack: z.string().min(1),
      evaluated: z.number().int().min(0),
      violations: z.array(
        z.strictObject({
          policy: z.string().min(1),
          level: z.enum(["mandatory", "advisory"]),
          urn: z.string().nullable(),
          message: z.string().min(1),
        }),
      ),
    }),
    warnings: z.array(z.string()),
  });

export type PlanJson = z.output<ReturnType<typeof planDocumentSchema>>;
