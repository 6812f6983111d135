import { MASKED_SECRET, type PolicyViolation } from "./plan-types";
import { type ReplaceVerdict, replaceVerdict, STATEFUL_TYPES } from "./replace-keys";
import type { PlanDocument } from "./run-plan";

/**
 * What a pull request changes: the plan document of the base branch against the plan of the
 * head, resource by resource (matched by URN, as the Pulumi engine matches them), property by
 * property, plus the policy results that appear or disappear. Pure: two documents in, one diff
 * out; `plan-report.ts` renders it.
 *
 * Secrets: both documents hold only "[secret]" for every secret (the plan has no decryption
 * key), so a secret's value is never compared or shown; a value that becomes or stops being a
 * secret is shown as "[secret]" on both sides.
 */

type PlanResource = PlanDocument["resources"][number];

export type ResourceAction = "add" | "remove" | "replace" | "may-replace" | "update";

/** One property that differs. Values are the masked plan values. */
export interface PropertyChange {
  /** `a.b`, `list[0]`, or `rules[ref=rate-limit-api].ratelimit.period` for keyed lists. */
  path: string;
  kind: "added" | "removed" | "changed";
  /** Absent for `added`. */
  old?: unknown;
  /** Absent for `removed`. */
  new?: unknown;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** Logical name of the component that owns the resource (nearest `promptandpause:*` ancestor), or null. */
  component: string | null;
  action: ResourceAction;
  /** Property-level changes (update / replace); empty for add / remove. */
  changes: PropertyChange[];
  /** Why it is replaced (or may be): keys and source. Absent for add / remove / plain updates. */
  verdict?: ReplaceVerdict;
  /** `protect` in the base (removal/replacement) or head (addition). */
  protect: boolean;
  /** What is lost when it goes (STATEFUL_TYPES), or null. */
  stateful: string | null;
  /** A deletion or (possible) replacement of a protected or stateful resource: flagged in bold. */
  critical: boolean;
  /** `protect` toggled between base and head. */
  protectChange?: { old: boolean; new: boolean };
  /**
   * For a replacement or deletion: the cloud resources that take values from this one (names).
   * A new resource has new outputs (a new id, ref, ARN…), so these change with it at deploy time
   * even where the offline plan, whose mock outputs stay the same, shows them unchanged.
   */
  dependents?: string[];
}

export interface PlanDiff {
  project: string;
  stack: string;
  /** Stack of the base document (the same stack, from the base branch). */
  baseStack: string;
  /** Cloud resources that differ, in head order (removed ones last, in base order). */
  resources: ResourceChange[];
  counts: { add: number; update: number; remove: number; replace: number; mayReplace: number; unchanged: number };
  policies: { appeared: PolicyViolation[]; resolved: PolicyViolation[] };
}

export const STACK_TYPE = "pulumi:pulumi:Stack";
/** Our components (`promptandpause:<layer>:<Name>`) have no cloud side. */
export const isComponent = (type: string) => type.startsWith("promptandpause:");
/** Cloud resources and providers; not the stack, not our components (they have no cloud side). */
const isCloud = (r: PlanResource) => r.type !== STACK_TYPE && !isComponent(r.type);

/** The nearest component ancestor's logical name. */
export function owningComponent(resource: PlanResource, byUrn: ReadonlyMap<string, PlanResource>): PlanResource | undefined {
  let current = resource.parent ? byUrn.get(resource.parent) : undefined;
  while (current && !isComponent(current.type)) current = current.parent ? byUrn.get(current.parent) : undefined;
  return current;
}

export function diffPlans(base: PlanDocument, head: PlanDocument): PlanDiff {
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const resources: ResourceChange[] = [];
  let unchanged = 0;

  const entry = (r: PlanResource, byUrn: ReadonlyMap<string, PlanResource>, action: ResourceAction, protect: boolean, rest: Partial<ResourceChange> = {}): ResourceChange => {
    const stateful = STATEFUL_TYPES[r.type] ?? null;
    const destructive = action === "remove" || action === "replace" || action === "may-replace";
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      component: owningComponent(r, byUrn)?.name ?? null,
      action,
      changes: [],
      protect,
      stateful,
      critical: destructive && (protect || stateful !== null),
      ...rest,
    };
  };

  for (const now of head.resources.filter(isCloud)) {
    const was = baseByUrn.get(now.urn);
    if (!was) {
      resources.push(entry(now, headByUrn, "add", now.protect));
      continue;
    }
    const changes = diffProperties(was.inputs, now.inputs);
    const protectChange = was.protect !== now.protect ? { old: was.protect, new: now.protect } : undefined;
    if (changes.length === 0 && !protectChange) {
      unchanged++;
      continue;
    }
    const verdict = changes.length ? replaceVerdict(now.type, was.inputs, now.inputs, changes.map((c) => c.path)) : undefined;
    const action: ResourceAction = verdict?.action ?? "update";
    resources.push(entry(now, headByUrn, action, was.protect, { changes, verdict: verdict?.action === "update" && !verdict.note ? undefined : verdict, ...(protectChange ? { protectChange } : {}) }));
  }
  for (const was of base.resources.filter(isCloud)) {
    if (!headByUrn.has(was.urn)) resources.push(entry(was, baseByUrn, "remove", was.protect));
  }
  for (const r of resources) {
    if (r.action === "add" || r.action === "update") continue;
    const source = r.action === "remove" ? base : head;
    const dependents = source.resources.filter((d) => isCloud(d) && d.urn !== r.urn && d.dependencies.includes(r.urn)).map((d) => d.name);
    if (dependents.length) r.dependents = dependents;
  }

  const key = (v: PolicyViolation) => JSON.stringify([v.policy, v.level, v.urn, v.message]);
  const baseKeys = new Set(base.policies.violations.map(key));
  const headKeys = new Set(head.policies.violations.map(key));
  const count = (a: ResourceAction) => resources.filter((r) => r.action === a).length;
  return {
    project: head.project,
    stack: head.stack,
    baseStack: base.stack,
    resources,
    counts: { add: count("add"), update: count("update") + count("may-replace"), remove: count("remove"), replace: count("replace"), mayReplace: count("may-replace"), unchanged },
    policies: {
      appeared: head.policies.violations.filter((v) => !baseKeys.has(key(v))),
      resolved: base.policies.violations.filter((v) => !headKeys.has(key(v))),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Property diff

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const hasSecret = (v: unknown): boolean => (v === MASKED_SECRET ? true : Array.isArray(v) ? v.some(hasSecret) : isRecord(v) ? Object.values(v).some(hasSecret) : false);

/** Keys that identify an element of a list of objects (Cloudflare rule `ref`, names, ids). */
const ELEMENT_KEYS = ["ref", "key", "name", "id"] as const;

/** The identity key shared by every element of both lists, if any (unique on each side). */
function elementKey(a: unknown[], b: unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isRecord)) return undefined;
  return ELEMENT_KEYS.find((k) => {
    const unique = (list: unknown[]) => {
      const ids = list.map((e) => (e as Record<string, unknown>)[k]);
      return ids.every((id) => typeof id === "string" && id !== "") && new Set(ids).size === ids.length;
    };
    return unique(a) && unique(b);
  });
}

/**
 * Every leaf that differs between two masked input objects. Lists of objects with a shared
 * identity key are matched by it (a rule inserted in the middle shows as one added rule, not
 * as every later rule changed); other lists of objects by position; lists of plain values are
 * compared whole. A secret is never compared: "[secret]" on both sides.
 */
export function diffProperties(olds: Record<string, unknown>, news: Record<string, unknown>): PropertyChange[] {
  const out: PropertyChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (same(a, b)) return;
    if (a === undefined) return void out.push({ path, kind: "added", new: b });
    if (b === undefined) return void out.push({ path, kind: "removed", old: a });
    if (a === MASKED_SECRET || b === MASKED_SECRET) {
      // Became or stopped being a secret: the value itself is never shown.
      return void out.push({ path, kind: "changed", old: MASKED_SECRET, new: MASKED_SECRET });
    }
    if (isRecord(a) && isRecord(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const id = elementKey(a, b);
      if (id) {
        const index = (list: unknown[]) => new Map(list.map((e) => [String((e as Record<string, unknown>)[id]), e]));
        const ia = index(a);
        const ib = index(b);
        for (const k of [...new Set([...ia.keys(), ...ib.keys()])]) walk(ia.get(k), ib.get(k), `${path}[${id}=${k}]`);
        return;
      }
      if ([...a, ...b].some((e) => isRecord(e) || Array.isArray(e))) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
        return;
      }
    }
    // A list holding a secret on either side: masked whole on both sides.
    const secret = hasSecret(a) || hasSecret(b);
    out.push({ path, kind: "changed", old: secret ? MASKED_SECRET : a, new: secret ? MASKED_SECRET : b });
  };
  walk(olds, news, "");
  return out;
}
