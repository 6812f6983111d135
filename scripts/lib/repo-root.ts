import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The repository root: the nearest folder above this module that holds `Pulumi.yaml`. Found by
 * walking up rather than from a fixed `__dirname` offset, because the plan also runs bundled
 * (scripts/launch.cjs) from node_modules/.cache.
 */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No Pulumi.yaml above ${from}: run from inside the repository`);
  }
}
