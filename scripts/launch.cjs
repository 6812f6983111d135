#!/usr/bin/env node
// Runs one of our TypeScript entry points at plain-Node speed: esbuild bundles our own sources
// into one CommonJS file (node_modules stay external and load natively, untouched by any
// loader hook), then the bundle runs in this process. A TypeScript loader hooking every require
// of the provider SDKs' thousands of files costs more than the plan itself. The bundle is
// rebuilt only when one of its source files changed since it was written.
//   node scripts/launch.cjs scripts/plan.ts [args…]
const fs = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/launch.cjs <entry.ts> [args…]");
  process.exit(3);
}
const root = path.resolve(__dirname, "..");
// One cache folder per checkout: worktrees that share node_modules (a symlink) must never run
// each other's bundles, whose sources the mtime check below would resolve in the wrong tree.
const checkout = require("node:crypto").createHash("sha256").update(root).digest("hex").slice(0, 12);
const cacheDir = path.join(root, "node_modules", ".cache", "promptandpause", checkout);
const name = path.relative(root, path.resolve(root, entry)).replace(/[\\/]/g, "__").replace(/\.ts$/, "");
const outfile = path.join(cacheDir, `${name}.cjs`);
const metafile = path.join(cacheDir, `${name}.meta.json`);

/**
 * The bundle is current when it exists and no input (per esbuild's metafile) is newer. A new
 * file can only enter the bundle through an import added to an input, which makes that input
 * newer.
 */
function isCurrent() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, "utf8")).inputs);
    return inputs.every((input) => fs.statSync(path.resolve(root, input)).mtimeMs < built);
  } catch {
    return false;
  }
}

if (!isCurrent()) {
  const result = require("esbuild").buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  // Written under temporary names, then renamed: plans started in parallel never read half a file.
  fs.mkdirSync(cacheDir, { recursive: true });
  const files = [...result.outputFiles.map((f) => [f.path, f.contents]), [metafile, JSON.stringify(result.metafile)]];
  for (const [file, contents] of files) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, file);
  }
}
process.argv = [process.argv[0], path.resolve(root, entry), ...args];
require(outfile);
