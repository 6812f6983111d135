/**
 * The rules of docs/guide-coverage.md as code: which guide lines need a row, how a row is read,
 * and which spans of a row are references. Pure functions (no file access), so the test can
 * feed them both the real files and hand-made broken ones.
 */

/** One line of the guide that needs a row. */
export interface GuideLine {
  line: number;
  /** The line with leading and trailing whitespace removed. */
  text: string;
}

/**
 * The lines that need a row: every line holding a letter or a digit, except Markdown headings
 * outside code blocks (`#` at the start) and code-fence lines (```` ``` ````). So blank lines,
 * `---` rules, and lines of only box-drawing characters or JSON punctuation (`{`, `},`, `│`)
 * need none; comments inside code blocks (`# Daily`, `// Structured logging`, `-- Indexes …`) do.
 */
export function guideLinesNeedingRows(guide: string): GuideLine[] {
  const out: GuideLine[] = [];
  let inFence = false;
  guide.split("\n").forEach((raw, i) => {
    const text = raw.trim();
    if (text.startsWith("```")) {
      inFence = !inFence;
      return;
    }
    if (!inFence && text.startsWith("#")) return;
    if (!/[\p{L}\p{N}]/u.test(text)) return;
    out.push({ line: i + 1, text });
  });
  return out;
}

export const STATUSES = [
  "built",
  "adapted",
  "partial",
  "documented",
  "checklist",
  "not-applicable",
  "label",
] as const;
export type Status = (typeof STATUSES)[number];

/** One row of the coverage table. */
export interface CoverageRow {
  /** Line of docs/guide-coverage.md the row is on (for error messages). */
  docLine: number;
  line: number;
  text: string;
  status: string;
  implementedBy: string;
  provedBy: string;
}

/** Splits a Markdown table row on unescaped `|`. */
function cells(row: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === "\\" && row[i + 1] === "|") {
      cur += "\\|";
      i++;
    } else if (c === "|") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts.slice(1, -1).map((p) => p.trim());
}

/** The rows: every table line whose first cell is `L<number>`. */
export function parseCoverage(doc: string): { rows: CoverageRow[]; problems: string[] } {
  const rows: CoverageRow[] = [];
  const problems: string[] = [];
  doc.split("\n").forEach((raw, i) => {
    if (!/^\|\s*L\d+\s*\|/.test(raw)) return;
    const c = cells(raw.trim());
    const [line, textSpan, status, implementedBy, provedBy] = c;
    if (c.length !== 5 || line === undefined || textSpan === undefined || status === undefined || implementedBy === undefined || provedBy === undefined) {
      problems.push(`docs/guide-coverage.md:${i + 1}: a row has 5 cells (line | guide text | status | implemented by | proved by), this one ${c.length}`);
      return;
    }
    const text = /^`(.*)`$/.exec(textSpan)?.[1];
    if (text === undefined) {
      problems.push(`docs/guide-coverage.md:${i + 1}: the guide text must be one code span, got ${textSpan}`);
      return;
    }
    rows.push({ docLine: i + 1, line: Number(line.slice(1)), text: text.replaceAll("\\|", "|"), status, implementedBy, provedBy });
  });
  return { rows, problems };
}

/** Formats a guide line's text as the table's code span (pipes escaped). */
export function textCell(text: string): string {
  return `\`${text.replaceAll("|", "\\|")}\``;
}

/** Top-level names of the repository a path reference may start with. */
const PATH_ROOTS = [
  ".github/",
  "bootstrap/",
  "components/",
  "docs/",
  "policies/",
  "scripts/",
  "stacks/",
  "supabase/",
  "tests/",
];
const PATH_EXTENSIONS = /\.(ts|md|ya?ml|sql|json|sh|toml|cjs|mjs)$/;

export type Reference = { kind: "policy"; name: string } | { kind: "path"; path: string };

/**
 * The references in a cell: each code span that is `policy:<name>`, or that starts with one of
 * the repository's top-level folders or ends in a source/doc extension (a path). Other code spans
 * (`/api/(.*)`, `cron(0 2 ? * SUN#1 *)`) are plain text.
 */
export function references(cell: string): Reference[] {
  const out: Reference[] = [];
  for (const m of cell.matchAll(/`([^`]+)`/g)) {
    const span = m[1] ?? "";
    if (span.startsWith("policy:")) out.push({ kind: "policy", name: span.slice("policy:".length) });
    else if (PATH_ROOTS.some((r) => span.startsWith(r)) || PATH_EXTENSIONS.test(span)) out.push({ kind: "path", path: span });
  }
  return out;
}

/** `L<n>` mentions in a cell (cross-references to other rows; `L46–L50` names both ends). */
export function lineMentions(cell: string): number[] {
  return [...cell.matchAll(/\bL(\d+)\b/g)].map((m) => Number(m[1]));
}

export interface Known {
  /** Policy names of the pack (policies/pack.ts `policies`). */
  policies: ReadonlySet<string>;
  /** Does this repository path exist? */
  exists: (path: string) => boolean;
}

/** Every problem of the table against the guide; empty when the table covers the guide exactly. */
export function coverageProblems(guide: string, doc: string, known: Known): string[] {
  const needed = guideLinesNeedingRows(guide);
  const { rows, problems } = parseCoverage(doc);
  const byLine = new Map<number, CoverageRow[]>();
  for (const r of rows) byLine.set(r.line, [...(byLine.get(r.line) ?? []), r]);
  const neededLines = new Set(needed.map((n) => n.line));
  const at = (r: CoverageRow) => `docs/guide-coverage.md:${r.docLine} (L${r.line})`;

  for (const n of needed) {
    const rs = byLine.get(n.line) ?? [];
    if (rs.length === 0) problems.push(`guide line ${n.line} has no row: ${n.text}`);
    else if (rs.length > 1) problems.push(`guide line ${n.line} has ${rs.length} rows (lines ${rs.map((r) => r.docLine).join(", ")})`);
    for (const r of rs) {
      if (r.text !== n.text) problems.push(`${at(r)}: text differs from the guide's line ${n.line}: row "${r.text}", guide "${n.text}"`);
    }
  }
  let previous = 0;
  for (const r of rows) {
    if (!neededLines.has(r.line)) problems.push(`${at(r)}: guide line ${r.line} needs no row (blank, heading, fence or punctuation only) or does not exist`);
    if (r.line <= previous) problems.push(`${at(r)}: rows must be in guide order (after L${previous})`);
    previous = r.line;
    if (!(STATUSES as readonly string[]).includes(r.status)) {
      problems.push(`${at(r)}: status "${r.status}" is not one of ${STATUSES.join(", ")}`);
      continue;
    }
    const implRefs = references(r.implementedBy);
    const proofRefs = references(r.provedBy);
    for (const ref of [...implRefs, ...proofRefs]) {
      if (ref.kind === "policy" && !known.policies.has(ref.name)) problems.push(`${at(r)}: no policy named ${ref.name} in policies/pack.ts`);
      if (ref.kind === "path" && !known.exists(ref.path)) problems.push(`${at(r)}: ${ref.path} does not exist`);
    }
    for (const ref of proofRefs) {
      if (ref.kind !== "path" || !/^tests\/.+\.test\.ts$/.test(ref.path)) {
        problems.push(`${at(r)}: "proved by" names only test files (tests/**/*.test.ts), got ${ref.kind === "path" ? ref.path : `policy:${ref.name}`}`);
      }
    }
    if (r.provedBy !== "—" && proofRefs.length === 0) problems.push(`${at(r)}: "proved by" is "—" or names test files`);
    for (const l of lineMentions(r.implementedBy)) {
      if (!neededLines.has(l)) problems.push(`${at(r)}: refers to L${l}, which has no row`);
    }
    const implemented = implRefs.length > 0;
    switch (r.status as Status) {
      case "built":
      case "adapted":
      case "partial":
        if (!implemented) problems.push(`${at(r)}: a ${r.status} row names what implements it (a file or policy:<name>)`);
        if (proofRefs.length === 0) problems.push(`${at(r)}: a ${r.status} row names the test that proves it`);
        break;
      case "documented":
      case "checklist":
        if (!implRefs.some((ref) => ref.kind === "path" && ref.path.endsWith(".md"))) problems.push(`${at(r)}: a ${r.status} row names the document it is in`);
        break;
      case "not-applicable":
        if (!/stands in its place|instead|is not used|already|no |nothing/i.test(r.implementedBy) || !implemented) {
          problems.push(`${at(r)}: a not-applicable row says why and what stands in its place, naming a file`);
        }
        break;
      case "label":
        if (lineMentions(r.implementedBy).length === 0) problems.push(`${at(r)}: a label row names the rows that carry it (L<n>)`);
        break;
    }
  }
  return problems;
}
