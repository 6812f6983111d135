import { type ConfigError, isConfigError } from "../../components/shared/errors";
import { type PlatformConfig, parseStackConfig, type RawStackConfig } from "../../stacks/config";
import { rawStackConfig } from "../helpers/pulumi";

/** A valid raw configuration: the real staging settings (secrets as placeholders, marked secret), with overrides (`undefined` removes a key). */
export function validRaw(overrides: Record<string, unknown> = {}, extraSecretKeys: readonly string[] = []): RawStackConfig {
  const base = rawStackConfig("staging");
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base.values[key];
    else base.values[key] = value;
  }
  return { ...base, secretKeys: new Set([...base.secretKeys, ...extraSecretKeys]) };
}

/** The staging value of a structured key, merged with `patch` (deep for nested objects). */
export function patched(key: string, patch: Record<string, unknown>): Record<string, unknown> {
  const current = validRaw().values[key] as Record<string, unknown>;
  return deepMerge(current, patch);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parse(raw: RawStackConfig): PlatformConfig {
  return parseStackConfig(raw);
}

/** Parses and returns the ConfigError it must throw (fails the test when it does not). */
export function configErrorOf(raw: RawStackConfig): ConfigError {
  try {
    parseStackConfig(raw);
  } catch (err) {
    if (isConfigError(err)) return err;
    throw err;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

/** The formatted problem lines of a ConfigError (`<key path>: <problem> (got <value>). <fix>`). */
export function problemLines(err: ConfigError): string[] {
  return err.message
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^\s+-\s/, ""));
}

/** The problem lines of a configuration, or [] when it is accepted. */
export function problemsOrNone(raw: RawStackConfig): string[] {
  try {
    parseStackConfig(raw);
    return [];
  } catch (err) {
    if (isConfigError(err)) return problemLines(err);
    throw err;
  }
}
