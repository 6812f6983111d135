import { diagramLegend, kindLabel, layerOf, mermaidDiagram } from "./plan-diagram";
import { isComponent, owningComponent, type PlanDiff, type PropertyChange, type ResourceChange, STACK_TYPE } from "./plan-diff";
import type { PolicyViolation } from "./plan-types";
import type { PlanDocument } from "./run-plan";

export { layerOf };

/**
 * Human views of a plan document: the console summary (resources grouped by component) and the
 * pull-request comment (counts per layer, a Mermaid diagram of layers, components and resource
 * kinds, the policy results); and of a plan diff against the base branch (`plan-diff.ts`): its
 * console summary and the pull-request comment that leads with what changes. All are derived
 * from the JSON documents only.
 */

type PlanResource = PlanDocument["resources"][number];


/** Components are our `promptandpause:<layer>:<Name>` types; everything else is a cloud resource. */
function isCustom(resource: PlanResource): boolean {
  return !isComponent(resource.type);
}

/** The top-level component (direct child of the stack) that owns a resource. */
function topComponent(resource: PlanResource, byUrn: Map<string, PlanResource>): PlanResource | undefined {
  let current: PlanResource | undefined = resource;
  let top: PlanResource | undefined;
  while (current && current.type !== STACK_TYPE) {
    if (!isCustom(current)) top = current;
    current = current.parent ? byUrn.get(current.parent) : undefined;
  }
  return top;
}

export function summaryTable(doc: PlanDocument): string {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const groups = new Map<string, Map<string, number>>();
  for (const resource of doc.resources) {
    if (resource.type === STACK_TYPE || !isCustom(resource)) continue;
    const owner = owningComponent(resource, byUrn);
    const label = owner ? `${owner.name} (${owner.type})` : "(stack)";
    const counts = groups.get(label) ?? new Map<string, number>();
    counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    groups.set(label, counts);
  }
  const rows: string[][] = [["component", "resource type", "count"]];
  for (const [label, counts] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [type, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) rows.push([label, type, String(count)]);
  }
  const custom = doc.resources.filter((r) => isCustom(r) && r.type !== STACK_TYPE).length;
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
  const { violations } = doc.policies;
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return [
    `Offline plan of ${doc.project}/${doc.stack}: ${custom} cloud resources in ${doc.resources.length - custom - 1} components`,
    "",
    line(rows[0] ?? []),
    ...rows.slice(1).map(line),
    "",
    `Policies (${doc.policies.pack}): ${doc.policies.evaluated} evaluations, ${mandatory} mandatory and ${violations.length - mandatory} advisory violations`,
    ...violations.map((v) => `  [${v.level}] ${v.policy}: ${v.message}${v.urn ? ` (${v.urn})` : ""}`),
    ...(doc.warnings.length ? ["", "Warnings:", ...doc.warnings.map((w) => `  - ${w}`)] : []),
  ].join("\n");
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function status(doc: PlanDocument): string {
  const mandatory = doc.policies.violations.filter((v) => v.level === "mandatory").length;
  return mandatory === 0 ? "✅ no mandatory policy violations" : `❌ ${mandatory} mandatory policy violation(s)`;
}

function layerTable(doc: PlanDocument): string[] {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const perLayer = new Map<string, number>();
  for (const resource of doc.resources) {
    if (!isCustom(resource) || resource.type === STACK_TYPE) continue;
    const top = topComponent(resource, byUrn);
    const layer = top ? layerOf(top.type) : "platform";
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }
  return ["| layer | cloud resources |", "|---|---|", ...[...perLayer].sort(([a], [b]) => a.localeCompare(b)).map(([layer, count]) => `| ${layer} | ${count} |`)];
}

const resourceCell = (urn: string | null) => (urn ? `\`${urn.split("::").pop()}\`` : "stack");

function policyRows(violations: readonly PolicyViolation[], mark = ""): string[] {
  return violations.map((v) => `| ${mark}${v.level} | ${v.policy} | ${resourceCell(v.urn)} | ${escapeCell(v.message)} |`);
}

function policySection(doc: PlanDocument): string[] {
  const { violations } = doc.policies;
  return [
    `### Policies — ${doc.policies.pack} (${doc.policies.evaluated} evaluations)`,
    "",
    ...(violations.length === 0 ? ["No violations."] : ["| level | policy | resource | message |", "|---|---|---|---|", ...policyRows(violations)]),
    ...(doc.warnings.length ? ["", "### Warnings", "", ...doc.warnings.map((w) => `- ${escapeCell(w)}`)] : []),
  ];
}

const fence = (mermaid: string) => ["```mermaid", mermaid, "```"];

/** The pull-request comment for one stack's plan: counts per layer, the diagram, the policy results. */
export function markdownReport(doc: PlanDocument): string {
  return [`## Offline plan: \`${doc.project}/${doc.stack}\``, "", status(doc), "", ...layerTable(doc), "", "### Components", "", ...fence(mermaidDiagram(doc)), "", ...policySection(doc), ""].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The diff against the base branch

const SYMBOL: Record<ResourceChange["action"], string> = { add: "+", update: "~", "may-replace": "~?", replace: "±", remove: "-" };
const VERB: Record<ResourceChange["action"], string> = { add: "creates", update: "updates", "may-replace": "may replace", replace: "replaces", remove: "deletes" };

/** `+3 ~2 -1 ±1 replace` (and how many of the `~` may turn out to be replacements). */
export function diffSummaryLine(diff: PlanDiff): string {
  const { add, update, remove, replace, mayReplace } = diff.counts;
  return `+${add} ~${update} -${remove} ±${replace} replace${mayReplace ? ` (${mayReplace} of the ~ may replace)` : ""}`;
}

const MAX_VALUE = 240;
function value(v: unknown): string {
  if (v === undefined) return "—";
  let s = JSON.stringify(v) ?? String(v);
  if (s.length > MAX_VALUE) s = `${s.slice(0, MAX_VALUE)}…`;
  return s.includes("`") ? `\`\` ${escapeCell(s)} \`\`` : `\`${escapeCell(s)}\``;
}

const changeText = (c: PropertyChange) => `${c.path}: ${c.kind === "added" ? `(none) → ${JSON.stringify(c.new)}` : c.kind === "removed" ? `${JSON.stringify(c.old)} → (removed)` : `${JSON.stringify(c.old)} → ${JSON.stringify(c.new)}`}`;

function why(r: ResourceChange): string {
  const v = r.verdict;
  if (!v) return "";
  const keys = v.keys.length ? `\`${v.keys.join("`, `")}\`` : "";
  const head = r.action === "replace" ? `${keys} forces a new resource` : r.action === "may-replace" ? (keys ? `${keys} may force a new resource` : "replacement unknown") : "";
  return [head, `source: ${v.source}`, v.note].filter(Boolean).join("; ");
}

const MAX_DEPENDENTS = 8;
function dependentsText(r: ResourceChange): string {
  const d = r.dependents ?? [];
  if (d.length === 0) return "";
  const names = d.slice(0, MAX_DEPENDENTS).map((n) => `\`${n}\``).join(", ");
  return `${d.length} resource(s) take values from it and change with it: ${names}${d.length > MAX_DEPENDENTS ? ", …" : ""}.`;
}

/** Sentences joined, each ending with one full stop. */
const sentences = (...parts: string[]) =>
  parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/[.…]$/.test(p) ? p : `${p}.`))
    .join(" ");

function flagLine(r: ResourceChange): string {
  const what = [r.protect ? "protected" : "", r.stateful ? `holds ${r.stateful}` : ""].filter(Boolean).join(", ");
  const changes = r.changes.length ? `: ${r.changes.slice(0, 3).map(changeText).join("; ")}` : "";
  const guard = r.protect ? "`pulumi up` refuses to delete a protected resource: unprotect it first if this is meant" : "";
  const reason = r.action === "remove" ? (r.protect ? "" : "Its data goes with it") : why(r);
  return `- **⚠️ ${SYMBOL[r.action]} ${VERB[r.action]} \`${r.name}\` (${kindLabel(r.type)}) — ${sentences(`${what}${changes}`, reason, guard, dependentsText(r))}**`;
}

function detail(r: ResourceChange): string[] {
  const where = r.component ? ` · component \`${r.component}\`` : "";
  const header = `**${SYMBOL[r.action]} ${VERB[r.action]} \`${r.name}\`** · ${kindLabel(r.type)} (\`${r.type}\`)${where}${r.protect ? " · protected" : ""}`;
  const out = [header];
  const reason = sentences(why(r), dependentsText(r));
  if (reason) out.push("", `_${reason}_`);
  if (r.changes.length || r.protectChange) {
    out.push("", "| property | base | this pull request |", "|---|---|---|");
    if (r.protectChange) out.push(`| (protect) | \`${r.protectChange.old}\` | \`${r.protectChange.new}\` |`);
    for (const c of r.changes) out.push(`| \`${escapeCell(c.path)}\` | ${c.kind === "added" ? "(none)" : value(c.old)} | ${c.kind === "removed" ? "(removed)" : value(c.new)} |`);
  }
  return [...out, ""];
}

/**
 * The pull-request comment for one stack: the summary line, the deletions and replacements of
 * protected or stateful resources in bold, then (folded) every change property by property and
 * the policy results that appear or disappear, the diagram with the changes highlighted, and
 * (folded) the full plan's tables.
 */
export function diffMarkdownReport(diff: PlanDiff, head: PlanDocument, base: PlanDocument): string {
  const critical = diff.resources.filter((r) => r.critical);
  const { appeared, resolved } = diff.policies;
  const policyLine = appeared.length + resolved.length === 0 ? "policy results unchanged" : `policy violations: ${appeared.length} new, ${resolved.length} resolved`;
  const out = [
    `## Offline plan: \`${diff.project}/${diff.stack}\` — what this pull request changes`,
    "",
    `**${diffSummaryLine(diff)}** · ${diff.counts.unchanged} unchanged · ${policyLine} · ${status(head)}`,
    "",
  ];
  if (critical.length) out.push(...critical.map(flagLine), "");
  if (diff.resources.length === 0) out.push("No cloud resource changes.", "");
  else out.push(`<details><summary>Resource changes (${diff.resources.length})</summary>`, "", ...diff.resources.flatMap(detail), "</details>", "");
  if (appeared.length + resolved.length) {
    out.push(
      `<details${appeared.some((v) => v.level === "mandatory") ? " open" : ""}><summary>Policy results that change (${appeared.length} new, ${resolved.length} resolved)</summary>`,
      "",
      "| | level | policy | resource | message |",
      "|---|---|---|---|---|",
      ...policyRows(appeared).map((row) => `| new ${row}`),
      ...policyRows(resolved).map((row) => `| resolved ${row}`),
      "",
      "</details>",
      "",
    );
  }
  out.push("### What changes, by layer", "", ...fence(mermaidDiagram(head, diff, base)), "", diagramLegend(), "");
  out.push("<details><summary>The whole plan of this pull request</summary>", "", ...layerTable(head), "", ...policySection(head), "", "</details>", "");
  out.push("_Secrets are `[secret]` on both sides: the offline plan has no decryption key, so a changed secret value cannot be seen._", "");
  return out.join("\n");
}

/** The console view of a diff. */
export function diffSummaryText(diff: PlanDiff, baseLabel: string): string {
  const lines = [`Changes against ${baseLabel} (${diff.project}/${diff.stack}): ${diffSummaryLine(diff)}, ${diff.counts.unchanged} unchanged`];
  for (const r of diff.resources) {
    const flags = [r.protect ? "protected" : "", r.stateful ? "stateful" : ""].filter(Boolean);
    lines.push(`  ${SYMBOL[r.action]} ${VERB[r.action]} ${r.name} (${r.type})${flags.length ? ` [${flags.join(", ")}]` : ""}${r.critical ? " <-- CHECK" : ""}`);
    if (r.verdict && r.action !== "update") lines.push(`      ${why(r)}`);
    if (r.dependents?.length) lines.push(`      ${r.dependents.length} dependent(s) change with it: ${r.dependents.join(", ")}`);
    for (const c of r.changes) lines.push(`      ${changeText(c)}`);
  }
  const { appeared, resolved } = diff.policies;
  lines.push(`Policy violations: ${appeared.length} new, ${resolved.length} resolved`);
  for (const v of appeared) lines.push(`  + [${v.level}] ${v.policy}: ${v.message}`);
  for (const v of resolved) lines.push(`  - [${v.level}] ${v.policy}: ${v.message}`);
  return lines.join("\n");
}
