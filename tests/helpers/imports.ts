import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * The import graph of the repository's own TypeScript, read from the files' text (no module is
 * loaded). Every specifier counts: `import`, `import type`, `export … from`, `import()`,
 * `require()` and `import x = require()` (TypeScript's own scanner, so comments and strings that
 * merely mention a path are not imports).
 */

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Repository-relative paths (forward slashes) of the `.ts` files under `dir`. */
export function tsFilesUnder(dir: string): string[] {
  const base = path.join(REPO_ROOT, dir);
  return (readdirSync(base, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
    .sort();
}

/** Module specifiers of a source text, in order. */
export function moduleSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Resolves a relative specifier of `from` (repository-relative) to a repository-relative path,
 * as node16 resolution would for our `.ts` sources; undefined for packages (`zod`, `node:fs`).
 * `exists` decides which candidate file is there (the real file system by default).
 */
export function resolveSpecifier(from: string, specifier: string, exists: (file: string) => boolean = (f) => existsSync(path.join(REPO_ROOT, f))): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [`${target}.ts`, `${target}/index.ts`, target.replace(/\.js$/, ".ts"), target];
  return candidates.find(exists) ?? target;
}

export interface ImportEdge {
  from: string;
  specifier: string;
  /** Repository-relative target; undefined for a package. */
  to: string | undefined;
}

/** Every import of every file in `files` (path → source text). */
export function importEdges(files: ReadonlyMap<string, string>, exists?: (file: string) => boolean): ImportEdge[] {
  const has = exists ?? ((f: string) => files.has(f) || existsSync(path.join(REPO_ROOT, f)));
  return [...files].flatMap(([from, text]) => moduleSpecifiers(text).map((specifier) => ({ from, specifier, to: resolveSpecifier(from, specifier, has) })));
}

/** Reads the given repository-relative files. */
export function readSources(files: readonly string[]): Map<string, string> {
  return new Map(files.map((f) => [f, readFileSync(path.join(REPO_ROOT, f), "utf8")]));
}

/**
 * Import cycles among the files of `files` (imports of other files are ignored), each as the
 * path `a → b → … → a`: for every file on a cycle (a strongly connected component, Tarjan), the
 * shortest cycle through it.
 */
export function importCycles(files: ReadonlyMap<string, string>, exists?: (file: string) => boolean): string[][] {
  const graph = new Map<string, string[]>([...files.keys()].map((f) => [f, []]));
  for (const edge of importEdges(files, exists)) {
    if (edge.to !== undefined && graph.has(edge.to)) graph.get(edge.from)?.push(edge.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  // For each file of a cycle, the shortest cycle through it; the same cycle is listed once.
  const cycles = new Map<string, string[]>();
  for (const component of components) {
    const members = new Set(component);
    for (const start of [...members].sort()) {
      const cycle = rotateToSmallest(cyclePath(graph, members, start));
      cycles.set(cycle.join(" → "), cycle);
    }
  }
  return [...cycles.values()];
}

/** The same cycle, starting (and ending) at its alphabetically first file. */
function rotateToSmallest(cycle: string[]): string[] {
  const open = cycle.slice(0, -1);
  const first = open.indexOf([...open].sort()[0] as string);
  const rotated = [...open.slice(first), ...open.slice(0, first)];
  return [...rotated, rotated[0] as string];
}

/** The shortest cycle from `start` back to it inside a strongly connected component, ending where it starts. */
function cyclePath(graph: ReadonlyMap<string, string[]>, component: ReadonlySet<string>, start: string): string[] {
  // Breadth-first from start back to start, inside the component: the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = previous.get(at)) between.unshift(at);
        return [start, ...between, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
