/**
 * Placeholder values in a stack file ("example", "replace…", "changeme", "xxx", "TODO", …) are
 * refused before anything is planned: a stand-in would deploy as if it were real (a DKIM record
 * Resend never verifies, a log drain to nowhere). A value not known yet is left out instead; the
 * feature it feeds stays off and the plan warns what is missing.
 */
import type { ConfigIssue } from "../components/shared/errors";

/**
 * Markers found anywhere in a value, case-insensitively: words no real setting contains.
 * `example` also covers the RFC 2606 domains (example.com/.org/.net).
 */
const ANYWHERE = ["example", "replace", "changeme", "change-me", "change_me", "placeholder", "dummy", "lorem", "your-", "your_"];
/**
 * Markers that are placeholders only as a word of their own (delimited by the value's start/end
 * or a non-alphanumeric character): inside a base64 key, "xxx" or "todo" can occur by chance.
 */
const WORDS = /(?:^|[^a-z0-9])(x{3,}|todo|tbd|fixme|tba)(?=$|[^a-z0-9])/i;
/** `<your team slug>`, `<token>`: a template's angle brackets. */
const ANGLE = /<[^<>]+>/;

/** The placeholder marker a value contains, or undefined. */
export function placeholderMarker(value: string): string | undefined {
  const lower = value.toLowerCase();
  const anywhere = ANYWHERE.find((m) => lower.includes(m));
  if (anywhere) return anywhere;
  const word = WORDS.exec(value);
  if (word?.[1]) return word[1];
  return ANGLE.exec(value)?.[0];
}

/** Where the real value of a key comes from, by key path (first match wins). */
const SOURCES: ReadonlyArray<{ path: RegExp; source: (domain: string) => string }> = [
  { path: /^edge\.email\.dkim\b/, source: (d) => `Copy it from Resend: Domains → ${d} → DNS records (the TXT value of resend._domainkey)` },
  { path: /^edge\.email\.inboundMx\b/, source: () => "Use the MX hosts your mailbox provider lists (e.g. Google Workspace: smtp.google.com, priority 1)" },
  { path: /^edge\.accountId$/, source: () => "Copy it from the Cloudflare dashboard: Account Home → the account's menu → Copy account ID" },
  { path: /^edge\./, source: () => "See docs/edge.md for where this value comes from" },
  { path: /^app\.team$/, source: () => "Use the Vercel team slug: Vercel → Team Settings → General → Team URL" },
  { path: /^app\.gitRepository\b/, source: () => "Use the app's GitHub repository as owner/name" },
  { path: /^app\.logDrain\b/, source: () => "Use your log aggregator's HTTPS intake URL (docs/app.md \"Log drain\")" },
  { path: /^app\./, source: () => "See docs/app.md for where this value comes from" },
  { path: /^database\.organizationSlug$/, source: () => "Use the Supabase organization slug: Supabase dashboard → Organization → Settings" },
  { path: /^database\./, source: () => "See docs/database.md for where this value comes from" },
  { path: /^contacts\./, source: () => "Use a real mailbox of the team" },
];

function sourceOf(path: string, domain: string): string {
  return SOURCES.find((s) => s.path.test(path))?.source(domain) ?? "See the comment above the key in the stack file";
}

/**
 * Every string value under the namespace that is a placeholder, as a ConfigIssue naming the key,
 * the marker and where the real value comes from.
 * @param values the namespace's keys without the `<namespace>:` prefix (plain values; secrets excluded)
 */
export function placeholderIssues(values: Readonly<Record<string, unknown>>, namespace: string): ConfigIssue[] {
  const domain = typeof values.domain === "string" ? values.domain : "<domain>";
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > 32) return;
    if (typeof value === "string") {
      const marker = placeholderMarker(value);
      if (marker) {
        issues.push({
          path: `${namespace}:${path}`,
          problem: `is a placeholder (${JSON.stringify(marker)}), not a real value`,
          got: value,
          fix: `${sourceOf(path, domain)}, or leave the key out until the value is known (the feature stays off and the plan says what is missing).`,
        });
      }
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`, depth + 1);
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  visit(values, "", 0);
  return issues;
}
