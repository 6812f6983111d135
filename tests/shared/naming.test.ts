import { describe, expect, it } from "vitest";
import { NAMING_RULES, type NamedService, physicalName } from "../../components/shared/naming";

/**
 * Physical names must be accepted by every service on the first try, stay stable between runs
 * (a changed name replaces the resource) and never collide.
 */
const SERVICES = Object.keys(NAMING_RULES) as NamedService[];
const LONG = "Prompt And Pause reflections weekly digest".repeat(8);

describe.each(SERVICES)("physicalName(%s)", (service) => {
  const rule = NAMING_RULES[service];

  it("joins parts with dashes and keeps short names readable", () => {
    const name = physicalName(service, ["promptandpause", "prod", "web"]);
    expect(name).toBe("promptandpause-prod-web");
  });

  it(`caps the length at the service limit (${rule.maxLength}) with an 8-hex hash suffix`, () => {
    const name = physicalName(service, ["promptandpause", "prod", LONG]);
    expect(name.length).toBeLessThanOrEqual(rule.maxLength);
    expect(name).toMatch(/-[0-9a-f]{8}$/);
  });

  it("uses only characters the service accepts", () => {
    const name = physicalName(service, ["Prompt&Pause", "prod/eu", "web_app!", "ü€", LONG]);
    for (const ch of name) expect(rule.allowed.test(ch), `${JSON.stringify(ch)} in ${name}`).toBe(true);
    expect(name).not.toMatch(/^[-._ ]|[-._ ]$/);
    expect(name).not.toMatch(/--/);
  });

  it(rule.lowercase ? "lower-cases the name" : "keeps the case", () => {
    const name = physicalName(service, ["PromptAndPause", "Prod"]);
    expect(name).toBe(rule.lowercase ? "promptandpause-prod" : "PromptAndPause-Prod");
  });

  it("is stable: the same parts give the same name", () => {
    expect(physicalName(service, ["promptandpause", "prod", LONG])).toBe(physicalName(service, ["promptandpause", "prod", LONG]));
  });

  it("gives different names to long names that differ only at the end", () => {
    const names = new Set(["a", "b", "c", "aa", "ab"].map((end) => physicalName(service, ["promptandpause", "prod", `${LONG}${end}`])));
    expect(names.size).toBe(5);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(rule.maxLength);
  });

  it("refuses parts with no usable character", () => {
    expect(() => physicalName(service, ["///", "!!!"])).toThrow(`physicalName(${service}): no usable characters`);
  });
});

describe("physicalName details", () => {
  it("never produces Vercel's forbidden '---'", () => {
    expect(physicalName("vercel-project", ["a---b", "--", "c"])).toBe("a-b-c");
  });

  it("drops empty parts instead of doubling dashes", () => {
    expect(physicalName("vercel-project", ["promptandpause", "", "prod"])).toBe("promptandpause-prod");
  });

  it("the hash suffix is a fixed function of the name (changing it would rename, i.e. replace, every long-named resource)", () => {
    // Pinned value: if this changes, every shortened name in every stack changes.
    const name = physicalName("vercel-project", ["promptandpause", "prod", "x".repeat(120)]);
    expect(name).toHaveLength(100);
    expect(name).toBe(PINNED_VERCEL_LONG_NAME);
  });

  it("a name exactly at the limit is kept whole; one character over is shortened", () => {
    const atLimit = "a".repeat(100);
    expect(physicalName("vercel-project", [atLimit])).toBe(atLimit);
    const over = physicalName("vercel-project", ["a".repeat(101)]);
    expect(over).toHaveLength(100);
    expect(over).toMatch(/^a{91}-[0-9a-f]{8}$/);
  });

  it("Supabase project names keep spaces (the API allows them)", () => {
    expect(physicalName("supabase-project", ["Prompt and Pause", "prod"])).toBe("Prompt and Pause-prod");
  });
});

/** FNV-1a 32-bit of "promptandpause-prod-" + 120 × "x" is 0x79255707 (computed independently). */
const PINNED_VERCEL_LONG_NAME = `promptandpause-prod-${"x".repeat(71)}-79255707`;
