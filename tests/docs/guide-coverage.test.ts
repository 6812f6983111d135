import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies/pack";
import { coverageProblems, guideLinesNeedingRows, type Known, parseCoverage, textCell } from "./guide-coverage";

const root = join(__dirname, "..", "..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
const GUIDE = read("docs/guide/infrastructure-guide.md");
const DOC = read("docs/guide-coverage.md");
const KNOWN: Known = {
  policies: new Set(policies.map((p) => p.name)),
  exists: (p) => existsSync(join(root, p)),
};

describe("docs/guide-coverage.md covers the guide", () => {
  it("has exactly one row per guide line that needs one, with the guide's text, and every reference exists", () => {
    expect(coverageProblems(GUIDE, DOC, KNOWN)).toEqual([]);
  });

  it("states the totals it really has", () => {
    const { rows } = parseCoverage(DOC);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    for (const [status, n] of counts) expect(DOC).toContain(`${n} ${status}`);
    expect(DOC).toContain(`(${rows.length} rows)`);
  });
});

describe("which guide lines need a row", () => {
  it.each([
    ["a heading outside code", "## NETWORK ARCHITECTURE", false],
    ["a fence", "```yaml", false],
    ["a blank line", "   ", false],
    ["a rule", "---", false],
    ["box drawing only", "└─────┘", false],
    ["JSON punctuation", "    },", false],
    ["a list item", "- **Vercel**: support@vercel.com", true],
    ["a number", "  level: 6", true],
  ])("%s: %s → %s", (_what, line, needed) => {
    expect(guideLinesNeedingRows(`intro\n${line}\n`).map((l) => l.text)).toEqual(needed ? ["intro", line.trim()] : ["intro"]);
  });

  it("a comment inside a code block needs a row; a heading-like line inside one is such a comment", () => {
    expect(guideLinesNeedingRows("```yaml\n# Daily\ndaily_tasks:\n```\n# Title\n")).toEqual([
      { line: 2, text: "# Daily" },
      { line: 3, text: "daily_tasks:" },
    ]);
  });
});

describe("the check fails on a broken table", () => {
  // A two-line guide and a table that covers it, then one defect at a time.
  const guide = "# Title\n```yaml\nport: 443\nlevel: 'a' | 'b'\n```\n";
  const known: Known = {
    policies: new Set(["rate-limits"]),
    exists: (p) => ["components/edge/edge.ts", "tests/edge/edge.test.ts", "docs/edge.md"].includes(p),
  };
  const row = (line: number, text: string, status: string, impl: string, proof: string) =>
    `| L${line} | ${textCell(text)} | ${status} | ${impl} | ${proof} |`;
  const g0 = row(3, "port: 443", "built", "`components/edge/edge.ts`, `policy:rate-limits`", "`tests/edge/edge.test.ts`");
  const g1 = row(4, "level: 'a' | 'b'", "label", "See L3.", "—");
  const good = [g0, g1];
  const table = (rows: string[]) => ["| line | guide text | status | implemented by | proved by |", "|---|---|---|---|---|", ...rows].join("\n");

  it("a complete table passes (the cases below differ from it in one place)", () => {
    expect(coverageProblems(guide, table(good), known)).toEqual([]);
  });

  it.each([
    ["a guide line without a row", [g0], "guide line 4 has no row: level: 'a' | 'b'"],
    ["a row whose text differs from the guide", [g0.replace("443", "444"), g1], 'text differs from the guide\'s line 3: row "port: 444", guide "port: 443"'],
    ["a row for the heading", [row(1, "# Title", "label", "See L3.", "—"), ...good], "guide line 1 needs no row"],
    ["a second row for a line", [g0, g0, g1], "guide line 3 has 2 rows"],
    ["rows out of order", [g1, g0], "rows must be in guide order (after L4)"],
    ["a file that does not exist", [g0.replace("components/edge/edge.ts", "components/edge/gone.ts"), g1], "components/edge/gone.ts does not exist"],
    ["a policy not in the pack", [g0.replace("policy:rate-limits", "policy:rate-limit"), g1], "no policy named rate-limit in policies/pack.ts"],
    ["a test that does not exist", [g0.replace("tests/edge/edge.test.ts", "tests/edge/gone.test.ts"), g1], "tests/edge/gone.test.ts does not exist"],
    ["a proof that is not a test file", [g0.replace("`tests/edge/edge.test.ts`", "`docs/edge.md`"), g1], '"proved by" names only test files (tests/**/*.test.ts), got docs/edge.md'],
    ["a built row with no test", [g0.replace("`tests/edge/edge.test.ts`", "—"), g1], "a built row names the test that proves it"],
    ["an unknown status", [g0.replace("| built |", "| done |"), g1], 'status "done" is not one of'],
    ["a label naming no row", [g0, g1.replace("See L3.", "See above.")], "a label row names the rows that carry it"],
    ["a reference to a line without a row", [g0, g1.replace("See L3.", "See L2.")], "refers to L2, which has no row"],
    ["a documented row naming no document", [g0, row(4, "level: 'a' | 'b'", "documented", "Written down somewhere.", "—")], "a documented row names the document it is in"],
    ["a not-applicable row without what stands in its place", [g0, row(4, "level: 'a' | 'b'", "not-applicable", "Cannot be done.", "—")], "says why and what stands in its place"],
  ])("%s", (_what, rows, message) => {
    const problems = coverageProblems(guide, table(rows), known);
    expect(problems.join("\n")).toContain(message);
  });
});
