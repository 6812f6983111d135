import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { wireProperties } from "../../scripts/lib/policy-evaluator";
import { planStack } from "../helpers/pulumi";

/**
 * The evaluator hands the analyzer handlers each resource's wire value instead of a Struct that is
 * encoded and decoded again for every policy (scripts/lib/policy-evaluator.ts, `struct`). That is
 * only the same thing if the Struct round trip is the identity on every value a plan holds: this
 * checks it, with google-protobuf's own Struct as @pulumi/policy loads it, for every resource of
 * both committed stacks.
 */

const policyDir = path.dirname(require.resolve("@pulumi/policy/server"));
// biome-ignore lint/suspicious/noExplicitAny: generated protobuf classes
const structpb: any = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [policyDir] }));

describe.each(["staging", "prod"] as const)("the %s plan's properties on the analyzer wire", (stack) => {
  it("come back from a protobuf Struct exactly as the evaluator passes them, for every resource", async () => {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(outcome.problems.join("\n"));
    const changed = outcome.resources
      .map((r) => ({ urn: r.urn, wire: wireProperties(r.inputs) }))
      .filter(({ wire }) => !isDeepStrictEqual(structpb.Struct.fromJavaScript(wire).toJavaScript(), wire))
      .map(({ urn }) => urn);
    expect(outcome.resources.length).toBeGreaterThan(100);
    expect(changed).toEqual([]);
  });
});

describe("the Struct round trip", () => {
  it("is not the identity for a value a plan never holds (a Date), so the check above can fail", () => {
    const wire = { when: new Date(0) };
    expect(isDeepStrictEqual(structpb.Struct.fromJavaScript(wire).toJavaScript(), wire)).toBe(false);
  });

  it("takes an unknown only as the engine's sentinel, which wireProperties puts in its place", () => {
    expect(() => structpb.Struct.fromJavaScript({ later: undefined })).toThrow(/Unexpected struct type/);
    expect(structpb.Struct.fromJavaScript(wireProperties({ later: undefined })).toJavaScript()).toEqual(wireProperties({ later: undefined }));
  });
});

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return require("node:util").isDeepStrictEqual(a, b);
}
