/**
 * Builds the log intake's Lambda bundle from components/monitoring/log-intake/lambda.ts with
 * esbuild: one CommonJS `index.js` exporting `handler`. `@aws-sdk/*` stays external: the Lambda
 * Node.js 22 runtime ships the AWS SDK for JavaScript v3 (Lambda Developer Guide, "Building Lambda
 * functions with Node.js": runtime-included SDK). Built in memory at program time, so the code
 * `pulumi up` deploys is always the checkout's.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const LOG_INTAKE_ENTRY = path.join(__dirname, "log-intake", "lambda.ts");

/** The bundle's source text. */
export function buildLogIntakeBundle(): string {
  // Loaded here, not at module load: only stacks with an intake pay for esbuild.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [LOG_INTAKE_ENTRY],
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
