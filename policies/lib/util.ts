/** Small helpers shared by the rules. No policy logic lives here. */
import type { PolicyResource } from "@pulumi/policy";
import { TYPES } from "../guide";
import type { RulesetInputs, RulesetRuleInputs, ZoneSettingInputs } from "./shapes";

/**
 * A policy's config: its schema's defaults, under what the analyzer hands it (`getConfig()`, which
 * after the CLI's reconciliation already holds the defaults). The defaults live once, in the
 * schema the CLI validates against; this fills them in for callers that give no config at all.
 */
export function configFrom<T extends object>(schema: ConfigSchema, args: { getConfig<C extends object>(): C }): T {
  return { ...(defaultsOf(schema) as T), ...args.getConfig<Partial<T>>() };
}

type ConfigSchema = { properties: Record<string, { default?: unknown }> };
const DEFAULTS = new WeakMap<ConfigSchema, Record<string, unknown>>();
/** {@link schemaDefaults}, once per schema: policies read their config for every resource. */
function defaultsOf(schema: ConfigSchema): Record<string, unknown> {
  let d = DEFAULTS.get(schema);
  if (!d) {
    d = schemaDefaults<Record<string, unknown>>(schema);
    DEFAULTS.set(schema, d);
  }
  return d;
}

/** An input path as plans and messages print it, e.g. `inlinePolicies[0].policy`, from its keys and indices. */
export function inputPath(at: readonly (string | number)[]): string {
  return at.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** The `default` of every property of a config schema, as an object. */
export function schemaDefaults<T extends object>(schema: ConfigSchema): T {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (prop.default !== undefined) out[key] = prop.default;
  }
  return out as T;
}

/** Scheme and host of an absolute URL, or undefined when it is not one (no dependency on a URL global). */
export function parseUrl(value: string): { scheme: string; host: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(value.trim());
  if (!match) return undefined;
  const authority = match[2] ?? "";
  const hostPort = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const host = hostPort.startsWith("[") ? hostPort.slice(0, hostPort.indexOf("]") + 1) : (hostPort.split(":")[0] ?? "");
  return { scheme: (match[1] ?? "").toLowerCase(), host: host.toLowerCase() };
}

/** `max-age` and `includeSubDomains` of a Strict-Transport-Security value. */
export function parseHsts(value: string): { maxAge: number | undefined; includeSubDomains: boolean } {
  let maxAge: number | undefined;
  let includeSubDomains = false;
  for (const raw of value.split(";")) {
    const directive = raw.trim();
    const [name, arg] = directive.split("=", 2).map((s) => s.trim());
    if (name?.toLowerCase() === "max-age" && arg !== undefined) {
      const n = Number(arg.replace(/^"|"$/g, ""));
      if (Number.isFinite(n)) maxAge = n;
    } else if (name?.toLowerCase() === "includesubdomains") {
      includeSubDomains = true;
    }
  }
  return { maxAge, includeSubDomains };
}

/** Lower-case with `_` and `-` removed, so `min_tls_version` and `minTlsVersion` compare equal. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, "");
}

/** Reads a key of a plain object regardless of snake_case/camelCase spelling. */
export function getLoose(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  const wanted = normalizeKey(key);
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (normalizeKey(k) === wanted) return v;
  }
  return undefined;
}

/** A Cloudflare ruleset in the stack, with its typed inputs. */
export interface StackRuleset {
  resource: PolicyResource;
  props: RulesetInputs;
}

/** Every Cloudflare ruleset of the given phase. */
export function rulesetsInPhase(resources: PolicyResource[], phase: string): StackRuleset[] {
  return resources
    .filter((r) => r.type === TYPES.ruleset && (r.props as RulesetInputs).phase === phase)
    .map((r) => ({ resource: r, props: r.props as RulesetInputs }));
}

/** Every rule of the given rulesets, with its position, skipping rules set to `enabled: false`. */
export function enabledRules(rulesets: StackRuleset[]): { ruleset: StackRuleset; rule: RulesetRuleInputs; index: number }[] {
  const out: { ruleset: StackRuleset; rule: RulesetRuleInputs; index: number }[] = [];
  for (const ruleset of rulesets) {
    (ruleset.props.rules ?? []).forEach((rule, index) => {
      if (rule.enabled !== false) out.push({ ruleset, rule, index });
    });
  }
  return out;
}

/** How a rule is named in a message: its ref, else its description, else its position. */
export function ruleLabel(ruleset: StackRuleset, rule: RulesetRuleInputs, index: number): string {
  const id = rule.ref ? `ref "${rule.ref}"` : rule.description ? `"${rule.description}"` : `#${index}`;
  return `rule ${id} of ruleset "${ruleset.resource.name}"`;
}

/** The zone settings of the stack, keyed by normalised setting id. */
export function zoneSettings(resources: PolicyResource[]): Map<string, { resource: PolicyResource; props: ZoneSettingInputs }> {
  const out = new Map<string, { resource: PolicyResource; props: ZoneSettingInputs }>();
  for (const r of resources) {
    if (r.type !== TYPES.zoneSetting) continue;
    const props = r.props as ZoneSettingInputs;
    out.set(normalizeKey(String(props.settingId)), { resource: r, props });
  }
  return out;
}

/** True when the stack has at least one resource of the given type. */
export function hasType(resources: PolicyResource[], type: string): boolean {
  return resources.some((r) => r.type === type);
}

/** A path fragment as it appears in a filter expression: without its trailing slash or wildcard. */
export function pathStem(path: string): string {
  return path.replace(/\*+$/, "").replace(/\/+$/, "");
}
