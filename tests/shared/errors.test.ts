import { describe, expect, it } from "vitest";
import { ConfigError, formatIssue, isConfigError, NOT_SET, renderValue, SECRET_VALUE, throwIfIssues } from "../../components/shared/errors";
import { statefulOptions } from "../../components/shared/stateful";

describe("renderValue: short, single-line, never a secret", () => {
  it.each([
    [SECRET_VALUE, "[secret]"],
    [NOT_SET, "nothing"],
    [undefined, "nothing"],
    ["eu-west-2", '"eu-west-2"'],
    ["two\nlines", '"two\\nlines"'],
    [42, "42"],
    [false, "false"],
    [null, "null"],
    [["a", 1], '["a",1]'],
    [{ a: 1 }, '{"a":1}'],
  ])("%s → %s", (value, expected) => {
    expect(renderValue(value)).toBe(expected);
  });

  it("cuts long strings and objects to 80 characters", () => {
    const long = renderValue("x".repeat(500));
    expect(long).toBe(JSON.stringify(`${"x".repeat(77)}...`));
    const obj = renderValue({ list: Array.from({ length: 100 }, (_, i) => i) });
    expect(obj.length).toBe(80);
    expect(obj.endsWith("...")).toBe(true);
  });
});

describe("formatIssue: `<key path>: <problem> (got <value>). <fix>`", () => {
  it.each([
    [{ path: "promptandpause:database.poolSize", problem: "must be between 1 and 3000", got: 0, fix: "Set promptandpause:database.poolSize." }, "promptandpause:database.poolSize: must be between 1 and 3000 (got 0). Set promptandpause:database.poolSize."],
    [{ path: "promptandpause:stripeSecretKey", problem: "is stored in plaintext", got: SECRET_VALUE }, "promptandpause:stripeSecretKey: is stored in plaintext (got [secret])."],
    [{ path: "edge.rateLimits[1].period", problem: "is required", got: NOT_SET }, "edge.rateLimits[1].period: is required (got nothing)."],
  ])("%o", (issue, expected) => {
    expect(formatIssue(issue)).toBe(expected);
  });
});

describe("ConfigError", () => {
  const issues = [
    { path: "a", problem: "is bad", got: 1 },
    { path: "b", problem: "is worse", got: "x", fix: "Fix b." },
  ];

  it("lists every problem, one per line, under a count", () => {
    const err = new ConfigError(issues);
    expect(err.message).toBe('Invalid Prompt & Pause configuration: 2 problems\n  - a: is bad (got 1).\n  - b: is worse (got "x"). Fix b.');
    expect(err.issues).toEqual(issues);
    expect(err.name).toBe("ConfigError");
  });

  it("says 'problem' for one and takes a context", () => {
    expect(new ConfigError([issues[0] as never], 'App "web": invalid arguments').message).toBe('App "web": invalid arguments: 1 problem\n  - a: is bad (got 1).');
  });

  it("throwIfIssues throws all issues at once, and nothing for none", () => {
    expect(() => throwIfIssues([])).not.toThrow();
    try {
      throwIfIssues(issues);
      expect.unreachable();
    } catch (err) {
      expect(isConfigError(err)).toBe(true);
      expect((err as ConfigError).issues).toHaveLength(2);
    }
  });

  it("isConfigError recognises a ConfigError from another module copy, and nothing else", () => {
    const foreign = Object.assign(new Error("x"), { name: "ConfigError", issues: [] });
    expect(isConfigError(foreign)).toBe(true);
    expect(isConfigError(new Error("x"))).toBe(false);
    expect(isConfigError(Object.assign(new Error("x"), { name: "ConfigError" }))).toBe(false);
    expect(isConfigError({ name: "ConfigError", issues: [] })).toBe(false);
  });
});

describe("statefulOptions: protection from one place", () => {
  it.each([
    [true, { protect: true, retainOnDelete: true }],
    [false, { protect: false, retainOnDelete: false }],
  ])("protect=%s → %o", (protect, expected) => {
    expect(statefulOptions(protect)).toEqual(expected);
  });
});
