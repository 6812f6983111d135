import { beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../policies/pack";
import type { PlannedResource, PolicyReport } from "../../scripts/lib/plan-types";
import { recordSdkFloor, runSdkFloor, type SdkFloorSpec, standInPolicies } from "../../scripts/lib/sdk-floor";
import { planStack } from "../helpers/pulumi";

/**
 * The benchmark's SDK floor claims to make the SDKs do, for the stack's own resources, the work
 * a plan makes them do, with no code of ours: it is only a floor if it registers exactly what the
 * plan registers, and only code-free if its policies check nothing.
 */

/** What the engine (and the pack) sees of a resource, provider id left out (the mocks derive it). */
function seen(r: PlannedResource) {
  return { urn: r.urn, type: r.type, custom: r.custom, parent: r.parent, protect: r.protect, provider: r.provider?.slice(0, r.provider.lastIndexOf("::")) ?? null, inputs: r.maskedInputs };
}

describe("the SDK floor of the staging plan", () => {
  let plan: PlannedResource[];
  let spec: SdkFloorSpec;
  let floor: { resources: PlannedResource[]; policies: PolicyReport };

  beforeAll(async () => {
    const outcome = await planStack("staging");
    if (outcome.kind !== "planned") throw new Error(`staging did not plan: ${outcome.problems.join("; ")}`);
    plan = outcome.resources;
    spec = await recordSdkFloor({ stack: "staging" });
    floor = await runSdkFloor(spec);
  });

  it("registers every resource of the plan with the same type, parent, provider, protection and inputs", () => {
    const byUrn = (rs: PlannedResource[]) => new Map(rs.map((r) => [r.urn, seen(r)]));
    const expected = byUrn(plan);
    const replayed = byUrn(floor.resources);
    expect([...replayed.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [urn, r] of replayed) expect(r, urn).toEqual(expected.get(urn));
  });

  it("passes every property name a resource's class declares, not just the inputs it was given", () => {
    const vpc = spec.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
    expect(vpc, "staging has a VPC").toBeDefined();
    const names = spec.properties["aws:ec2/vpc:Vpc"] ?? [];
    // Outputs the VPC class declares and the program never sets (the provider computes them).
    expect(names).toEqual(expect.arrayContaining(["arn", "mainRouteTableId", "defaultSecurityGroupId", "cidrBlock"]));
    expect(Object.keys(vpc?.inputs ?? {})).not.toContain("arn");
  });

  it("writes no secret: the spec (a file the benchmark writes) holds each secret as the plan's mask", () => {
    const secrets: string[] = [];
    // The plain value wherever the masked inputs say "[secret]".
    const collect = (plain: unknown, masked: unknown): void => {
      if (masked === "[secret]") {
        for (const leaf of [JSON.stringify(plain) ?? ""].concat(typeof plain === "string" ? [plain] : [])) if (leaf.length >= 8) secrets.push(leaf);
      } else if (masked !== null && typeof masked === "object" && plain !== null && typeof plain === "object") {
        for (const key of Object.keys(masked)) collect((plain as Record<string, unknown>)[key], (masked as Record<string, unknown>)[key]);
      }
    };
    for (const r of plan) collect(r.inputs, r.maskedInputs);
    const text = JSON.stringify(spec);
    // A value can be secret in one input and plain in another (the site URL in a secret env list):
    // only values the plan never shows are held to it.
    const shown = JSON.stringify(plan.map((r) => r.maskedInputs));
    const hidden = secrets.filter((secret) => !shown.includes(secret));
    expect(hidden.length, "staging has secret values the plan never shows").toBeGreaterThan(0);
    for (const secret of hidden) expect(text.includes(secret), "a secret value in the SDK floor's spec").toBe(false);
  });

  it("runs the pack's policies by name, kind and type filter, and they find nothing", () => {
    const standIns = standInPolicies() as typeof policies;
    expect(standIns.map((p) => p.name)).toEqual(policies.map((p) => p.name));
    for (const [i, p] of policies.entries()) {
      const s = standIns[i] as (typeof policies)[number];
      expect(s.enforcementLevel, p.name).toBe(p.enforcementLevel);
      const typesOf = (v: unknown) => [v].flat().map((f) => (f as { __pulumiType?: string } | undefined)?.__pulumiType ?? null);
      expect(typesOf("validateResource" in s ? s.validateResource : undefined), p.name).toEqual(typesOf("validateResource" in p ? p.validateResource : undefined));
      expect(typesOf("validateStack" in s ? s.validateStack : undefined), p.name).toEqual(typesOf("validateStack" in p ? p.validateStack : undefined));
    }
    expect(floor.policies.violations).toEqual([]);
    expect(floor.policies.evaluated).toBeGreaterThan(0);
  });
});
