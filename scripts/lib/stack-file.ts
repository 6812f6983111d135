import { readFileSync } from "node:fs";
// js-yaml, not `yaml`: the Pulumi SDK loads js-yaml anyway, so reading a stack file costs the
// plan nothing extra (tests use `yaml` to edit stack files with their comments kept).
import { load as parseYaml } from "js-yaml";
import { type ConfigIssue, escapeText, NOT_SHOWN, throwIfIssues } from "../../components/shared/errors";
import { rawConfigIssues, requiredSecretKeys } from "../../stacks/config";
import { setSecretHint } from "../../stacks/secrets";

/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: full
 * `namespace:key` names, structured values as JSON text, and the list of secret keys. The offline
 * plan has no passphrase or KMS key, so every secret — whether encrypted in the file or not set
 * yet — is replaced by a placeholder that the program sees as a secret. Missing secrets are
 * reported as warnings, since `pulumi up` would stop on them.
 */

export const SECRET_PLACEHOLDER = "offline-plan-placeholder-secret";

export interface StackSettings {
  config: Record<string, string>;
  secretKeys: string[];
  warnings: string[];
}

export class StackFileError extends Error {
  constructor(message: string) {
    // Escaped: the message quotes the file (its name, a YAML excerpt), which may hold controls.
    super(escapeText(message));
    this.name = "StackFileError";
  }
}

export function readStackFile(file: string, project: string): StackSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new StackFileError(`${file}: cannot read the settings file (${(err as NodeJS.ErrnoException).code ?? String(err)}). Pass an existing file with --config or create Pulumi.<stack>.yaml.`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new StackFileError(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (doc !== null && (typeof doc !== "object" || Array.isArray(doc))) throw new StackFileError(`${file}: must be a mapping with a top-level "config:" key`);
  const configSection = (doc as Record<string, unknown> | null)?.config ?? {};
  if (typeof configSection !== "object" || configSection === null || Array.isArray(configSection)) {
    throw new StackFileError(`${file}: "config" must be a mapping of namespace:key to value`);
  }
  return toStackSettings(configSection as Record<string, unknown>, project);
}

/**
 * A stack-file key as the Pulumi CLI reads it (`config.ParseKey`, sdk/go/common/resource/config/
 * key.go): `<namespace>:<name>`, or the old `<namespace>:config:<name>` (the same key). Anything
 * else — a bare `edge:` without a namespace, more colons — makes `pulumi up` refuse the file
 * ("configuration keys should be of the form `<namespace>:<name>`"), so the plan refuses it too
 * instead of guessing a namespace (a bare `edge:` used to replace `promptandpause:edge`).
 */
export function stackFileKey(rawKey: string, project: string): { key: string } | { issue: ConfigIssue } {
  const parts = rawKey.split(":");
  if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return { key: rawKey };
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") return { key: `${parts[0]}:${parts[2]}` };
  const fix = parts.length === 1 ? `Write it as ${project}:${rawKey} (or remove it).` : "Write it as <namespace>:<name>, e.g. promptandpause:edge.";
  return { issue: { path: rawKey, problem: "is not a Pulumi config key (Pulumi reads only <namespace>:<name> and refuses the file otherwise)", got: NOT_SHOWN, fix } };
}

export function toStackSettings(section: Record<string, unknown>, project: string): StackSettings {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const values: Record<string, unknown> = Object.create(null);
  // Keys and bounds before anything walks the values (the secret scan and JSON text below would
  // expand YAML aliases: stacks/schema/raw-bounds.ts).
  const issues: ConfigIssue[] = [];
  for (const [rawKey, value] of Object.entries(section)) {
    const parsed = stackFileKey(rawKey, project);
    if ("issue" in parsed) issues.push(parsed.issue);
    else if (Object.hasOwn(values, parsed.key)) issues.push({ path: rawKey, problem: `is the same key as ${parsed.key}, set twice`, got: NOT_SHOWN, fix: "Keep one of them." });
    else values[parsed.key] = value;
  }
  issues.push(...rawConfigIssues(values));
  throwIfIssues(issues, "Invalid stack settings file");
  for (const [key, value] of Object.entries(values)) {
    if (containsSecure(value)) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  const warnings: string[] = [];
  for (const key of requiredSecretKeys(values)) {
    if (key in config) continue;
    config[key] = SECRET_PLACEHOLDER;
    secretKeys.push(key);
    warnings.push(`${key} is not set in this stack; the plan uses a placeholder, \`pulumi up\` would stop. ${setSecretHint(key)}`);
  }
  return { config, secretKeys, warnings };
}

/** `{ secure: "…" }` anywhere in a value makes the whole key secret (Pulumi's own rule). */
function containsSecure(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return true;
  return Object.values(value).some(containsSecure);
}
