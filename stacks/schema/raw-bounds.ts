import { type ConfigIssue, hasUnsafeCharacters, NOT_SHOWN } from "../../components/shared/errors";

/**
 * Bounds on a raw configuration value, checked before anything else reads it (the schema, the
 * error formatter, the stack-file reader's secret scan): how deep, how many items, how long. A
 * value past a bound is answered with one issue naming its key, and nothing below it is read, so
 * a hostile file costs the same small, bounded work as a valid one:
 *
 * - a value nested 100,000 levels deep (structured config arrives as JSON text, under
 *   `pulumi up` too: stacks/config.ts readRawStackConfig) used to overflow the stack;
 * - YAML aliases: js-yaml resolves `*alias` to the same object, so nine levels of nine aliases
 *   are 300 bytes of YAML and 387 million strings to whoever walks them — every visit counts
 *   against {@link RAW_LIMITS.nodesPerKey}, shared or not;
 * - a list of 20,000 MX hosts used to exhaust the heap in the schema's per-item issues.
 *
 * The numbers are an order of magnitude above the largest valid setting (the deepest path,
 * `edge.rateLimits.classes.<class>.paths[i]`, is 5 levels; no list the providers take is longer
 * than Cloudflare's 4,096-character expressions allow, about 100 paths; a 4,096-bit DKIM key is
 * about 740 characters) and far below what costs time. Each schema adds its own tighter rule.
 */
export const RAW_LIMITS = {
  /** Levels below the top-level key (`promptandpause:edge` → `.rateLimits` is level 1). */
  depth: 8,
  /** Items in one list. */
  listItems: 100,
  /** Keys in one mapping. */
  mapKeys: 100,
  /** Characters in one string value. */
  stringLength: 4096,
  /** Characters in one key name. */
  keyLength: 128,
  /** Values visited under one top-level key (aliases count once per use). */
  nodesPerKey: 5000,
  /** Problems reported per top-level key (the rest are summarised). */
  issuesPerKey: 10,
} as const;

/**
 * Names that would reach an object's prototype instead of a property when assigned
 * (`obj[name] = value`), and so swap settings silently: never a key of ours.
 */
export const FORBIDDEN_KEY_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);


/** The problem with a key name (one segment), or undefined. */
export function keyNameProblem(name: string): string | undefined {
  if (FORBIDDEN_KEY_NAMES.has(name)) return `is not a key name any setting uses ("${name}" would replace the object's prototype, not set a value)`;
  if (name.length > RAW_LIMITS.keyLength) return `key name is longer than ${RAW_LIMITS.keyLength} characters`;
  if (hasUnsafeCharacters(name)) return "key name contains control, escape or bidirectional-text characters";
  return undefined;
}

function segment(path: string, name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/**
 * The bound problems of one top-level value (`key` is its full `namespace:name`), at most
 * {@link RAW_LIMITS.issuesPerKey}. Bounded work: it stops at the node budget.
 */
export function rawValueIssues(key: string, value: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let nodes = 0;
  let exhausted = false;
  const report = (path: string, problem: string, got: unknown, fix: string) => {
    if (issues.length < RAW_LIMITS.issuesPerKey) issues.push({ path, problem, got, fix });
  };
  const walk = (v: unknown, path: string, depth: number): void => {
    if (exhausted || issues.length >= RAW_LIMITS.issuesPerKey) return;
    if (++nodes > RAW_LIMITS.nodesPerKey) {
      exhausted = true;
      report(key, `holds more than ${RAW_LIMITS.nodesPerKey} values (YAML aliases count each time they are used)`, NOT_SHOWN, "Write the setting out without aliases; no setting is that large.");
      return;
    }
    if (typeof v === "string") {
      if (v.length > RAW_LIMITS.stringLength) report(path, `is longer than ${RAW_LIMITS.stringLength} characters (${v.length})`, v, "Shorten it; no setting takes a value that long.");
      return;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) report(path, "must be a finite number", v, "Set a number.");
      return;
    }
    if (typeof v === "boolean" || v === null) return;
    if (typeof v !== "object") {
      report(path, `is a ${typeof v}, which no setting takes`, NOT_SHOWN, "Set a string, number, boolean, list or mapping.");
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
      report(path, v instanceof Date ? "is a YAML timestamp; quote it to pass text" : "is not plain data (a string, number, boolean, list or mapping)", NOT_SHOWN, "Quote the value.");
      return;
    }
    if (depth >= RAW_LIMITS.depth) {
      report(path, `is nested more than ${RAW_LIMITS.depth} levels deep`, NOT_SHOWN, "No setting is nested that deep; see README \"Configuration reference\".");
      return;
    }
    if (Array.isArray(v)) {
      if (v.length > RAW_LIMITS.listItems) {
        report(path, `lists ${v.length} items; at most ${RAW_LIMITS.listItems} are accepted`, NOT_SHOWN, "Shorten the list; no setting takes that many.");
        return;
      }
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`, depth + 1);
      return;
    }
    const names = Object.keys(v);
    if (names.length > RAW_LIMITS.mapKeys) {
      report(path, `has ${names.length} keys; at most ${RAW_LIMITS.mapKeys} are accepted`, NOT_SHOWN, "Remove keys; no setting has that many.");
      return;
    }
    for (const name of names) {
      const child = segment(path, name);
      const problem = keyNameProblem(name);
      if (problem) {
        report(child, problem, NOT_SHOWN, "Remove or rename the key.");
        continue;
      }
      walk((v as Record<string, unknown>)[name], child, depth + 1);
    }
  };
  walk(value, key, 0);
  return issues;
}
