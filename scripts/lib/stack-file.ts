import { readFileSync } from "node:fs";
// js-yaml, not `yaml`: the Pulumi SDK loads js-yaml anyway, so reading a stack file costs the
// plan nothing extra (tests use `yaml` to edit stack files with their comments kept).
import { load as parseYaml } from "js-yaml";
import { requiredSecretKeys } from "../../stacks/config";
import { SECRET_PLACEHOLDER, secretPlaceholder, setSecretHint } from "../../stacks/secrets";

/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: full
 * `namespace:key` names, structured values as JSON text, and the list of secret keys. The offline
 * plan has no passphrase or KMS key, so every secret — whether encrypted in the file or not set
 * yet — is replaced by a placeholder that the program sees as a secret. Missing secrets are
 * reported as warnings, since `pulumi up` would stop on them.
 */

export { SECRET_PLACEHOLDER };

export interface StackSettings {
  config: Record<string, string>;
  secretKeys: string[];
  warnings: string[];
}

export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
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

export function toStackSettings(section: Record<string, unknown>, project: string): StackSettings {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(section)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    values[key] = value;
    if (containsSecure(value)) {
      config[key] = secretPlaceholder(key);
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  const warnings: string[] = [];
  for (const key of requiredSecretKeys(values)) {
    if (key in config) continue;
    config[key] = secretPlaceholder(key);
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
