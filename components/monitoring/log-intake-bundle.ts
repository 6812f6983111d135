/**
 * Builds the log intake's Lambda bundle from components/monitoring/log-intake/lambda.ts with
 * esbuild: one CommonJS `index.js` exporting `handler`. `@aws-sdk/*` stays external: the Lambda
 * Node.js 22 runtime ships the AWS SDK for JavaScript v3 (Lambda Developer Guide, "Building Lambda
 * functions with Node.js": runtime-included SDK). Built in memory at program time, so the code
 * `pulumi up` deploys is always the checkout's.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const ENTRY_IN_REPO = path.join("components", "monitoring", "log-intake", "lambda.ts");

/**
 * The entry file: beside this module, or — when this module runs from a bundle elsewhere (the
 * offline plan's esbuild cache) — in the checkout above the working directory (Pulumi runs the
 * program in the project directory).
 */
export function logIntakeEntry(): string {
  const beside = path.join(__dirname, "log-intake", "lambda.ts");
  if (existsSync(beside)) return beside;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ENTRY_IN_REPO);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`log intake bundle: ${ENTRY_IN_REPO} not found beside ${__dirname} or above ${process.cwd()}`);
  }
}

/** The bundle's source text. */
export function buildLogIntakeBundle(): string {
  // Loaded here, not at module load: only stacks with an intake pay for esbuild.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [logIntakeEntry()],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    write: false,
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("log intake bundle: esbuild produced no output");
  return file.text;
}

/** The Lambda code archive: `index.js` (handler `index.handler`). */
export function bundleLogIntake(): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(buildLogIntakeBundle()) });
}
