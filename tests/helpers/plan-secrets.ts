/**
 * The secret values of an offline plan and where they must never show up. Shared by the plan CLI
 * test (JSON, Markdown, stdout, stderr of `npm run plan`) and the database layer's plan test
 * (the in-process document and its Markdown report), so both check the same set of values.
 */
import type { PlannedResource } from "../../scripts/lib/plan-types";

/** One secret value and the place it came from (`<resource name>.<secret path>`). */
export interface PlanSecret {
  where: string;
  value: string;
}

const VERCEL_ENV_VAR_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";

/**
 * Shorter values are not collected: a short string (`true`, a port) also occurs by chance in any
 * document. Every secret of the stacks (placeholders, mocked keys and passwords) is longer.
 */
export const MIN_SECRET_LENGTH = 8;

/** The value at a recorded secret path (`value`, `auth.smtp`, `secrets[0].value`, `(root)`). */
export function valueAt(inputs: Record<string, unknown>, path: string): unknown {
  if (path === "(root)") return inputs;
  let current: unknown = inputs;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Every string inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Every value the plan marks secret: the plain `inputs` of each resource at each of its
 * `secretPaths` (strings of at least {@link MIN_SECRET_LENGTH} characters). Vercel env vars with
 * `sensitive: false` are skipped: Vercel's schema marks every env var value secret, but those are
 * public by design (NEXT_PUBLIC_*: site URL, Supabase URL, anon key) and appear as outputs.
 */
export function planSecrets(resources: readonly PlannedResource[]): PlanSecret[] {
  const secrets: PlanSecret[] = [];
  for (const resource of resources) {
    if (resource.type === VERCEL_ENV_VAR_TYPE && resource.inputs.sensitive === false) continue;
    for (const path of resource.secretPaths) {
      for (const value of strings(valueAt(resource.inputs, path))) {
        if (value.length >= MIN_SECRET_LENGTH) secrets.push({ where: `${resource.name}.${path}`, value });
      }
    }
  }
  return secrets;
}

/**
 * Where a secret appears in one of the texts, as `<secret's place> in <text's name>`; never the
 * value itself, so a failing test does not print the secret either.
 */
export function leakedSecrets(secrets: readonly PlanSecret[], texts: Readonly<Record<string, string>>): string[] {
  return Object.entries(texts).flatMap(([name, text]) => secrets.filter((s) => text.includes(s.value)).map((s) => `${s.where} in ${name}`));
}
