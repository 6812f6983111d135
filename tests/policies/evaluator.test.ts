/**
 * The offline evaluator's @pulumi/policy semantics, on a probe pack (vi.mock replaces the pack
 * definitions module): enforcement levels (raised, never lowered), "all", config defaults/override/validation,
 * type matching, and what stack policies see.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { evaluatePolicyPack, PolicyConfigError } from "../../scripts/lib/policy-evaluator";
import { planned, urnOf } from "./fixtures";

const seen = vi.hoisted(() => ({
  configs: [] as unknown[],
  resourceCalls: [] as string[],
  stack: [] as { urn: string; parent?: string; deps: string[]; propDeps: Record<string, string[]>; protect: boolean }[],
}));

vi.mock("../../policies/pack", async () => {
  const policy = await import("@pulumi/policy");
  const Bucket = { __pulumiType: "test:index/bucket:Bucket" } as never;
  const policies = [
    {
      name: "bucket-named",
      description: "Buckets are named.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { minLength: { type: "integer", minimum: 1, default: 3 } } },
      validateResource: policy.validateResourceOfType(Bucket, (props: { bucketName?: string }, args, report) => {
        seen.resourceCalls.push(args.urn);
        const cfg = args.getConfig<{ minLength: number }>();
        seen.configs.push(cfg);
        if ((props.bucketName ?? "").length < cfg.minLength) report(`bucketName shorter than ${cfg.minLength}`);
      }),
    },
    {
      name: "advisory-by-default",
      description: "Uses the pack level.",
      validateResource: (args: { type: string }, report: (m: string) => void) => {
        if (args.type === "test:index/bucket:Bucket") report("noted");
      },
    },
    {
      name: "stack-shape",
      description: "Records the stack.",
      enforcementLevel: "advisory",
      validateStack: (args: { resources: { urn: string; parent?: { urn: string }; dependencies: { urn: string }[]; propertyDependencies: Record<string, { urn: string }[]>; opts: { protect: boolean } }[] }, report: (m: string, urn?: string) => void) => {
        seen.stack = args.resources.map((r) => ({
          urn: r.urn,
          parent: r.parent?.urn,
          deps: r.dependencies.map((d) => d.urn),
          propDeps: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)])),
          protect: r.opts.protect,
        }));
        report("stack seen", args.resources[0]?.urn);
      },
    },
  ];
  return { packName: "probe-pack", packVersion: "1.2.3", packEnforcementLevel: "advisory", policies, packArgs: { policies, enforcementLevel: "advisory" } };
});

const COMPONENT = planned("test:index:Component", "comp", {}, { custom: false });
const BUCKET = planned("test:index/bucket:Bucket", "b", { bucketName: "ab" }, { parent: COMPONENT.urn, protect: true });
const OTHER = planned("test:index/queue:Queue", "q", { queueName: "x" }, { dependencies: [BUCKET.urn], propertyDependencies: { queueName: [BUCKET.urn] } });
const resources = [COMPONENT, BUCKET, OTHER];
const run = (config?: Record<string, unknown> | string) => evaluatePolicyPack(resources, { project: "p", stack: "no-such-stack", ...(config === undefined ? {} : { config }) });

beforeEach(() => {
  seen.configs = [];
  seen.resourceCalls = [];
  seen.stack = [];
});

describe("enforcement levels", () => {
  it("uses each policy's level, else the pack's, and formats messages like the server", async () => {
    const report = await run();
    expect(report.pack).toBe("probe-pack");
    expect(report.violations).toEqual([
      { policy: "bucket-named", level: "mandatory", urn: BUCKET.urn, message: "Buckets are named.\nbucketName shorter than 3" },
      { policy: "advisory-by-default", level: "advisory", urn: BUCKET.urn, message: "Uses the pack level.\nnoted" },
      { policy: "stack-shape", level: "advisory", urn: COMPONENT.urn, message: "Records the stack.\nstack seen" },
    ]);
  });

  it("a config level raises the policy's; remediate holds a policy like mandatory", async () => {
    const report = await run({ "advisory-by-default": "mandatory", "stack-shape": { enforcementLevel: "remediate" }, "bucket-named": "remediate" });
    expect(report.violations.map((v) => [v.policy, v.level])).toEqual([
      ["bucket-named", "mandatory"],
      ["advisory-by-default", "mandatory"],
      ["stack-shape", "mandatory"],
    ]);
  });

  it("refuses a level below the pack's, in either spelling, naming the key, the value and the fix", async () => {
    const err = await run({ "bucket-named": "advisory", "advisory-by-default": "disabled", "stack-shape": { enforcementLevel: "disabled" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyConfigError);
    const fix = "a stack's policy config may raise a policy's level, never lower it. Remove the setting; a policy's level changes only in the pack (policies/rules/), reviewed with it.";
    expect((err as PolicyConfigError).problems).toEqual([
      `bucket-named: "advisory" lowers bucket-named, which the pack makes mandatory; ${fix}`,
      `advisory-by-default: "disabled" lowers advisory-by-default, which the pack makes advisory; ${fix}`,
      `stack-shape.enforcementLevel: "disabled" lowers stack-shape, which the pack makes advisory; ${fix}`,
    ]);
    expect(seen.resourceCalls, "no policy ran").toEqual([]);
    // The pack's own level is no lowering.
    await expect(run({ "bucket-named": "mandatory", "stack-shape": "advisory" })).resolves.toMatchObject({ pack: "probe-pack" });
  });

  it("'all' sets every level, a per-policy entry still wins, and 'all' lowers nothing either", async () => {
    const report = await run({ all: "mandatory", "stack-shape": "remediate" });
    expect(report.violations.map((v) => [v.policy, v.level])).toEqual([
      ["bucket-named", "mandatory"],
      ["advisory-by-default", "mandatory"],
      ["stack-shape", "mandatory"],
    ]);
    const err = await run({ all: "disabled", "bucket-named": "mandatory", "advisory-by-default": "advisory" }).catch((e: unknown) => e);
    expect((err as PolicyConfigError).problems).toEqual([
      `all: "disabled" lowers stack-shape, which the pack makes advisory; a stack's policy config may raise a policy's level, never lower it. Remove the setting (or give stack-shape its own level of advisory or stricter); a policy's level changes only in the pack (policies/rules/), reviewed with it.`,
    ]);
  });
});

describe("only: a subset of the pack", () => {
  const only = (names: string[], config?: Record<string, unknown>) => evaluatePolicyPack(resources, { project: "p", stack: "no-such-stack", only: names, ...(config === undefined ? {} : { config }) });

  it("runs the named policies at their configured levels and no other", async () => {
    const all = await run({ "advisory-by-default": "mandatory" });
    seen.stack = [];
    seen.resourceCalls = [];
    const report = await only(["advisory-by-default"], { "advisory-by-default": "mandatory" });
    expect(report.violations).toEqual(all.violations.filter((v) => v.policy === "advisory-by-default"));
    expect(report.violations.map((v) => v.level)).toEqual(["mandatory"]);
    expect(seen.stack).toEqual([]);
    expect(seen.resourceCalls, "bucket-named did not run").toEqual([]);
    // Three evaluations: the policy has no type, so it runs on each of the three resources.
    expect(report.evaluated).toBe(3);
  });

  it("refuses a policy name the pack does not have, and still checks the whole config", async () => {
    const unknown = await only(["bucket-name"]).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PolicyConfigError);
    expect((unknown as PolicyConfigError).problems).toEqual(['bucket-name: no such policy in pack "probe-pack"']);
    const badConfig = await only(["stack-shape"], { "bucket-named": { minLength: 0 } }).catch((e: unknown) => e);
    expect((badConfig as PolicyConfigError).problems).toEqual(["bucket-named: minLength must be >= 1"]);
  });
});

describe("config", () => {
  it("passes the schema defaults when nothing is configured", async () => {
    await run();
    expect(seen.configs).toEqual([{ minLength: 3 }]);
  });

  it("overrides a property from an object or a file", async () => {
    const report = await run({ "bucket-named": { minLength: 2 } });
    expect(seen.configs).toEqual([{ minLength: 2 }]);
    expect(report.violations.filter((v) => v.policy === "bucket-named")).toEqual([]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-")), "c.json");
    fs.writeFileSync(file, JSON.stringify({ "bucket-named": { minLength: 5 } }));
    await run(file);
    expect(seen.configs.at(-1)).toEqual({ minLength: 5 });
  });

  it("rejects config that fails the schema, listing every problem", async () => {
    const err = await run({ "bucket-named": { minLength: 0 }, "no-such-policy": "advisory", "stack-shape": "loud" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyConfigError);
    expect((err as PolicyConfigError).problems).toEqual([
      'no-such-policy: no such policy in pack "probe-pack" (policies: bucket-named, advisory-by-default, stack-shape)',
      'stack-shape: "loud" is not a valid enforcement level; use one of advisory, mandatory, remediate, disabled',
    ]);
    const schemaErr = await run({ "bucket-named": { minLength: 0 } }).catch((e: unknown) => e);
    expect((schemaErr as PolicyConfigError).problems).toEqual(["bucket-named: minLength must be >= 1"]);
  });

  it("reports an unreadable or malformed file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
    fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
    await expect(run(path.join(dir, "bad.json"))).rejects.toThrow(/not valid JSON/);
    await expect(run(path.join(dir, "missing.json"))).rejects.toThrow(/cannot read the file/);
  });
});

describe("type matching and stack shape", () => {
  it("runs a typed resource policy only on resources of its type", async () => {
    const report = await run();
    expect(seen.resourceCalls).toEqual([BUCKET.urn]);
    // bucket-named ran once (bucket); advisory-by-default ran on all 3; stack-shape once.
    expect(report.evaluated).toBe(1 + 3 + 1);
  });

  it("gives stack policies every resource with parent, dependencies and options resolved", async () => {
    await run();
    expect(seen.stack).toEqual([
      { urn: COMPONENT.urn, parent: undefined, deps: [], propDeps: {}, protect: false },
      { urn: BUCKET.urn, parent: COMPONENT.urn, deps: [], propDeps: {}, protect: true },
      { urn: OTHER.urn, parent: undefined, deps: [BUCKET.urn], propDeps: { queueName: [BUCKET.urn] }, protect: false },
    ]);
    expect(urnOf("test:index/bucket:Bucket", "b")).toBe(BUCKET.urn);
  });
});
