import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "../helpers/pulumi";

/** `scripts/plan.ts` as a real child process, exactly as `npm run plan -- …` runs it. */

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

export function runPlanCli(args: readonly string[], timeoutMs = 150_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ["scripts/plan.ts", ...args],
      { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

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
