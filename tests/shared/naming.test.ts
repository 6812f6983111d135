import { describe, expect, it } from "vitest";
import { describeNamingRule, isPhysicalName, NAMING_RULES, type NamedService, physicalName } from "../../components/shared/naming";

/**
 * Physical names must be accepted by every service on the first try, stay stable between runs
 * (a changed name replaces the resource) and never collide.
 */
const SERVICES = Object.keys(NAMING_RULES) as NamedService[];
// Longer than every service limit (the longest, CloudWatch log groups, is 512).
const LONG = "Prompt And Pause reflections weekly digest".repeat(16);

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
    expect(name).toHaveLength(52);
    expect(name).toBe(PINNED_VERCEL_LONG_NAME);
  });

  it("a name exactly at the limit is kept whole; one character over is shortened", () => {
    const atLimit = "a".repeat(52);
    expect(physicalName("vercel-project", [atLimit])).toBe(atLimit);
    const over = physicalName("vercel-project", ["a".repeat(53)]);
    expect(over).toHaveLength(52);
    expect(over).toMatch(/^a{43}-[0-9a-f]{8}$/);
  });

  it("Vercel project names keep to what both the provider (1-52, [a-z0-9-]) and Vercel accept: '.' and '_' become '-'", () => {
    expect(NAMING_RULES["vercel-project"].maxLength).toBe(52);
    expect(physicalName("vercel-project", ["prompt.and_pause", "prod"])).toBe("prompt-and-pause-prod");
    for (const name of [physicalName("vercel-project", ["promptandpause", "prod", LONG]), physicalName("vercel-project", ["Prompt&Pause", "web_app.v2"])]) {
      expect(name).toMatch(/^[a-z0-9-]{1,52}$/);
    }
  });

  it("Supabase project names keep spaces (the API allows them)", () => {
    expect(physicalName("supabase-project", ["Prompt and Pause", "prod"])).toBe("Prompt and Pause-prod");
  });
});

describe("isPhysicalName: the schemas' validator is physicalName's own rule", () => {
  it.each<[string, boolean]>([
    ["promptandpause-prod", true],
    ["a", true],
    ["a".repeat(52), true],
    ["a".repeat(53), false],
    ["", false],
    ["prompt.and.pause", false],
    ["prompt_and_pause", false],
    ["PromptAndPause", false],
    ["-promptandpause", false],
    ["promptandpause-", false],
    ["prompt--pause", false],
    ["prompt---pause", false],
    ["prompt pause", false],
  ])("vercel-project %j → %s", (name, valid) => {
    expect(isPhysicalName("vercel-project", name)).toBe(valid);
  });

  it.each(SERVICES)("every name physicalName(%s) generates is valid by isPhysicalName", (service) => {
    for (const parts of [["promptandpause", "prod"], ["Prompt&Pause", "prod/eu", "web_app!", LONG]]) {
      expect(isPhysicalName(service, physicalName(service, parts))).toBe(true);
    }
  });

  it("describes the rule for error messages", () => {
    expect(describeNamingRule("vercel-project")).toBe("1-52 characters from [a-z0-9-] (lower case), not starting or ending with a separator, without repeated '-'");
  });
});

/** FNV-1a 32-bit of "promptandpause-prod-" + 120 × "x" is 0x79255707 (computed independently). */
const PINNED_VERCEL_LONG_NAME = `promptandpause-prod-${"x".repeat(23)}-79255707`;
