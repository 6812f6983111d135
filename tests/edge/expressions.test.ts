import { describe, expect, it } from "vitest";
import { anyPathExpression, greaterThanRegex, pathExpression, pathMatches, pathPatternProblem, patternsOverlap, quote } from "../../components/edge/expressions";
import { txtContent } from "../../components/edge/dns-records";

describe("greaterThanRegex", () => {
  it.each([0, 7, 9, 10, 99, 100, 1234, 52_428_800, 999])("matches exactly the integers above %i", (n) => {
    const re = new RegExp(greaterThanRegex(n));
    for (let x = 0; x <= Math.max(2000, 0); x++) expect(re.test(String(x))).toBe(x > n);
    for (const x of [n - 1, n, n + 1, n * 10, n + 1000]) if (x >= 0) expect(re.test(String(x))).toBe(x > n);
  });
  it("the 50 MB limit: 52428800 passes, 52428801 and 100000000 are refused", () => {
    const re = new RegExp(greaterThanRegex(50 * 1024 * 1024));
    expect(re.test("52428800")).toBe(false);
    expect(re.test("52428801")).toBe(true);
    expect(re.test("100000000")).toBe(true);
    expect(re.test("9999999")).toBe(false);
  });
});

describe("path patterns", () => {
  it.each([
    ["/api/prompts/today", 'http.request.uri.path eq "/api/prompts/today"'],
    ["/static/*", 'starts_with(http.request.uri.path, "/static/")'],
    ["/*.js", 'ends_with(http.request.uri.path, ".js")'],
  ])("%s → %s", (pattern, expression) => {
    expect(pathExpression(pattern)).toBe(expression);
  });
  it.each([
    ["api/x", false, /must start with "\/"/],
    ["/api/*/x", false, /may only end with "\/\*"/],
    ["*.js", false, /only allowed for cache rules/],
    ['/a"b', false, /quotes/],
  ])("%s is refused", (pattern, allowSuffix, message) => {
    expect(pathPatternProblem(pattern, allowSuffix)).toMatch(message);
  });
  it("matching and overlap follow the expression semantics", () => {
    expect(pathMatches("/api/user/*", "/api/user/profile")).toBe(true);
    expect(pathMatches("/*.js", "/_next/static/a.js")).toBe(true);
    expect(patternsOverlap("/api/*", "/api/user/*")).toBe(true);
    expect(patternsOverlap("/static/*", "/api/user/*")).toBe(false);
    expect(patternsOverlap("/api/prompts/today", "/api/user/*")).toBe(false);
    expect(anyPathExpression(["/a", "/b/*"])).toBe('(http.request.uri.path eq "/a" or starts_with(http.request.uri.path, "/b/"))');
  });
  it("quotes escape backslashes and quotes", () => {
    expect(quote('..\\"')).toBe('"..\\\\\\""');
  });
  it("TXT content is quoted and split at 255 characters", () => {
    expect(txtContent("v=spf1 -all")).toBe('"v=spf1 -all"');
    const long = "x".repeat(300);
    expect(txtContent(long)).toBe(`"${"x".repeat(255)}" "${"x".repeat(45)}"`);
  });
});
