/**
 * Tags (labels) in layers: the platform's defaults (project, environment, managed-by), then a
 * component's `tags` argument, then a child's own tags. Later layers win, so a component can
 * override a default and a child can override its component.
 */
export type Tags = Record<string, string>;

/** The tags every resource of the platform carries. */
export function platformTags(project: string, environment: string): Tags {
  return { project, environment, "managed-by": "pulumi" };
}

/** Merges tag layers, later ones winning; empty values remove a tag. */
export function mergeTags(...layers: ReadonlyArray<Tags | undefined>): Tags {
  const merged: Tags = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === "") delete merged[key];
      else merged[key] = value;
    }
  }
  return merged;
}

/** Cloudflare DNS records carry tags as `name:value` strings. */
export function toCloudflareTags(tags: Tags): string[] {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}:${value}`);
}
