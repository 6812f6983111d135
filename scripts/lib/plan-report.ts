import type { PlanDocument } from "./run-plan";

/**
 * Human views of a plan document: the console summary (resources grouped by component) and the
 * pull-request comment (counts per layer, a Mermaid diagram of components and their
 * dependencies, the policy results). Both are derived from the JSON document only.
 */

type PlanResource = PlanDocument["resources"][number];

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The component a resource belongs to: itself for a component, else its nearest component ancestor. */
function componentIndex(resources: readonly PlanResource[]): Map<string, PlanResource | undefined> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const owner = new Map<string, PlanResource | undefined>();
  for (const resource of resources) {
    let current: PlanResource | undefined = resource;
    while (current && (isCustom(current) || current.type === STACK_TYPE)) {
      current = current.parent ? byUrn.get(current.parent) : undefined;
      if (current?.type === STACK_TYPE) current = undefined;
    }
    owner.set(resource.urn, current);
  }
  return owner;
}

/** Components are our `promptandpause:<layer>:<Name>` types; everything else is a cloud resource. */
function isCustom(resource: PlanResource): boolean {
  return !resource.type.startsWith("promptandpause:");
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

export function layerOf(type: string): string {
  const [pkg, layer] = type.split(":");
  return pkg === "promptandpause" && layer ? layer : "platform";
}

export function summaryTable(doc: PlanDocument): string {
  const owners = componentIndex(doc.resources);
  const groups = new Map<string, Map<string, number>>();
  for (const resource of doc.resources) {
    if (resource.type === STACK_TYPE || !isCustom(resource)) continue;
    const owner = owners.get(resource.urn);
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

export function markdownReport(doc: PlanDocument): string {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const perLayer = new Map<string, number>();
  for (const resource of doc.resources) {
    if (!isCustom(resource) || resource.type === STACK_TYPE) continue;
    const top = topComponent(resource, byUrn);
    const layer = top ? layerOf(top.type) : "platform";
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }

  // Component graph: an edge A → B when something in A depends on something in B.
  const tops = doc.resources.filter((r) => !isCustom(r) && r.parent !== null && byUrn.get(r.parent)?.type === STACK_TYPE);
  const id = new Map(tops.map((t, i) => [t.urn, `c${i}`]));
  const edges = new Set<string>();
  for (const resource of doc.resources) {
    const from = topComponent(resource, byUrn);
    if (!from) continue;
    for (const dep of resource.dependencies) {
      const target = byUrn.get(dep);
      const to = target ? topComponent(target, byUrn) : undefined;
      if (to && to.urn !== from.urn) edges.add(`  ${id.get(from.urn)} --> ${id.get(to.urn)}`);
    }
  }
  const mermaid = ["```mermaid", "graph LR", ...tops.map((t) => `  ${id.get(t.urn)}["${t.name}<br/><small>${t.type}</small>"]`), ...[...edges].sort(), "```"];

  const { violations } = doc.policies;
  const mandatory = violations.filter((v) => v.level === "mandatory");
  const status = mandatory.length === 0 ? "✅ no mandatory policy violations" : `❌ ${mandatory.length} mandatory policy violation(s)`;
  const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `## Offline plan: \`${doc.project}/${doc.stack}\``,
    "",
    status,
    "",
    "| layer | cloud resources |",
    "|---|---|",
    ...[...perLayer].sort(([a], [b]) => a.localeCompare(b)).map(([layer, count]) => `| ${layer} | ${count} |`),
    "",
    "### Components",
    "",
    ...mermaid,
    "",
    `### Policies — ${doc.policies.pack} (${doc.policies.evaluated} evaluations)`,
    "",
    ...(violations.length === 0
      ? ["No violations."]
      : ["| level | policy | resource | message |", "|---|---|---|---|", ...violations.map((v) => `| ${v.level} | ${v.policy} | ${v.urn ? `\`${v.urn.split("::").pop()}\`` : "stack"} | ${escapeCell(v.message)} |`)]),
    ...(doc.warnings.length ? ["", "### Warnings", "", ...doc.warnings.map((w) => `- ${escapeCell(w)}`)] : []),
    "",
  ].join("\n");
}
