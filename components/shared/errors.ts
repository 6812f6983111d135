/**
 * Errors the platform raises before anything is created. Every problem names the key (or
 * component), the bad value and the fix, and all problems are reported at once.
 */

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

/** Renders a bad value for a message: short, single-line, never a secret. */
export function renderValue(value: unknown): string {
  if (value === SECRET_VALUE) return "[secret]";
  if (value === NOT_SET || value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}

/** `<key path>: <problem> (got <value>). <fix>` */
export function formatIssue(issue: ConfigIssue): string {
  const fix = issue.fix ? ` ${issue.fix}` : "";
  return `${issue.path}: ${issue.problem} (got ${renderValue(issue.got)}).${fix}`;
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
