import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { PlatformMocks } from "../../scripts/lib/mocks";
import type { RecordedRun } from "../../scripts/lib/record-program";
import * as path from "node:path";
import program from "../../index";
import { PROJECT } from "../../scripts/lib/run-plan";
import { readStackFile } from "../../scripts/lib/stack-file";
import { type PlannedResource, REPO_ROOT, recordProgram } from "../helpers/pulumi";
import { runEntry } from "../helpers/run-entry";

/**
 * The recorder behind the offline plan and the tests: what it records is what the engine would
 * receive. One program, recorded once, covers parent, dependencies, protect, secrets, warnings.
 */

/** A provider-backed resource of any type (the mocks accept every type). */
class Thing extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

class Box extends pulumi.ComponentResource {
  readonly thing: pulumi.CustomResource;
  readonly consumer: pulumi.CustomResource;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:test:Box", name, {}, opts);
    this.thing = new Thing(
      "test:index/thing:Thing",
      `${name}-thing`,
      { size: 3, token: pulumi.secret("tok-very-secret-123"), nested: { list: ["a", pulumi.secret("nested-secret-456")] } },
      { parent: this, protect: true, retainOnDelete: true },
    );
    const other = new Thing("test:index/thing:Thing", `${name}-other`, { size: 1 }, { parent: this });
    this.consumer = new Thing(
      "test:index/consumer:Consumer",
      `${name}-consumer`,
      { thingId: this.thing.id },
      { parent: this, dependsOn: [other] },
    );
    this.registerOutputs({});
  }
}

let run: RecordedRun<Record<string, unknown>>;
const byName = (name: string): PlannedResource => {
  const found = run.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}: ${run.resources.map((r) => r.name).join(", ")}`);
  return found;
};

beforeAll(async () => {
  run = await recordProgram(
    async () => {
      const box = new Box("box");
      pulumi.log.warn("the zone is on the free plan");
      const cfg = new pulumi.Config("promptandpause");
      return { plain: "visible", secretOut: pulumi.secret("output-secret-789"), thingId: box.thing.id, env: cfg.require("environment"), apiKey: cfg.requireSecret("apiKey") };
    },
    { config: { "promptandpause:environment": "test", "promptandpause:apiKey": "config-secret-000" }, secretKeys: ["promptandpause:apiKey"] },
  );
});

describe("recordProgram", () => {
  it("records every registration, inside the root stack", () => {
    const stack = run.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    expect(stack?.parent).toBeNull();
    expect(run.resources.map((r) => r.type).sort()).toEqual(["promptandpause:test:Box", "pulumi:pulumi:Stack", "test:index/consumer:Consumer", "test:index/thing:Thing", "test:index/thing:Thing"]);
    expect(byName("box").parent).toBe(stack?.urn);
  });

  it("records parents", () => {
    const box = byName("box");
    for (const child of ["box-thing", "box-other", "box-consumer"]) expect(byName(child).parent).toBe(box.urn);
    expect(byName("box").custom).toBe(false);
    expect(byName("box-thing").custom).toBe(true);
  });

  it("records protect and retainOnDelete", () => {
    expect(byName("box-thing")).toMatchObject({ protect: true, retainOnDelete: true });
    expect(byName("box-other")).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("records explicit dependsOn and the resources whose outputs feed the inputs", () => {
    const consumer = byName("box-consumer");
    expect(consumer.dependencies).toEqual(expect.arrayContaining([byName("box-thing").urn, byName("box-other").urn]));
    expect(consumer.propertyDependencies.thingId).toEqual([byName("box-thing").urn]);
    expect(byName("box-other").dependencies).toEqual([]);
  });

  it("resolves wired values like `pulumi up` against the mocks (not a preview)", () => {
    expect(byName("box-consumer").inputs.thingId).toBe("box-thing-id");
  });

  it("masks secrets in maskedInputs and lists their paths", () => {
    const thing = byName("box-thing");
    expect(thing.maskedInputs).toEqual({ size: 3, token: "[secret]", nested: { list: ["a", "[secret]"] } });
    expect(thing.secretPaths.sort()).toEqual(["nested.list[1]", "token"]);
    expect(JSON.stringify(thing.maskedInputs)).not.toMatch(/very-secret|nested-secret/);
    // Unwrapped inputs exist for the policy pack only.
    expect(thing.inputs.token).toBe("tok-very-secret-123");
  });

  it("masks secret stack outputs, including secrets read from config", () => {
    expect(run.outputs).toEqual({ plain: "visible", secretOut: "[secret]", thingId: "box-thing-id", env: "test", apiKey: "[secret]" });
  });

  it("captures pulumi.log.warn as plan warnings", () => {
    expect(run.warnings).toContain("the zone is on the free plan");
  });
});

describe("PlatformMocks", () => {
  it("an unmocked invoke throws, naming the token", () => {
    expect(() => new PlatformMocks({}).call({ token: "cloudflare:index/getZone:getZone", inputs: {} } as never)).toThrow(
      "Unmocked invoke cloudflare:index/getZone:getZone: the offline plan cannot reach cloud APIs",
    );
  });

  it("gives custom resources an id and keeps their inputs as state; components get no id", () => {
    const mocks = new PlatformMocks({});
    expect(mocks.newResource({ type: "test:index/x:X", name: "x", inputs: { a: 1 }, id: "", custom: true } as never)).toEqual({ id: "x-id", state: { a: 1 } });
    expect(mocks.newResource({ type: "promptandpause:test:C", name: "c", inputs: {}, id: "", custom: false } as never).id).toBeUndefined();
  });

  it("uses the provider's table for the resource's type token to fill computed outputs", () => {
    const type = "pulumi-nodejs:dynamic/supabase:Project";
    const mocks = new PlatformMocks({ [type]: (_inputs, name) => ({ id: `ref-${name}`, apiUrl: "https://ref.supabase.co" }) });
    expect(mocks.newResource({ type, name: "db", inputs: { name: "promptandpause" }, id: "", custom: true } as never)).toMatchObject({
      id: "ref-db",
      state: { name: "promptandpause", apiUrl: "https://ref.supabase.co" },
    });
  });
});

describe("the SDK's promise-leak tracking under skipEngineExtras", () => {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
  const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };

  it("still tracks every wrapped promise until it settles, and tags a rejection with its promise, as the SDK does", async () => {
    const seen = await recordProgram(
      async () => {
        const never = new Promise<never>(() => {});
        const resolved = Promise.resolve(1);
        const failure = new Error("boom");
        const rejected = Promise.reject(failure);
        const wrappedNever = debuggable.debuggablePromise(never, "never");
        const wrappedResolved = debuggable.debuggablePromise(resolved, "resolved");
        const caught = await debuggable.debuggablePromise(rejected, "rejected").catch((err: { promise?: unknown }) => err);
        await wrappedResolved;
        const candidates = runtimeState.getStore().leakCandidates;
        void wrappedNever;
        const pendingTracked = candidates.has(never);
        candidates.delete(never); // not a leak of the worker process that runs this file
        return { pendingTracked, resolvedTracked: candidates.has(resolved), rejectedTracked: candidates.has(rejected), rejectionPromise: (caught as { promise?: unknown }).promise === rejected };
      },
      { skipEngineExtras: true },
    );
    expect(seen.result).toEqual({ pendingTracked: true, resolvedTracked: false, rejectedTracked: false, rejectionPromise: true });
  });

  it("keeps the SDK's check at process exit: a program that leaves a wrapped promise pending fails with the SDK's message", async () => {
    // In a process of its own: in this worker the SDK scheduled its exit check long ago. (That a
    // plan with nothing pending exits 0 is what every CLI run of tests/plan/plan-cli-stacks shows.)
    const leaky = await runEntry(path.join("tests", "plan", "leak-check.ts"), ["leave-pending"]);
    expect(leaky.code, leaky.stderr).toBe(1);
    expect(leaky.stderr).toContain("The Pulumi runtime detected that 1 promise was still active");
  });

  it("lists the staging stack's resources in the order the SDK's own function gives (PULUMI_DEBUG_PROMISE_LEAKS runs it), and that run keeps its tags", async () => {
    const flags = debuggable as unknown as { debugPromiseLeaks: boolean };
    const settings = readStackFile(path.join(REPO_ROOT, "Pulumi.staging.yaml"), PROJECT);
    const tagged: boolean[] = [];
    const run = (): Promise<string[]> =>
      recordProgram(
        () => {
          // The SDK tags the promise it wraps (not the one it returns).
          const probe = Promise.resolve(1);
          void debuggable.debuggablePromise(probe, "probe");
          tagged.push(typeof (probe as { _debugStackTrace?: unknown })._debugStackTrace === "string");
          return program();
        },
        { stack: "staging", config: settings.config, secretKeys: settings.secretKeys, skipEngineExtras: true },
      ).then((r) => r.resources.map((res) => res.urn));
    const lean = await run();
    flags.debugPromiseLeaks = true;
    // The SDK's function formats a stack trace for each of the ~20,000 promises, which is most of
    // this run's time and has no part in the order: V8 walks no frames at a limit of 0.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let withSdk: string[];
    try {
      withSdk = await run();
    } finally {
      flags.debugPromiseLeaks = false;
      Error.stackTraceLimit = limit;
    }
    expect(lean.length).toBeGreaterThan(300);
    expect(lean).toEqual(withSdk);
    // The fast path ran without the tags; under the debug flag the SDK's function put them on.
    expect(tagged).toEqual([false, true]);
  });

  it("puts the SDK's own function back after the run", async () => {
    const before = debuggable.debuggablePromise;
    await recordProgram(() => ({}), { skipEngineExtras: true });
    expect(debuggable.debuggablePromise).toBe(before);
  });
});
