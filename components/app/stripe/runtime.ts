/**
 * Loads the Stripe provider's implementation modules at run time, inside the CRUD methods.
 *
 * Pulumi serializes a dynamic provider's closure into the state and runs it in a separate
 * process (`@pulumi/pulumi/cmd/dynamic-provider`) that has no TypeScript loader and evaluates
 * the serialized code from a string. The provider therefore captures only {@link loadStripeModule}
 * and a module name, and loads the real code when a CRUD method runs:
 *
 * 1. next to this file when the provider was serialized (absolute path), then relative to the
 *    current working directory (the Pulumi project root, where the provider process runs; this
 *    also works when the state was written on another machine);
 * 2. a compiled `.js` file when present, else the `.ts` source compiled on the fly with the
 *    project's `typescript` package (CommonJS, transpile only).
 *
 * Same approach as `components/database/supabase/runtime.ts`. This file must stay self-contained
 * (Node built-ins only): Pulumi serializes it by value.
 */

/** Where the implementation modules live, relative to the Pulumi project root. */
export const STRIPE_MODULE_DIR_FROM_ROOT = "components/app/stripe";

/**
 * Returns the exports of `<name>` (e.g. `"webhook-endpoint-ops"`) from this folder.
 * @param name module file name without extension
 * @param serializedDir the folder this file was in when the provider was serialized
 */
export function loadStripeModule<T>(name: string, serializedDir: string): T {
  const nodePath = require("node:path") as typeof import("node:path");
  const fs = require("node:fs") as typeof import("node:fs");
  const candidates = [nodePath.join(serializedDir, name), nodePath.resolve(process.cwd(), "components/app/stripe", name)];
  for (const base of candidates) {
    if (fs.existsSync(`${base}.js`)) return require(`${base}.js`) as T;
    if (fs.existsSync(`${base}.ts`)) {
      const extensions = (require("node:module") as { _extensions: Record<string, unknown> })._extensions;
      if (!extensions[".ts"]) {
        const ts = require(require.resolve("typescript", { paths: [process.cwd(), serializedDir] })) as typeof import("typescript");
        extensions[".ts"] = (mod: { _compile(code: string, file: string): void }, file: string) => {
          const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
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
    `Stripe provider: cannot find module "${name}" (looked in ${candidates.join(", ")}). ` +
      `Run Pulumi from the project root so ${STRIPE_MODULE_DIR_FROM_ROOT}/${name}.ts is reachable.`,
  );
}
