/**
 * Offline policy evaluation: runs the policy pack over the resources recorded by the offline plan,
 * with the same code the Pulumi CLI drives over gRPC.
 *
 * What is real here (imported from @pulumi/policy, not re-implemented):
 *   - the Analyze and AnalyzeStack RPC handlers (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun`):
 *     enforcement-level resolution, "disabled", the `__pulumiType` fast path of
 *     `validateResourceOfType`/`validateStackResourcesOfType`, `isType`/`asType`, the unknown-value
 *     proxy (advisory "can't run during preview"), not-applicable handling, parents/dependencies
 *     resolved to resource objects for stack policies, and the violation message format;
 *   - the policy metadata the CLI sees (`makeAnalyzerInfo`: names, levels, config schemas).
 * What mirrors the CLI (Go code, not importable): reading the `--policy-pack-config` file and
 * reconciling it with each policy's configSchema (defaults first, then `all`, then per-policy
 * values, shallow merge), then JSON-schema validation of the result (draft-07 subset, ajv's
 * wording: json-schema-subset.ts). Beyond the CLI: a config that lowers a policy's level below
 * the pack's is refused (the pack's levels are floors, like its config schemas' bounds).
 *
 * Requests are built as the engine builds them: properties as a protobuf Struct, resource options,
 * provider, parent, dependencies and property dependencies. `PlannedResource.inputs` (secrets
 * unwrapped, as the engine passes them to analyzers) are the props; an `undefined` input is an
 * unknown (preview) value and is sent as the engine's unknown sentinel.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packArgs, packEnforcementLevel, packName, packVersion, policies } from "../../policies/pack";
import type { EnforcementLevel, PlannedResource, PolicyReport, PolicyViolation } from "./plan-types";
import { validateJsonSchema } from "./json-schema-subset";
import { findRepoRoot } from "./repo-root";

// ---- @pulumi/policy internals (exported by its modules; their .d.ts files declare nothing) ----
// biome-ignore lint/suspicious/noExplicitAny: generated protobuf messages
type ProtoMessage = any;
type Rpc = (call: { request: unknown }, callback: (err: unknown, resp?: ProtoMessage) => void) => Promise<void>;
interface PolicyServerModule {
  makeAnalyzeRpcFun(name: string, version: string, level: string, policies: unknown[]): Rpc;
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: unknown[]): Rpc;
}
interface ProtoutilModule {
  makeAnalyzerInfo(name: string, version: string, level: string, args: unknown, initialConfig?: unknown): ProtoMessage;
  convertEnforcementLevel(level: number): EnforcementLevel;
}
const policyServer = require("@pulumi/policy/server") as PolicyServerModule;
const protoutil = require("@pulumi/policy/protoutil") as ProtoutilModule;
const proxy = require("@pulumi/policy/proxy") as { unknownStringValue: string };
// Resolve the protobuf modules exactly as @pulumi/policy does, so instanceof checks hold.
const policyDir = path.dirname(require.resolve("@pulumi/policy/server"));
const fromPolicy = (id: string) => require(require.resolve(id, { paths: [policyDir] }));
// biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
const analyzerpb: any = fromPolicy("@pulumi/pulumi/proto/analyzer_pb");
// biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
const structpb: any = fromPolicy("google-protobuf/google/protobuf/struct_pb");

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * How strictly a level holds a policy. "remediate" holds it like "mandatory": no policy of the
 * pack remediates, and the server reports a remediate-level violation as mandatory.
 */
const STRICTNESS: Record<EnforcementLevel, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };

/** Per-policy config as the CLI holds it after parsing: a level and/or properties. */
interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

/** Raised when the policy config file or object is malformed or fails a policy's schema. Lists every problem. */
export class PolicyConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid policy pack config (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

export interface EvaluateOptions {
  project: string;
  stack: string;
  /**
   * Policy pack config, in the `--policy-pack-config` file format (`{ "<policy>": "<level>" |
   * { enforcementLevel?, ...properties }, "all"?: "<level>" }`), or the path of such a JSON file.
   * @default `policies/config/<stack>.json` when that file exists, else no config (schema defaults).
   */
  config?: Record<string, unknown> | string;
  /**
   * Run only these policies (by name), as if the pack held no other. The config is still read
   * and checked in full. The server runs each policy on its own, so a policy's violations are
   * the same with or without the others.
   * @default every policy of the pack
   */
  only?: readonly string[];
  /**
   * Policies to run in place of the pack's own, under the pack's names (the config and levels
   * are still the pack's). The benchmark's SDK floor passes stand-ins that check nothing
   * (scripts/lib/sdk-floor.ts).
   * @default the pack's policies
   */
  policies?: readonly object[];
}

const DEFAULT_CONFIG_DIR = path.join(findRepoRoot(), "policies", "config");

function loadConfig(options: EvaluateOptions): { source: string; raw: Record<string, unknown> } {
  let source: string;
  let config = options.config;
  if (config === undefined) {
    const file = path.join(DEFAULT_CONFIG_DIR, `${options.stack}.json`);
    if (!fs.existsSync(file)) return { source: "none", raw: {} };
    config = file;
  }
  if (typeof config === "string") {
    source = config;
    let text: string;
    try {
      text = fs.readFileSync(config, "utf8");
    } catch (e) {
      throw new PolicyConfigError(source, [`cannot read the file: ${(e as Error).message}. Pass an existing JSON file.`]);
    }
    if (text.trim() === "") return { source, raw: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new PolicyConfigError(source, [`not valid JSON: ${(e as Error).message}`]);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new PolicyConfigError(source, ["the top level must be a JSON object keyed by policy name"]);
    }
    return { source, raw: parsed as Record<string, unknown> };
  }
  // A copy: the policies' getConfig hands out shallow copies, so nested values must not be the caller's own.
  return { source: "options.config", raw: structuredClone(config) };
}

/** `parsePolicyPackConfig` of the CLI: string → level; object → level + remaining properties. */
function parseConfig(source: string, raw: Record<string, unknown>, known: Set<string>): Map<string, PolicyConfigEntry> {
  const problems: string[] = [];
  const out = new Map<string, PolicyConfigEntry>();
  const levelOf = (key: string, v: unknown): EnforcementLevel | undefined => {
    if (typeof v === "string" && (LEVELS as readonly string[]).includes(v)) return v as EnforcementLevel;
    problems.push(`${key}: ${JSON.stringify(v)} is not a valid enforcement level; use one of ${LEVELS.join(", ")}`);
    return undefined;
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "all" && !known.has(key)) {
      problems.push(`${key}: no such policy in pack "${packName}" (policies: ${[...known].join(", ")})`);
      continue;
    }
    if (typeof value === "string") {
      const level = levelOf(key, value);
      if (level) out.set(key, { enforcementLevel: level });
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      const entry: PolicyConfigEntry = {};
      if (enforcementLevel !== undefined) {
        const level = levelOf(`${key}.enforcementLevel`, enforcementLevel);
        if (level) entry.enforcementLevel = level;
      }
      if (Object.keys(properties).length > 0) entry.properties = properties;
      out.set(key, entry);
    } else {
      problems.push(`${key}: ${JSON.stringify(value)} is not valid; use an enforcement level string or an object`);
    }
  }
  if (problems.length) throw new PolicyConfigError(source, problems);
  return out;
}

interface PolicyMeta {
  name: string;
  enforcementLevel: EnforcementLevel;
  schema?: { properties: Record<string, unknown>; required: string[] };
}

/** The policies as the CLI sees them through GetAnalyzerInfo. */
function analyzerInfo(): PolicyMeta[] {
  const info = protoutil.makeAnalyzerInfo(packName, packVersion, packEnforcementLevel, packArgs);
  // biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
  return (info.getPoliciesList() as any[]).map((p) => {
    const schema = p.getConfigschema();
    return {
      name: p.getName(),
      enforcementLevel: protoutil.convertEnforcementLevel(p.getEnforcementlevel()),
      schema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
    };
  });
}

/**
 * `ReconcilePolicyPackConfig` of the CLI: defaults, then `all`, then per-policy values; then
 * schema validation. One check the CLI does not make: no level below the pack's own.
 */
function reconcile(source: string, metas: PolicyMeta[], given: Map<string, PolicyConfigEntry>, raw: Record<string, unknown>): Map<string, Required<PolicyConfigEntry>> {
  const result = new Map<string, Required<PolicyConfigEntry>>();
  for (const m of metas) {
    const defaults: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.schema?.properties ?? {})) {
      if (v && typeof v === "object" && "default" in v) defaults[k] = structuredClone((v as { default: unknown }).default);
    }
    result.set(m.name, { enforcementLevel: m.enforcementLevel, properties: defaults });
  }
  const all = given.get("all")?.enforcementLevel;
  if (all) for (const entry of result.values()) entry.enforcementLevel = all;
  for (const [name, entry] of given) {
    const target = result.get(name);
    if (!target) continue;
    if (entry.enforcementLevel) target.enforcementLevel = entry.enforcementLevel;
    Object.assign(target.properties, entry.properties ?? {});
  }
  const problems: string[] = [];
  // The pack's levels are floors: a stack's config may raise one (advisory → mandatory), never
  // lower one. The CLI would apply a lower level before any policy runs, so no policy could
  // refuse it; the offline plan, which CI runs before every preview and deploy, does.
  for (const m of metas) {
    const level = result.get(m.name)?.enforcementLevel ?? m.enforcementLevel;
    if (STRICTNESS[level] >= STRICTNESS[m.enforcementLevel]) continue;
    const own = given.get(m.name)?.enforcementLevel;
    const key = own ? (typeof raw[m.name] === "string" ? m.name : `${m.name}.enforcementLevel`) : "all";
    problems.push(
      `${key}: ${JSON.stringify(level)} lowers ${m.name}, which the pack makes ${m.enforcementLevel}; a stack's policy config may raise a policy's level, never lower it. Remove the setting${key === "all" ? ` (or give ${m.name} its own level of ${m.enforcementLevel} or stricter)` : ""}; a policy's level changes only in the pack (policies/rules/), reviewed with it.`,
    );
  }
  // Defaults satisfy their own schema by construction: only policies the config touches, or
  // whose schema requires a value, need checking.
  for (const m of metas) {
    if (!m.schema || !(given.has(m.name) || m.schema.required.length > 0)) continue;
    const schema = { type: "object", properties: m.schema.properties, ...(m.schema.required.length ? { required: m.schema.required } : {}) };
    for (const e of validateJsonSchema(schema, result.get(m.name)?.properties ?? {})) {
      problems.push(`${m.name}: ${e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, ".")} ` : ""}${e.message}`);
    }
  }
  if (problems.length) throw new PolicyConfigError(source, problems);
  return result;
}

// biome-ignore lint/suspicious/noExplicitAny: policy objects are passed through untyped
type AnyPolicy = Record<string, any>;

/**
 * `args.notApplicable(reason)` throws the server's NotApplicableError, which the server catches
 * and reads only the reason of; policies that cover several types call it for most resources. The
 * error is built with `Error.stackTraceLimit` at 0, so V8 walks no frames for it.
 */
function withoutStackTrace(notApplicable: unknown): unknown {
  if (typeof notApplicable !== "function") return notApplicable;
  return (reason?: string) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return notApplicable(reason);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/** Keeps the `__pulumiType` a typed helper attached, so the server's fast type path still applies. */
function withPulumiType<F extends object>(wrapper: F, original: unknown): F {
  const t = (original as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  if (typeof t === "string") Object.assign(wrapper, { __pulumiType: t });
  return wrapper;
}

/**
 * The policies as the analyzer runs them after `Configure`: the reconciled level in place of the
 * declared one, and `getConfig()` returning the reconciled properties. Like the server's own
 * `getConfig` (a fresh top-level copy per call), each call gets a shallow copy. The server builds
 * a new `args` object for every validation call, so setting the two members on it changes
 * nothing another call sees.
 */
function configuredPolicies(config: Map<string, Required<PolicyConfigEntry>>, from: readonly object[]): AnyPolicy[] {
  return (from as AnyPolicy[]).map((p) => {
    const entry = config.get(p.name);
    const props = entry?.properties ?? {};
    const getConfig = () => ({ ...props });
    const inject = <A extends { notApplicable?: unknown; getConfig?: unknown }>(args: A): A => {
      args.getConfig = getConfig;
      args.notApplicable = withoutStackTrace(args.notApplicable);
      return args;
    };
    const copy: AnyPolicy = { ...p, enforcementLevel: entry?.enforcementLevel ?? p.enforcementLevel };
    if (typeof p.validateResource === "function") {
      const original = p.validateResource;
      copy.validateResource = withPulumiType((args: object, report: unknown) => original(inject(args), report), original);
    } else if (Array.isArray(p.validateResource)) {
      copy.validateResource = p.validateResource.map((v: (a: object, r: unknown) => unknown) =>
        withPulumiType((args: object, report: unknown) => v(inject(args), report), v),
      );
    }
    if (typeof p.validateStack === "function") {
      const original = p.validateStack;
      copy.validateStack = withPulumiType((args: object, report: unknown) => original(inject(args), report), original);
    }
    return copy;
  });
}

/** Replaces `undefined` (an unknown preview value) with the engine's unknown sentinel; Struct cannot hold undefined. */
function toWire(value: unknown): unknown {
  if (value === undefined) return proxy.unknownStringValue;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toWire((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * A resource's properties as the analyzer handlers read them. The engine hands an analyzer a
 * Struct decoded off the wire; the handlers only ever call its `toJavaScript()` and deep-copy the
 * result (`deserializeProperties` builds fresh objects and never writes to its input). Encoding to
 * a Struct and decoding it again is the identity on the JSON values a plan holds (strings, finite
 * numbers, booleans, null, arrays, objects, once `wireProperties` has put the engine's sentinel
 * in place of each unknown), which tests/policies/evaluator-wire.test.ts checks for every
 * resource of both stacks. So this Struct answers with the wire value itself: decoding it again
 * for every policy and resource (each stack policy reads every resource) was most of the pack's
 * time.
 */
function struct(props: Record<string, unknown>) {
  const wire = wireProperties(props);
  const message = new structpb.Struct();
  message.toJavaScript = () => wire;
  return message;
}

/** Properties as they go on the wire to an analyzer: unknowns as the engine's sentinel. */
export function wireProperties(props: Record<string, unknown>): Record<string, unknown> {
  return toWire(props) as Record<string, unknown>;
}

function options(r: PlannedResource) {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  if (r.parent) o.setParent(r.parent);
  return withFrozenGetters(o);
}

/** `urn::id` → the provider resource in the plan, as the engine attaches it. */
function providerOf(r: PlannedResource, byUrn: Map<string, PlannedResource>) {
  if (!r.provider) return undefined;
  const cut = r.provider.lastIndexOf("::");
  const p = byUrn.get(cut > 0 ? r.provider.slice(0, cut) : r.provider);
  if (!p) return undefined;
  const msg = new analyzerpb.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setUrn(p.urn);
  msg.setName(p.name);
  msg.setProperties(struct(p.inputs));
  return withFrozenGetters(msg);
}

function memoize<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key) as V;
  };
}

/** The no-argument getters of a protobuf message class, found once per class. */
const gettersOf = memoize((proto: object): string[] => {
  const names: string[] = [];
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) {
      const member = (p as Record<string, unknown>)[key];
      if (/^get[A-Z]/.test(key) && typeof member === "function" && member.length === 0) names.push(key);
    }
  }
  return names;
});

/**
 * The handlers call a request's getters again for every policy (each stack policy reads every
 * resource's type, URN, options, provider…), and a protobuf getter looks its field up each time.
 * A request is complete once built and never changes, so each getter of `message` keeps its first
 * answer. (A repeated field's getter already returns the message's own array every time.)
 */
function withFrozenGetters(message: ProtoMessage): ProtoMessage {
  for (const key of gettersOf(Object.getPrototypeOf(message))) {
    const get = message[key];
    let answered = false;
    let answer: unknown;
    message[key] = () => {
      if (!answered) {
        answer = get.call(message);
        answered = true;
      }
      return answer;
    };
  }
  return message;
}

function call(rpc: Rpc, request: unknown): Promise<ProtoMessage> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (err, resp) => (err ? reject(err) : resolve(resp as ProtoMessage)));
  });
}

function violations(resp: ProtoMessage, fallbackUrn: string | null): PolicyViolation[] {
  // biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
  return (resp.getDiagnosticsList() as any[]).map((d) => {
    const level = protoutil.convertEnforcementLevel(d.getEnforcementlevel());
    return {
      policy: d.getPolicyname(),
      level: level === "advisory" ? "advisory" : "mandatory",
      urn: d.getUrn() || fallbackUrn,
      message: d.getMessage(),
    };
  });
}

/**
 * Policies that did not apply. A policy with several validations (an array of
 * `validateResourceOfType`) is reported once per validation that did not match: it did not apply
 * only when none of them did (`validations`: each policy's number of validations, default 1).
 */
function notApplicableCount(resp: ProtoMessage, validations: ReadonlyMap<string, number> = new Map()): number {
  const reports = new Map<string, number>();
  // biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
  for (const n of resp.getNotApplicableList() as any[]) reports.set(n.getPolicyName(), (reports.get(n.getPolicyName()) ?? 0) + 1);
  return [...reports].filter(([name, count]) => count >= (validations.get(name) ?? 1)).length;
}

/**
 * Runs every policy of the pack over the planned resources.
 * @throws PolicyConfigError when the config cannot be read or fails a policy's configSchema.
 */
export async function evaluatePolicyPack(resources: PlannedResource[], opts: EvaluateOptions): Promise<PolicyReport> {
  const metas = analyzerInfo();
  const { source, raw } = loadConfig(opts);
  const config = reconcile(source, metas, parseConfig(source, raw, new Set(metas.map((m) => m.name))), raw);
  const unknown = (opts.only ?? []).filter((name) => !config.has(name));
  if (unknown.length) throw new PolicyConfigError("options.only", unknown.map((name) => `${name}: no such policy in pack "${packName}"`));
  const only = opts.only && new Set(opts.only);
  const configured = configuredPolicies(config, opts.policies ?? policies).filter((p) => !only || only.has(p.name));
  const analyze = policyServer.makeAnalyzeRpcFun(packName, packVersion, packEnforcementLevel, configured);
  const analyzeStack = policyServer.makeAnalyzeStackRpcFun(packName, packVersion, packEnforcementLevel, configured);
  const levelOf = (p: AnyPolicy) => p.enforcementLevel ?? packEnforcementLevel;
  const enabledResourcePolicies = configured.filter((p) => levelOf(p) !== "disabled" && (p.validateResource || p.remediateResource)).length;
  const enabledStackPolicies = configured.filter((p) => levelOf(p) !== "disabled" && typeof p.validateStack === "function").length;

  const validationsPerPolicy = new Map(configured.map((p) => [p.name as string, Array.isArray(p.validateResource) ? p.validateResource.length : 1]));
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out: PolicyViolation[] = [];
  let evaluated = 0;
  // Each resource's properties and provider go into two requests (Analyze, AnalyzeStack); the
  // messages are read, never changed, by the handlers, so one copy serves both.
  const propertiesOf = memoize((r: PlannedResource) => struct(r.inputs));
  const providerFor = memoize((r: PlannedResource) => providerOf(r, byUrn));

  // AnalyzeRequest and AnalyzerResource describe a resource with the same fields.
  const describe = (m: ProtoMessage, r: PlannedResource): ProtoMessage => {
    m.setType(r.type);
    m.setUrn(r.urn);
    m.setName(r.name);
    m.setProperties(propertiesOf(r));
    m.setOptions(options(r));
    const provider = providerFor(r);
    if (provider) m.setProvider(provider);
    return m;
  };

  for (const r of resources) {
    const resp = await call(analyze, withFrozenGetters(describe(new analyzerpb.AnalyzeRequest(), r)));
    evaluated += enabledResourcePolicies - notApplicableCount(resp, validationsPerPolicy);
    out.push(...violations(resp, r.urn));
  }

  const stackReq = new analyzerpb.AnalyzeStackRequest();
  stackReq.setResourcesList(
    resources.map((r) => {
      const m = describe(new analyzerpb.AnalyzerResource(), r);
      if (r.parent) m.setParent(r.parent);
      m.setDependenciesList(r.dependencies);
      const deps = m.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies)) {
        const d = new analyzerpb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        deps.set(k, d);
      }
      return withFrozenGetters(m);
    }),
  );
  const stackResp = await call(analyzeStack, stackReq);
  evaluated += enabledStackPolicies - notApplicableCount(stackResp);
  out.push(...violations(stackResp, null));

  return { pack: packName, evaluated, violations: out };
}
