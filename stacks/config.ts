import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type ConfigIssue, isSecretKeyName, NOT_SET, NOT_SHOWN, SECRET_VALUE, throwIfIssues } from "../components/shared/errors";
import { resolveScale, SCALE_PRESET_NAMES, type ScaleValues, scaleValuesSchema } from "./presets";
import { appConfigSchema, checkAppConfig } from "./schema/app";
import { awsConfigSchema, checkAwsConfig, checkNetworkConfig, networkConfigSchema } from "./schema/aws";
import { backupsConfigSchema, checkBackupsConfig } from "./schema/backups";
import { checkCiConfig, ciConfigSchema } from "./schema/ci";
import { cacheConfigSchema, checkCacheLayerConfig, workersConfigSchema } from "./schema/cache";
import { contactsSchema, safeText } from "./schema/common";
import { keyNameProblem, rawValueIssues } from "./schema/raw-bounds";
import { checkDatabaseConfig, databaseConfigSchema } from "./schema/database";
import { checkEdgeConfig, edgeConfigSchema } from "./schema/edge";
import { placeholderIssues } from "./placeholders";
import { checkVpnConfig, vpnConfigSchema } from "./schema/vpn";
import { checkMonitoringConfig, monitoringConfigSchema } from "./schema/monitoring";
import {
  AI_PROVIDERS,
  aiKeySecret,
  knownSecretKeys,
  type PlatformSecrets,
  REDIS_URL_SECRET,
  REQUIRED_SECRETS,
  redisUrlProblem,
  type RequiredSecretName,
  setSecretHint,
} from "./secrets";

/**
 * The stack configuration: one schema for every key the platform reads, parsed once, before any
 * resource is registered. Guide values are the defaults (from `stacks/guide.ts`), in the layer
 * schemas under `stacks/schema/`. All problems are reported at once, each as
 * `<key path>: <problem> (got <value>). <fix>`.
 */

export const NAMESPACE = "promptandpause";

// The configuration is parsed once per run: zod's JIT (compiling each object schema to a
// function on first use) costs more than it saves for a single parse.
z.config({ jitless: true });

/**
 * Provider namespaces whose only keys are our declared secrets: the providers are explicit and
 * configured from validated config, so any other key there would be silently ignored.
 */
const FOREIGN_NAMESPACES_CHECKED = ["cloudflare", "vercel", "aws"] as const;

/**
 * Every namespace a stack file may use: ours, the engine's (`pulumi:disable-default-providers`,
 * `pulumi:tags`) and the providers the program creates. A key in any other namespace is read by
 * nothing — `promptandpuase:scale` would leave the stack at the default scale — so it is an error.
 */
export const KNOWN_NAMESPACES: readonly string[] = [NAMESPACE, "pulumi", "cloudflare", "vercel", "aws", "random"];

/** Longest JSON text decoded from the engine's config (anything longer is refused by the string bound unread). */
const MAX_CONFIG_TEXT = 1024 * 1024;

/**
 * The bound problems of a whole raw configuration (stacks/schema/raw-bounds.ts): key names, then
 * each value's depth, sizes and lengths. Run before anything else reads the values.
 */
export function rawConfigIssues(values: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(values)) {
    const colon = key.indexOf(":");
    const problem = keyNameProblem(key.slice(0, Math.max(colon, 0))) ?? keyNameProblem(key.slice(colon + 1));
    if (problem) issues.push({ path: key, problem, got: NOT_SHOWN, fix: "Remove or rename the key." });
    else issues.push(...rawValueIssues(key, value));
  }
  return issues;
}

const scaleSchema = z
  .strictObject({
    /** Which row of the guide's scaling table this stack runs at. @default "current" */
    preset: z.enum(SCALE_PRESET_NAMES).default("current"),
    /** Single values that differ from the preset. */
    overrides: z
      .strictObject({
        database: scaleValuesSchema.shape.database.partial().optional(),
        app: scaleValuesSchema.shape.app.partial().optional(),
        cache: scaleValuesSchema.shape.cache.partial().optional(),
        workers: scaleValuesSchema.shape.workers.partial().optional(),
        alarms: scaleValuesSchema.shape.alarms.partial().optional(),
      })
      .default({}),
  })
  .prefault({});

/** Everything under the `promptandpause:` namespace except secrets. */
export const platformConfigSchema = z.strictObject({
  /** Environment label used in names, tags and env vars ("staging", "prod"). Components never branch on it. */
  environment: safeText({ min: 2, max: 20, pattern: /^[a-z][a-z0-9-]{1,19}$/, problem: "must be 2-20 lowercase letters, digits or dashes, starting with a letter" }),
  /** The apex domain this stack serves (its own Cloudflare zone). */
  domain: safeText({ min: 4, max: 253, pattern: /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, problem: "must be a lowercase DNS domain like promptandpause.com" }),
  /** Who is told about what. */
  contacts: contactsSchema,
  /** Protect stateful resources (Supabase project, Cloudflare zone) from deletion. @default false */
  protectStatefulResources: z.boolean().default(false),
  scale: scaleSchema,
  edge: edgeConfigSchema,
  app: appConfigSchema,
  database: databaseConfigSchema,
  aws: awsConfigSchema,
  network: networkConfigSchema,
  /** Office → production IPSec and development → staging WireGuard; each off unless set. */
  vpn: vpnConfigSchema,
  /** The roles GitHub Actions assumes for this stack (components/ci). */
  ci: ciConfigSchema,
  cache: cacheConfigSchema,
  workers: workersConfigSchema,
  backups: backupsConfigSchema,
  monitoring: monitoringConfigSchema,
});

export type PlatformSettings = z.output<typeof platformConfigSchema>;

/** The validated configuration the platform is built from. */
export interface PlatformConfig extends Omit<PlatformSettings, "scale"> {
  project: string;
  scalePreset: PlatformSettings["scale"]["preset"];
  scale: ScaleValues;
  secrets: PlatformSecrets;
}

/** Stack configuration as Pulumi hands it to a program: full keys, values, and which are secret. */
export interface RawStackConfig {
  project: string;
  /** `namespace:key` → value (already JSON-decoded for structured values). */
  values: Record<string, unknown>;
  /** Keys whose values are secrets (`secure:` in the stack file). */
  secretKeys: ReadonlySet<string>;
}

/** Reads the running program's configuration exactly as the Pulumi language host provides it. */
export function readRawStackConfig(): RawStackConfig {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  // An oversized text stays text: the string bound refuses it, naming the key, without parsing it.
  for (const [key, text] of Object.entries(all)) values[key] = text.length > MAX_CONFIG_TEXT ? text : decodeConfigValue(text);
  const secretKeys = new Set(Object.keys(all).filter((key) => isConfigSecret(key)));
  return { project: pulumi.getProject(), values, secretKeys };
}

/**
 * Whether the language host marked a key as secret. The SDK exports this function at runtime but
 * hides it from its typings (`@internal`); it is the only way to tell a `secure:` value from a
 * plaintext one, which we must do to refuse plaintext secrets.
 */
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret; update stacks/config.ts");
  return runtime.isConfigSecret(key);
}

/** Structured config (objects, lists) arrives as JSON text; scalars arrive as text. */
export function decodeConfigValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/** Parses and checks the whole stack configuration; throws a ConfigError listing every problem. */
export function parseStackConfig(raw: RawStackConfig): PlatformConfig {
  // Bounds first: nothing below (schema, messages) may walk an unbounded value.
  throwIfIssues(rawConfigIssues(raw.values));
  const issues: ConfigIssue[] = [];
  // No prototype: a key can only ever be a setting (rawConfigIssues refuses `__proto__` too).
  const ours: Record<string, unknown> = Object.create(null);
  const secretKeyNames = new Set(knownSecretKeys());

  // Top-level keys whose value is a secret but that are not declared secrets (a misspelt secret
  // key, or a secret where a plain setting belongs): their values are never echoed in messages.
  const undeclaredSecrets = new Set<string>();
  for (const [key, value] of Object.entries(raw.values)) {
    const [namespace] = key.split(":", 1);
    if (secretKeyNames.has(key)) continue;
    if (namespace === NAMESPACE) {
      const name = key.slice(NAMESPACE.length + 1);
      ours[name] = value;
      if (raw.secretKeys.has(key)) undeclaredSecrets.add(name);
    } else if ((FOREIGN_NAMESPACES_CHECKED as readonly string[]).includes(namespace ?? "")) {
      const name = key.slice((namespace ?? "").length + 1);
      const declared = [...secretKeyNames].filter((k) => k.startsWith(`${namespace}:`)).map((k) => k.slice((namespace ?? "").length + 1));
      const suggestion = closestKey(name, declared);
      issues.push({
        path: key,
        problem: "is not a setting this platform reads",
        got: raw.secretKeys.has(key) || isSecretKeyName(name) ? SECRET_VALUE : value,
        fix: suggestion ? `Did you mean ${namespace}:${suggestion}? Remove this one with: pulumi config rm ${key}` : `Remove it with: pulumi config rm ${key}`,
      });
    } else if (!KNOWN_NAMESPACES.includes(namespace ?? "")) {
      const suggestion = closestKey(namespace ?? "", KNOWN_NAMESPACES);
      issues.push({
        path: key,
        problem: `is in the namespace "${namespace}", which nothing reads (known: ${KNOWN_NAMESPACES.join(", ")})`,
        got: raw.secretKeys.has(key) || isSecretKeyName(key.slice((namespace ?? "").length + 1)) ? SECRET_VALUE : value,
        fix: suggestion ? `Did you mean ${suggestion}:${key.slice((namespace ?? "").length + 1)}?` : `Remove it with: pulumi config rm ${key}`,
      });
    }
  }

  // Obvious stand-ins ("example", "changeme", "TODO", …) never deploy; undeclared secrets are not scanned (never echoed).
  issues.push(...placeholderIssues(Object.fromEntries(Object.entries(ours).filter(([k]) => !undeclaredSecrets.has(k))), NAMESPACE));
  const parsed = platformConfigSchema.safeParse(ours, PARSE_ONCE);
  if (!parsed.success) issues.push(...zodIssuesToConfigIssues(parsed.error.issues, ours, NAMESPACE, undeclaredSecrets));
  const settings = parsed.success ? parsed.data : undefined;
  issues.push(...runCrossKeyChecks(settings ?? parseEachKey(ours)));
  const secrets = readSecrets(raw, settings?.app.aiProviders ?? declaredAiProviders(raw.values), usesSecureCompute(raw.values), issues);

  throwIfIssues(issues);
  if (!settings || !secrets) throw new Error("unreachable: settings parsed without issues");
  const { scale, ...rest } = settings;
  return { ...rest, project: raw.project, scalePreset: scale.preset, scale: resolveScale(scale.preset, scale.overrides), secrets };
}

/**
 * A stack's settings are parsed once per run. Zod compiles a parser for each object schema on its
 * first parse (`new Function`), which costs more than it saves on a single parse: the prod
 * settings parse in ~20 ms instead of ~36 ms cold with zod's per-parse `jitless` option
 * (`ParseContext` in zod/v4/core/schemas.d.ts: "Skip eval-based fast path"), and no slower warm.
 * The result is the same either way.
 */
const PARSE_ONCE = { jitless: true } as const;

/**
 * Checks that need more than one key. Each runs as soon as the keys it reads are valid, so a
 * typo elsewhere does not hide an open redirect here: every problem is reported in one go.
 */
const CROSS_KEY_CHECKS: ReadonlyArray<{ needs: readonly (keyof PlatformSettings)[]; check: (all: PlatformSettings) => ConfigIssue[] }> = [
  { needs: ["edge", "domain"], check: (all) => checkEdgeConfig(all.edge, all) },
  { needs: ["app", "database"], check: (all) => checkAppConfig(all.app, all) },
  { needs: ["database", "domain"], check: (all) => checkDatabaseConfig(all.database, all) },
  { needs: ["aws"], check: (all) => checkAwsConfig(all.aws) },
  { needs: ["network"], check: (all) => checkNetworkConfig(all.network) },
  // The tunnel checks run on their own; the overlap and zone checks join in when network/aws are valid.
  { needs: ["vpn"], check: (all) => checkVpnConfig(all.vpn, { vpcCidr: (all as Partial<PlatformSettings>).network?.cidr, availabilityZones: (all as Partial<PlatformSettings>).aws?.availabilityZones }) },
  { needs: ["ci", "aws"], check: (all) => checkCiConfig(all.ci, all.aws.accountId) },
  { needs: ["workers", "app", "network", "aws", "scale"], check: (all) => checkCacheLayerConfig(all, resolveScale(all.scale.preset, all.scale.overrides)) },
  { needs: ["backups"], check: (all) => checkBackupsConfig(all.backups) },
  { needs: ["monitoring", "app", "domain"], check: (all) => checkMonitoringConfig(all) },
];

function runCrossKeyChecks(settings: Partial<PlatformSettings>): ConfigIssue[] {
  return CROSS_KEY_CHECKS.filter(({ needs }) => needs.every((key) => settings[key] !== undefined)).flatMap(({ check }) => check(settings as PlatformSettings));
}

/** The top-level keys that are valid on their own (used when the whole object is not). */
function parseEachKey(ours: Record<string, unknown>): Partial<PlatformSettings> {
  const valid: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(platformConfigSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(ours[key], PARSE_ONCE);
    if (result.success) valid[key] = result.data;
  }
  return valid as Partial<PlatformSettings>;
}

/** The AI providers a stack lists (schema default when unset), even when other keys are invalid. */
export function declaredAiProviders(values: Record<string, unknown>): string[] {
  const parsed = appConfigSchema.shape.aiProviders.safeParse((values[`${NAMESPACE}:app`] as Record<string, unknown> | undefined)?.aiProviders, PARSE_ONCE);
  return parsed.success ? parsed.data : [];
}

/** Whether the stack reaches ElastiCache from Vercel (`promptandpause:app.secureCompute` is set). */
export function usesSecureCompute(values: Record<string, unknown>): boolean {
  const app = values[`${NAMESPACE}:app`];
  return typeof app === "object" && app !== null && (app as Record<string, unknown>).secureCompute !== undefined;
}

/**
 * Every secret key this configuration needs: the required ones, the app's Redis URL unless
 * Secure Compute brings the app to ElastiCache, and one per listed AI provider.
 */
export function requiredSecretKeys(values: Record<string, unknown>): string[] {
  const ai = declaredAiProviders(values).map((p) => aiKeySecret(p as (typeof AI_PROVIDERS)[number]).key);
  return [...Object.values(REQUIRED_SECRETS).map((s) => s.key), ...(usesSecureCompute(values) ? [] : [REDIS_URL_SECRET.key]), ...ai];
}

function readSecrets(raw: RawStackConfig, aiProviders: readonly string[], secureCompute: boolean, issues: ConfigIssue[]): PlatformSecrets | undefined {
  const before = issues.length;
  const read = (key: string): pulumi.Output<string> | undefined => {
    const value = raw.values[key];
    if (value === undefined || value === "") {
      issues.push({ path: key, problem: "required secret is not set", got: NOT_SET, fix: setSecretHint(key) });
      return undefined;
    }
    if (!raw.secretKeys.has(key)) {
      // Never echo a plaintext secret back: it is already exposed in the stack file.
      issues.push({ path: key, problem: "is stored in plaintext; it must be a secret", got: SECRET_VALUE, fix: `Remove it from the stack file, then ${setSecretHint(key)}` });
      return undefined;
    }
    return pulumi.secret(String(value));
  };
  const required = {} as Record<RequiredSecretName, pulumi.Output<string>>;
  for (const [name, spec] of Object.entries(REQUIRED_SECRETS) as [RequiredSecretName, { key: string }][]) {
    const value = read(spec.key);
    if (value) required[name] = value;
  }
  // The app's Redis: the stack secret, or ElastiCache through Secure Compute — never both silently.
  let redisUrl: pulumi.Output<string> | undefined;
  if (secureCompute) {
    if (raw.values[REDIS_URL_SECRET.key] !== undefined) {
      issues.push({
        path: REDIS_URL_SECRET.key,
        problem: "is set but promptandpause:app.secureCompute is configured: the app's REDIS_URL then comes from the ElastiCache cluster, and two Redis URLs would silently disagree",
        got: SECRET_VALUE,
        fix: `Remove it with: pulumi config rm ${REDIS_URL_SECRET.key} (or remove app.secureCompute to keep the serverless Redis).`,
      });
    }
  } else {
    redisUrl = read(REDIS_URL_SECRET.key);
    const plain = raw.values[REDIS_URL_SECRET.key];
    const problem = redisUrl && typeof plain === "string" ? redisUrlProblem(plain) : undefined;
    if (problem) issues.push({ path: REDIS_URL_SECRET.key, problem, got: SECRET_VALUE, fix: `Use the provider's TLS URL: pulumi config set --secret ${REDIS_URL_SECRET.key} rediss://…` });
  }
  const aiApiKeys: PlatformSecrets["aiApiKeys"] = {};
  for (const provider of AI_PROVIDERS) {
    const key = aiKeySecret(provider).key;
    if (aiProviders.includes(provider)) {
      const value = read(key);
      if (value) aiApiKeys[provider] = value;
    } else if (raw.values[key] !== undefined) {
      issues.push({ path: key, problem: `is set but ${provider} is not in promptandpause:app.aiProviders`, got: SECRET_VALUE, fix: `Add "${provider}" to app.aiProviders or remove it with: pulumi config rm ${key}` });
    }
  }
  return issues.length === before ? { required, aiApiKeys, ...(redisUrl ? { redisUrl } : {}) } : undefined;
}

/** Turns zod's issues into `<key path>: <problem> (got <value>)`, one per bad key. */
export function zodIssuesToConfigIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  input: unknown,
  namespace = NAMESPACE,
  /** Top-level keys whose values are secrets: shown as "[secret]", never as their value. */
  secretTopKeys: ReadonlySet<string> = new Set(),
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const valueAtPath = (path: readonly PropertyKey[]): unknown => (secretTopKeys.has(String(path[0])) ? SECRET_VALUE : valueAt(input, path));
  for (const issue of zodIssues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        // At the top level a typo may also be a misspelt secret (`stripeSecretKye`).
        const candidates = issue.path.length === 0 ? [...knownKeysAt([]), ...ourSecretKeyNames(namespace)] : knownKeysAt(issue.path);
        const suggestion = closestKey(key, candidates);
        out.push({
          path: keyPath(namespace, path),
          problem: "unknown key",
          // An unknown key may be a misspelt secret (`stripeSecretKye`): judged by its name too.
          got: isSecretKeyName(key) ? SECRET_VALUE : valueAtPath(path),
          fix: suggestion ? `Did you mean ${keyPath(namespace, [...issue.path, suggestion])}?` : `Remove it; see README "Configuration reference" for the keys.`,
        });
      }
      continue;
    }
    const got = valueAtPath(issue.path);
    out.push({ path: keyPath(namespace, issue.path), problem: describeZodIssue(issue, got), got: got === undefined ? NOT_SET : got, fix: `Set ${keyPath(namespace, issue.path)} in Pulumi.<stack>.yaml.` });
  }
  return out;
}

function describeZodIssue(issue: z.core.$ZodIssue, got: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return got === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "too_small":
      return issue.origin === "array" ? `must have at least ${issue.minimum} item(s)` : issue.origin === "string" ? `must be at least ${issue.minimum} characters` : `must be ${issue.inclusive === false ? ">" : ">="} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" ? `must have at most ${issue.maximum} item(s)` : issue.origin === "string" ? `must be at most ${issue.maximum} characters` : `must be ${issue.inclusive === false ? "<" : "<="} ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.message && !issue.message.startsWith("Invalid") ? issue.message : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function keyPath(namespace: string, path: readonly PropertyKey[]): string {
  let text = `${namespace}:`;
  path.forEach((part, i) => {
    if (typeof part === "number") text += `[${part}]`;
    else text += i === 0 ? String(part) : `.${String(part)}`;
  });
  return text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part as string | number];
  }
  return current;
}

function ourSecretKeyNames(namespace: string): string[] {
  return knownSecretKeys()
    .filter((key) => key.startsWith(`${namespace}:`))
    .map((key) => key.slice(namespace.length + 1));
}

/** The keys the schema accepts at a path (for "did you mean" hints). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = platformConfigSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (typeof part === "number") {
      const element = (schema as unknown as { element?: z.core.$ZodType }).element;
      if (!element) return [];
      schema = element;
    } else {
      const shape = (schema as unknown as { shape?: Record<string, z.core.$ZodType> }).shape;
      const next = shape?.[String(part)];
      if (!next) return [];
      schema = next;
    }
  }
  const shape = (unwrap(schema) as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema as unknown as { unwrap?: () => z.core.$ZodType; def?: { innerType?: z.core.$ZodType } };
  for (let i = 0; i < 10; i++) {
    const inner = current.def?.innerType;
    if (!inner) break;
    current = inner as unknown as typeof current;
  }
  return current as unknown as z.core.$ZodType;
}

function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
