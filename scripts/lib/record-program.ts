import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { inputPath } from "../../policies/lib/util";
import { PlatformMocks } from "./mocks";
import { MASKED_SECRET, type PlannedResource } from "./plan-types";

/**
 * Runs a Pulumi program under mocks, exactly as the language host would run it (config in the
 * runtime, the program inside the root `pulumi:pulumi:Stack`), and records every resource
 * registration the engine would receive: parent, dependencies, protect, inputs. Used by the
 * offline plan, the benchmark and the tests, so all three see the same thing.
 */

export interface RecordOptions {
  project: string;
  stack: string;
  /** Full config keys (`namespace:key`) → value text, as the language host passes them. */
  config?: Record<string, string>;
  /** Keys of `config` that are secrets. */
  secretKeys?: readonly string[];
  /**
   * Run as a preview (`pulumi preview`): ids and computed outputs of new resources are unknown.
   * @default false — like `pulumi up` against the mocked APIs, so wiring shows real values.
   */
  preview?: boolean;
  /** Called for each registration as it happens (to see what got registered before a failure). */
  onRegister?: (resource: PlannedResource) => void;
  /**
   * Skip what the SDK computes for the engine's or a debugger's benefit and the plan never
   * shows: the serialized code of dynamic providers (`__provider`: the serializer inspects
   * closures through the V8 inspector and reads the package tree with npm's arborist, about a
   * second), each resource's source position and the tags the SDK's leak detector puts on every
   * promise (its tracking stays; see stubEngineExtras). Whether each provider really serializes is
   * proven by the providers' own tests. @default false
   */
  skipEngineExtras?: boolean;
}

export interface RecordedRun<T> {
  resources: PlannedResource[];
  /** The program's return value (stack outputs), unresolved. */
  result: T;
  /** Stack outputs, resolved, with secrets masked as "[secret]". */
  outputs: Record<string, unknown>;
  /** Warnings the program logged with `pulumi.log.warn`. */
  warnings: string[];
}

const SECRET = MASKED_SECRET;
const UNKNOWN = "[unknown]";
/** Dynamic resources carry their provider's serialized source; it is noise in a plan. */
const DYNAMIC_PROVIDER_INPUT = "__provider";

/** Minimal view of the gRPC request object the mock monitor receives (google-protobuf). */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResourceResponse {
  getUrn(): string;
}
type Callback = (err: Error | null, response?: RegisterResourceResponse) => void;
interface MockMonitorLike {
  registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void>;
}

export async function recordProgram<T>(program: () => T | Promise<T>, options: RecordOptions): Promise<RecordedRun<T>> {
  pulumi.runtime.setAllConfig(options.config ?? {}, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(new PlatformMocks(), options.project, options.stack, options.preview ?? false);

  const resources: PlannedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    // The monitor decodes the request's inputs once; the recording reads the same decoding
    // instead of a second one (the decoder builds fresh objects, and the monitor only reads them).
    const object = req.getObject();
    const raw = object?.toJavaScript() ?? {};
    if (object) object.toJavaScript = () => raw;
    return register(req, (err, response) => {
      if (!err && response) {
        const resource = toPlannedResource(req, raw, response.getUrn());
        resources.push(resource);
        options.onRegister?.(resource);
      }
      callback(err, response);
    });
  };

  const warnings: string[] = [];
  // Stubbed only from here, inside the try below that puts them back: a failing setMocks above
  // leaves the SDK as it was.
  const restoreExtras = options.skipEngineExtras ? stubEngineExtras() : () => {};
  const restoreConsole = captureRuntimeWarnings(warnings);
  let result: T | undefined;
  let failure: { error: unknown } | undefined;
  try {
    // The program's error is caught inside the stack and rethrown after it: a rejection escaping
    // the Stack resource would leave the SDK's own promises rejecting with nobody listening.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        result = await program();
        return result;
      } catch (error) {
        failure = { error };
        return undefined;
      }
    });
    await waitForRegistrations();
  } finally {
    restoreConsole();
    restoreExtras();
  }
  if (failure) throw failure.error;
  return { resources, result: result as T, outputs: await maskedOutputs(result), warnings };
}

/**
 * `pulumi.dynamic.Resource` calls `serializeFunction` through the serializer module's exports
 * object, and every resource asks the static `Resource.callsites()` for its source position;
 * replacing both (for this run only) skips the work.
 *
 * The SDK also wraps each of the ~20,000 promises of a prod plan for its leak detector
 * (runtime/debuggable.js): it tracks the promise until it settles, and at exit reports any still
 * pending. It also tags each one with an id, a context and a stack trace, which it prints only
 * under PULUMI_DEBUG_PROMISE_LEAKS. Unless that is set, the replacement keeps the tracking (same
 * set, same removal, the same `err.promise` on a rejection) and skips the tags. The first promise
 * still goes through the SDK's own function, which schedules the check at exit. Under
 * PULUMI_DEBUG_PROMISE_LEAKS the SDK's function runs for every promise, stack traces included.
 */
function stubEngineExtras(): () => void {
  const serializer = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: unknown };
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>; debugPromiseLeaks: boolean };
  const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
  const resource = pulumi.Resource as unknown as { callsites: unknown };
  const originals = { serializeFunction: serializer.serializeFunction, callsites: resource.callsites, debuggablePromise: debuggable.debuggablePromise };
  serializer.serializeFunction = async () => ({ text: "[dynamic provider code is not serialized by the offline plan]", containsSecrets: false });
  resource.callsites = () => [];
  let leakCheckScheduled = false;
  if (!debuggable.debugPromiseLeaks) {
    debuggable.debuggablePromise = (promise, ctx) => {
      if (!leakCheckScheduled) {
        leakCheckScheduled = true;
        return originals.debuggablePromise(promise, ctx);
      }
      const store = runtimeState.getStore();
      store.leakCandidates.add(promise);
      // The SDK's own chain, `.then` then `.catch`: the same number of microtask turns, so the
      // plan registers (and its JSON lists) resources in the same order as with the SDK's
      // function. A single `.then(ok, fail)` reorders them (tests/plan/record-program.test.ts
      // compares the staging plan's order with the SDK's function's).
      return promise
        .then((value) => {
          store.leakCandidates.delete(promise);
          return value;
        })
        .catch((err: { promise?: unknown }) => {
          store.leakCandidates.delete(promise);
          err.promise = promise;
          throw err;
        });
    };
  }
  return () => {
    serializer.serializeFunction = originals.serializeFunction;
    resource.callsites = originals.callsites;
    debuggable.debuggablePromise = originals.debuggablePromise;
  };
}

/** Lets every pending registration reach the monitor before the recording is read. */
async function waitForRegistrations(): Promise<void> {
  const settings = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (settings.waitForRPCs) await settings.waitForRPCs();
}

/**
 * Without an engine, `pulumi.log.warn` writes `warning: [runtime] …` to the console; the plan
 * reports those lines as warnings instead.
 */
function captureRuntimeWarnings(into: string[]): () => void {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    const prefix = "warning: [runtime] ";
    if (text.startsWith(prefix)) into.push(text.slice(prefix.length));
    else original(...args);
  };
  return () => {
    console.warn = original;
  };
}

function toPlannedResource(req: RegisterResourceRequest, raw: Record<string, unknown>, urn: string): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList();
  });
  delete raw[DYNAMIC_PROVIDER_INPUT];
  const secretPaths: string[] = [];
  const inputs = unwrapSerialized(raw, [], secretPaths) as Record<string, unknown>;
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent() || null,
    protect: req.getProtect() ?? false,
    retainOnDelete: req.getRetainondelete() ?? false,
    dependencies: [...new Set(req.getDependenciesList())],
    propertyDependencies,
    provider: req.getProvider() || null,
    inputs,
    maskedInputs: maskSerialized(raw) as Record<string, unknown>,
    secretPaths,
  };
}

function isSig(value: unknown, sig: string): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[rpc.specialSigKey] === sig;
}

/**
 * Serialized inputs → plain values (secrets unwrapped, unknowns undefined, resources as URNs).
 * `at` is the path walked so far (segments, joined only for a secret's path: most inputs have none).
 */
function unwrapSerialized(value: unknown, at: (string | number)[], secretPaths: string[]): unknown {
  if (value === rpc.unknownValue) return undefined;
  if (isSig(value, rpc.specialSecretSig)) {
    secretPaths.push(at.length ? inputPath(at) : "(root)");
    return unwrapSerialized(value.value, at, []);
  }
  if (isSig(value, rpc.specialResourceSig)) return value.urn;
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      at.push(i);
      const out = unwrapSerialized(item, at, secretPaths);
      at.pop();
      return out;
    });
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      at.push(key);
      out[key] = unwrapSerialized((value as Record<string, unknown>)[key], at, secretPaths);
      at.pop();
    }
    return out;
  }
  return value;
}

/** Serialized inputs → values safe to show: secrets "[secret]", unknowns "[unknown]". */
function maskSerialized(value: unknown): unknown {
  if (value === rpc.unknownValue) return UNKNOWN;
  if (isSig(value, rpc.specialSecretSig)) return SECRET;
  if (isSig(value, rpc.specialResourceSig)) return value.urn;
  if (Array.isArray(value)) return value.map(maskSerialized);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = maskSerialized((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Stack outputs, serialized the way the engine receives them (secret markers kept), then masked.
 * Taken from the program's own return value: the resolved stack outputs have lost secretness.
 */
async function maskedOutputs(result: unknown): Promise<Record<string, unknown>> {
  if (result === undefined || result === null) return {};
  return maskSerialized(await rpc.serializeProperty("stack outputs", result, new Set(), { keepOutputValues: false })) as Record<string, unknown>;
}
