// Plain Node (no TypeScript loader), like @pulumi/pulumi/cmd/dynamic-provider: evaluates serialized
// provider text with require-from-string (`requireFromString(text).handler()`, as that command
// does) and calls create on it. Inputs come from the environment, not argv, so test secrets stay
// out of failure output; string outputs are reported only as sha256 digests.
//
//   node run-serialized.js <file> <key>   env PROVIDER_INPUTS = inputs JSON
//     -> stdout { id, keys, sha256 }; exit 1 with the error message on stderr
//   node run-serialized.js <file> --jobs  env PROVIDER_JOBS = [{ key, inputs }, ...]
//     -> runs the jobs in order, each on a freshly evaluated provider; stdout
//        [{ key, id, keys, sha256 } | { key, error }] (a failing job does not stop the others)
//
// <file> is JSON mapping each key to a serialized provider text.
const crypto = require("node:crypto");
const fs = require("node:fs");
const requireFromString = require("require-from-string");

const [file, mode] = process.argv.slice(2);
const texts = JSON.parse(fs.readFileSync(file, "utf8"));

async function create(key, inputs) {
  const text = texts[key];
  if (typeof text !== "string") throw new Error(`no serialized provider "${key}" in ${file}`);
  const provider = requireFromString(text).handler();
  const r = await provider.create(inputs);
  const outs = r.outs ?? {};
  const sha256 = {};
  for (const [k, v] of Object.entries(outs)) {
    if (typeof v === "string") sha256[k] = crypto.createHash("sha256").update(v).digest("hex");
  }
  return { id: r.id, keys: Object.keys(outs), sha256 };
}

if (mode === "--jobs") {
  (async () => {
    const results = [];
    for (const job of JSON.parse(process.env.PROVIDER_JOBS ?? "[]")) {
      try {
        results.push({ key: job.key, ...(await create(job.key, job.inputs)) });
      } catch (e) {
        results.push({ key: job.key, error: String(e?.message ?? e) });
      }
    }
    process.stdout.write(JSON.stringify(results));
  })();
} else {
  create(mode, JSON.parse(process.env.PROVIDER_INPUTS ?? "{}"))
    .then((r) => process.stdout.write(JSON.stringify(r)))
    .catch((e) => {
      process.stderr.write(String(e?.message));
      process.exit(1);
    });
}
