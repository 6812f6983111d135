// Plain Node (no TypeScript loader), like @pulumi/pulumi/cmd/dynamic-provider: evaluates the
// serialized provider text with require-from-string and calls create on it.
const requireFromString = require("require-from-string");
const [file, which] = process.argv.slice(2);
const inputsJson = process.env.PROVIDER_INPUTS; // not argv: keeps test secrets out of failure output
const text = JSON.parse(require("node:fs").readFileSync(file, "utf8"))[which];
const provider = requireFromString(text).handler();
provider
  .create(JSON.parse(inputsJson))
  .then((r) => process.stdout.write(JSON.stringify({ id: r.id, keys: Object.keys(r.outs ?? {}) })))
  .catch((e) => {
    process.stderr.write(String(e?.message));
    process.exit(1);
  });
