/**
 * Errors the platform raises before anything is created. Every problem names the key (or
 * component), the bad value and the fix, and all problems are reported at once.
 */
import { secretKind } from "../../policies/lib/secrets";

/** One problem with the stack configuration or a component's arguments. */
export interface ConfigIssue {
  /** Full key path, e.g. `promptandpause:database.poolSize` or `edge.rateLimits[1].period`. */
  path: string;
  /** What is wrong, e.g. `must be between 1 and 3000`. */
  problem: string;
  /** The value that was given (rendered safely; secrets must be passed as SECRET_VALUE). */
  got: unknown;
  /** How to fix it, e.g. `Set it with: pulumi config set --secret promptandpause:stripeSecretKey <value>`. */
  fix?: string;
}

/** Stand-in for a value that must never be printed. */
export const SECRET_VALUE = Symbol("secret value");
/** Stand-in for a key that was not set at all. */
export const NOT_SET = Symbol("not set");
/** Stand-in for a value too large or too deep to be worth showing (the problem says why). */
export const NOT_SHOWN = Symbol("not shown");

/**
 * Characters a terminal or a log viewer would interpret instead of show: C0 and C1 controls
 * (newline included: one problem is one line), DEL, the bidirectional-text controls that reorder
 * what is displayed (Unicode TR9; "Trojan Source", CVE-2021-42574), the line and paragraph
 * separators, the zero-width no-break space and lone surrogates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Whether text holds a character of {@link UNSAFE_CHARACTERS} (a control, escape or bidi character). */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE_CHARACTERS.lastIndex = 0;
  return UNSAFE_CHARACTERS.test(text);
}

/** Text made safe to print on one line: every character of {@link UNSAFE_CHARACTERS} as `\n`, `\uXXXX`. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) => SHORT_ESCAPES[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** Whether a value (or any string inside it) looks like a credential (policies/lib/secrets.ts). */
export function containsSecretValue(value: unknown, budget = { nodes: 200 }): boolean {
  if (typeof value === "string") return secretKind(value) !== undefined;
  if (value === null || typeof value !== "object" || --budget.nodes < 0) return false;
  for (const item of Object.values(value as Record<string, unknown>)) {
    if (budget.nodes < 0) return false;
    if (containsSecretValue(item, budget)) return true;
  }
  return false;
}

/**
 * Key names that suggest a credential (`stripeSecretKye`, `apiTokenn`, `db_password`). A key the
 * schema does not know may be a misspelt secret: its value is never printed, whatever it looks
 * like (a Vercel token has no recognisable shape). Known keys are not judged by name.
 */
export function isSecretKeyName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return /secret|passw|credential|privatekey|apik|accesskey|signingkey|(api|access|auth|bearer)tok|servicerole|token.{0,2}$|dsn$/.test(n);
}

const MAX_RENDERED = 80;

/**
 * Renders a bad value for a message: short, single-line, escaped, never a secret. Bounded work
 * whatever the value: it walks at most {@link MAX_RENDERED} characters' worth, so a value nested
 * 100,000 levels deep or holding 20,000 items renders as quickly as a small one.
 */
export function renderValue(value: unknown): string {
  if (value === SECRET_VALUE) return "[secret]";
  if (value === NOT_SET || value === undefined) return "nothing";
  if (value === NOT_SHOWN) return "a value not shown";
  if (containsSecretValue(value)) return "[secret]";
  if (typeof value === "string") return escapeText(JSON.stringify(value.length > MAX_RENDERED ? `${value.slice(0, MAX_RENDERED - 3)}...` : value));
  let out = "";
  const full = () => out.length > MAX_RENDERED;
  const emit = (text: string) => {
    out += text;
  };
  const walk = (v: unknown, depth: number): void => {
    if (full()) return;
    if (typeof v === "string") emit(escapeText(JSON.stringify(v.length > MAX_RENDERED ? v.slice(0, MAX_RENDERED) : v)));
    else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") emit(String(v));
    else if (v === null) emit("null");
    else if (v === undefined) emit("undefined");
    else if (typeof v !== "object") emit(escapeText(String(v)));
    else if (depth > 20) emit("…");
    else if (Array.isArray(v)) {
      emit("[");
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) emit(",");
        walk(v[i], depth + 1);
      }
      emit("]");
    } else {
      emit("{");
      let first = true;
      for (const key of Object.keys(v)) {
        if (full()) break;
        if (!first) emit(",");
        first = false;
        emit(`${escapeText(JSON.stringify(key.length > MAX_RENDERED ? key.slice(0, MAX_RENDERED) : key))}:`);
        walk((v as Record<string, unknown>)[key], depth + 1);
      }
      emit("}");
    }
  };
  walk(value, 0);
  return full() ? `${out.slice(0, MAX_RENDERED - 3)}...` : out;
}

/** `<key path>: <problem> (got <value>). <fix>`, escaped to one line; a value that looks like a credential is never shown. */
export function formatIssue(issue: ConfigIssue): string {
  const fix = issue.fix ? ` ${escapeText(issue.fix)}` : "";
  return `${escapeText(issue.path)}: ${escapeText(issue.problem)} (got ${renderValue(issue.got)}).${fix}`;
}

/** Thrown when configuration or component arguments are invalid; carries every problem found. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], context = "Invalid Prompt & Pause configuration") {
    super(`${context}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Collects issues from several validators and throws once, with all of them. */
export function throwIfIssues(issues: readonly ConfigIssue[], context?: string): void {
  if (issues.length > 0) throw new ConfigError(issues, context);
}

/** True for a ConfigError even across module copies (the plan loads the program separately). */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError || (err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).issues));
}
