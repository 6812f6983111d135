/**
 * Builds the log intake's Lambda bundle from components/monitoring/log-intake/lambda.ts with
 * esbuild: one CommonJS `index.js` exporting `handler`. `@aws-sdk/*` stays external: the Lambda
 * Node.js 22 runtime ships the AWS SDK for JavaScript v3 (Lambda Developer Guide, "Building Lambda
 * functions with Node.js": runtime-included SDK). Built at program time, so the code `pulumi up`
 * deploys is always the checkout's; the result is cached under node_modules/.cache keyed by the
 * content of every source file esbuild read (its metafile), so a plan pays for esbuild only after
 * one of them changed.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

/** What the cache holds: the bundle and the files it was built from, with their content hash. */
interface CachedBundle {
  inputs: string[];
  hash: string;
  code: string;
}

function hashOf(files: readonly string[]): string | undefined {
  const h = createHash("sha256");
  for (const f of files) {
    if (!existsSync(f)) return undefined;
    h.update(f).update("\0").update(readFileSync(f)).update("\0");
  }
  return h.digest("hex");
}

function cacheFile(entry: string): string {
  const root = path.resolve(path.dirname(entry), "..", "..", "..");
  return path.join(root, "node_modules", ".cache", "promptandpause", "log-intake-bundle.json");
}

/** The bundle's source text (from the cache when no source file changed). */
export function buildLogIntakeBundle(): string {
  const entry = logIntakeEntry();
  const cache = cacheFile(entry);
  if (existsSync(cache)) {
    try {
      const cached = JSON.parse(readFileSync(cache, "utf8")) as CachedBundle;
      if (cached.hash === hashOf(cached.inputs)) return cached.code;
    } catch {
      // A corrupt cache is rebuilt.
    }
  }
  // Loaded here, not at module load: only a changed source pays for esbuild.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    write: false,
    metafile: true,
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    absWorkingDir: path.dirname(entry),
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("log intake bundle: esbuild produced no output");
  const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(path.dirname(entry), f)).sort();
  const hash = hashOf(inputs);
  if (hash) {
    try {
      mkdirSync(path.dirname(cache), { recursive: true });
      writeFileSync(cache, JSON.stringify({ inputs, hash, code: file.text } satisfies CachedBundle));
    } catch {
      // Read-only checkout: no cache, same bundle.
    }
  }
  return file.text;
}

/** The Lambda code archive: `index.js` (handler `index.handler`). */
export function bundleLogIntake(): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(buildLogIntakeBundle()) });
}
