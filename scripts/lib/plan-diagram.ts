import { isComponent, owningComponent, type PlanDiff, type ResourceAction, STACK_TYPE } from "./plan-diff";
import type { PlanDocument } from "./run-plan";

/**
 * The plan as a Mermaid flowchart GitHub renders: one box per layer, inside it one box per
 * component that owns cloud resources, inside that one node per resource kind with its count
 * ("ec2 Subnet ×10"), and an arrow from a component to each component it takes values from.
 * With a diff, the kinds a pull request touches are coloured (classDef) and carry their counts
 * (`+2 ~1 ±1 -1`); removed resources come from the base document so they can be shown.
 * Kinds, not resources: the diagram stays readable as the stacks grow.
 */

type PlanResource = PlanDocument["resources"][number];


/** `aws:ec2/subnet:Subnet` → `ec2 Subnet`; `cloudflare:index/ruleset:Ruleset` → `cloudflare Ruleset`; `pulumi-nodejs:dynamic/supabase:Project` → `supabase Project`. */
export function kindLabel(type: string): string {
  const [pkg = type, mod = "", name = ""] = type.split(":");
  if (pkg === "pulumi" && mod === "providers") return `provider ${name}`;
  const [first = "", second = ""] = mod.split("/");
  const prefix = first === "index" || first === "" ? pkg : first === "dynamic" ? second || pkg : first;
  return name ? `${prefix} ${name}` : type;
}

/** `promptandpause:edge:RateLimits` → `edge`; anything else → `platform`. */
export function layerOf(type: string): string {
  const [pkg, layer] = type.split(":");
  return pkg === "promptandpause" && layer ? layer : "platform";
}

/** Colour per action, worst first (a kind with a replaced and an added resource shows as replaced). */
const CLASSES: [ResourceAction, string, string][] = [
  ["remove", "removed", "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,stroke-dasharray:6 3,color:#82071e"],
  ["replace", "replaced", "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#82071e"],
  ["may-replace", "mayReplace", "fill:#fff1e5,stroke:#bc4c00,stroke-width:2px,color:#762c00"],
  ["add", "added", "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#044f1e"],
  ["update", "changed", "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#4d2d00"],
];
const SYMBOL: Record<ResourceAction, string> = { add: "+", update: "~", "may-replace": "~?", replace: "±", remove: "-" };

/** Text inside `["…"]`: Mermaid's entity for `"`, and no characters that end the label. */
const text = (s: string) => s.replace(/"/g, "#quot;").replace(/[<>]/g, "");

interface Kind {
  type: string;
  count: number;
  actions: Map<ResourceAction, number>;
}

/** The Mermaid source (no code fence) for a plan, optionally with what a diff changes highlighted. */
export function mermaidDiagram(head: PlanDocument, diff?: PlanDiff, base?: PlanDocument): string {
  const action = new Map((diff?.resources ?? []).map((r) => [r.urn, r.action]));
  // Removed resources exist only in the base: draw them (and their components) from there.
  const removed = (base?.resources ?? []).filter((r) => action.get(r.urn) === "remove");
  const all = [...head.resources, ...removed];
  const byUrn = new Map<string, PlanResource>();
  for (const r of [...(base?.resources ?? []), ...head.resources]) byUrn.set(r.urn, r);

  // layer → component urn → kinds
  const layers = new Map<string, Map<string, Map<string, Kind>>>();
  const componentOf = new Map<string, string>();
  const STACK_GROUP = "(stack)";
  for (const r of all) {
    if (r.type === STACK_TYPE || isComponent(r.type)) continue;
    const owner = owningComponent(r, byUrn);
    const group = owner?.urn ?? STACK_GROUP;
    componentOf.set(r.urn, group);
    const layer = owner ? layerOf(owner.type) : "platform";
    const components = layers.get(layer) ?? new Map<string, Map<string, Kind>>();
    layers.set(layer, components);
    const kinds = components.get(group) ?? new Map<string, Kind>();
    components.set(group, kinds);
    const kind = kinds.get(r.type) ?? { type: r.type, count: 0, actions: new Map() };
    kinds.set(r.type, kind);
    kind.count++;
    const a = action.get(r.urn);
    if (a) kind.actions.set(a, (kind.actions.get(a) ?? 0) + 1);
  }

  const lines = ["flowchart LR"];
  const componentId = new Map<string, string>();
  const classed = new Map<string, string[]>();
  let l = 0;
  let c = 0;
  let k = 0;
  const order = [...layers.keys()].sort((a, b) => (a === "platform" ? 1 : b === "platform" ? -1 : a.localeCompare(b)));
  for (const layer of order) {
    lines.push(`  subgraph L${l++}["${text(`layer: ${layer}`)}"]`, "    direction TB");
    const components = layers.get(layer) ?? new Map();
    for (const [group, kinds] of [...components].sort(([a], [b]) => a.localeCompare(b))) {
      const id = `C${c++}`;
      componentId.set(group, id);
      const component = byUrn.get(group);
      const label = component ? `${component.name} · ${component.type.split(":")[2] ?? component.type}` : "stack providers";
      lines.push(`    subgraph ${id}["${text(label)}"]`);
      for (const kind of [...kinds.values()].sort((a, b) => kindLabel(a.type).localeCompare(kindLabel(b.type)))) {
        const nodeId = `K${k++}`;
        const changes = CLASSES.filter(([a]) => kind.actions.has(a)).map(([a]) => `${SYMBOL[a]}${kind.actions.get(a)}`);
        const count = kind.count > 1 ? ` ×${kind.count}` : "";
        lines.push(`      ${nodeId}["${text(`${kindLabel(kind.type)}${count}`)}${changes.length ? `<br/>${text(changes.join(" "))}` : ""}"]`);
        const worst = CLASSES.find(([a]) => kind.actions.has(a));
        if (worst) classed.set(worst[1], [...(classed.get(worst[1]) ?? []), nodeId]);
      }
      lines.push("    end");
    }
    lines.push("  end");
  }

  // A component depends on another when one of its resources takes an input from the other's.
  const edges = new Set<string>();
  for (const r of all) {
    const from = componentId.get(componentOf.get(r.urn) ?? "");
    for (const dep of r.dependencies) {
      const to = componentId.get(componentOf.get(dep) ?? "");
      if (from && to && from !== to) edges.add(`  ${from} --> ${to}`);
    }
  }
  lines.push(...[...edges].sort());

  if (diff) {
    for (const [, name, style] of CLASSES) lines.push(`  classDef ${name} ${style}`);
    for (const [name, ids] of classed) lines.push(`  class ${ids.join(",")} ${name}`);
  }
  return lines.join("\n");
}

/** The legend for a highlighted diagram, as Markdown. */
export function diagramLegend(): string {
  return "Legend: `+` added (green) · `~` changed (yellow) · `~?` may be replaced (orange) · `±` replaced (red) · `-` removed (red, dashed); counts are resources of that kind.";
}
