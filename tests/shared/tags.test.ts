import { describe, expect, it } from "vitest";
import { mergeTags, platformTags, toCloudflareTags } from "../../components/shared/tags";

describe("tags in layers", () => {
  it("the platform's defaults name project, environment and the tool", () => {
    expect(platformTags("promptandpause", "prod")).toEqual({ project: "promptandpause", environment: "prod", "managed-by": "pulumi" });
  });

  it.each([
    ["a component overrides a default", [{ team: "web", environment: "prod" }, { environment: "prod-eu" }], { team: "web", environment: "prod-eu" }],
    ["a child overrides its component", [{ a: "1" }, { b: "2" }, { b: "3" }], { a: "1", b: "3" }],
    ["an empty value removes a tag", [{ a: "1", b: "2" }, { b: "" }], { a: "1" }],
    ["a removed tag can be set again by a later layer", [{ a: "1" }, { a: "" }, { a: "2" }], { a: "2" }],
    ["undefined layers are skipped", [undefined, { a: "1" }, undefined], { a: "1" }],
    ["nothing gives nothing", [], {}],
  ] as const)("%s", (_name, layers, expected) => {
    expect(mergeTags(...(layers as unknown as Record<string, string>[]))).toEqual(expected);
  });

  it("does not modify its inputs", () => {
    const base = { a: "1", b: "2" };
    mergeTags(base, { b: "" }, { c: "3" });
    expect(base).toEqual({ a: "1", b: "2" });
  });

  it("layers the platform defaults, a component's tags and a child's tags, later winning", () => {
    const tags = mergeTags(platformTags("promptandpause", "staging"), { "managed-by": "pulumi-ci", layer: "edge" }, { layer: "edge-waf" });
    expect(tags).toEqual({ project: "promptandpause", environment: "staging", "managed-by": "pulumi-ci", layer: "edge-waf" });
  });

  it("Cloudflare tags are sorted name:value strings", () => {
    expect(toCloudflareTags({ project: "promptandpause", environment: "prod", "managed-by": "pulumi" })).toEqual(["environment:prod", "managed-by:pulumi", "project:promptandpause"]);
  });
});
