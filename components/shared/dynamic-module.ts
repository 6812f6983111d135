/**
 * Loads a dynamic provider's implementation modules at run time, inside the CRUD methods.
 * Shared by the Supabase (components/database/supabase) and Stripe (components/app/stripe)
 * providers.
 *
 * Pulumi serializes a dynamic provider's closure into the state and runs it in a separate
 * process (`@pulumi/pulumi/cmd/dynamic-provider`). That process has no TypeScript loader and
 * evaluates the serialized code from a string, so a captured `import` of a local module would be
 * serialized by value (fragile) and a plain relative `require("./x")` would resolve against
 * nothing. The providers therefore capture only this loader, a folder and a module name, and
 * load the real code when a CRUD method runs:
 *
 * 1. the module is looked up relative to the current working directory first (the Pulumi
 *    project root, where the provider process runs), so the checkout being deployed always wins
 *    over an older copy at the path recorded in the state; then next to the provider's file when
 *    it was serialized (absolute path), for runs started outside the project root;
 * 2. a compiled `.js` file is used when present; otherwise the `.ts` source is compiled on the
 *    fly with the project's `typescript` package (CommonJS, transpile only).
 *
 * This file must stay self-contained (Node built-ins only): Pulumi serializes it by value.
 */

/**
 * Returns the exports of `<name>` (e.g. `"project-ops"`).
 * @param name module file name without extension
 * @param serializedDir the folder the provider's file was in when the provider was serialized
 * @param dirFromRoot the same folder relative to the Pulumi project root (the fallback)
 * @param label names the provider in the error, e.g. "Supabase provider"
 */
export function loadProviderModule<T>(name: string, serializedDir: string, dirFromRoot: string, label: string): T {
  const nodePath = require("node:path") as typeof import("node:path");
  const fs = require("node:fs") as typeof import("node:fs");
  const candidates = [nodePath.resolve(process.cwd(), dirFromRoot, name), nodePath.join(serializedDir, name)];
  for (const base of candidates) {
    if (fs.existsSync(`${base}.js`)) return require(`${base}.js`) as T;
    if (fs.existsSync(`${base}.ts`)) {
      const extensions = (require("node:module") as { _extensions: Record<string, unknown> })._extensions;
      if (!extensions[".ts"]) {
        // Compile TypeScript sources of this folder on the fly (no type check).
        const ts = require(require.resolve("typescript", { paths: [process.cwd(), serializedDir] })) as typeof import("typescript");
        extensions[".ts"] = (mod: { _compile(code: string, file: string): void }, file: string) => {
          const source = fs.readFileSync(file, "utf8");
          const out = ts.transpileModule(source, {
            fileName: file,
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
          });
          mod._compile(out.outputText, file);
        };
      }
      return require(`${base}.ts`) as T;
    }
  }
  throw new Error(
    `${label}: cannot find module "${name}" (looked in ${candidates.join(", ")}). ` +
      `Run Pulumi from the project root so ${dirFromRoot}/${name}.ts is reachable.`,
  );
}
