/**
 * Every policy document an AWS resource's inputs carry, at any depth: IAM role, user and group
 * policies (`inlinePolicies[].policy` included), trust policies (`assumeRolePolicy`), KMS key
 * policies, bucket, topic, queue, repository and secret policies, OpenSearch access policies.
 * Read by key, not by resource type, so a new resource type cannot slip past the IAM policies.
 */

/** Inputs that carry a policy document, at any depth (`inlinePolicies[].policy` included). */
const DOCUMENT_KEYS = new Set(["policy", "assumeRolePolicy", "accessPolicies", "sourcePolicyDocuments", "overridePolicyDocuments"]);

function documents(value: unknown, key: string | undefined, out: Array<{ path: string; doc: unknown }>, path: string, depth = 0): void {
  if (depth > 8) return;
  if (typeof value === "string" && key && DOCUMENT_KEYS.has(key)) {
    const text = value.trim();
    if (text.startsWith("{")) {
      try {
        out.push({ path, doc: JSON.parse(text) });
      } catch {
        // Not JSON (an ARN or a name): nothing to check.
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      documents(v, key, out, `${path}[${i}]`, depth + 1);
    });
  } else if (value && typeof value === "object") {
    if (key && DOCUMENT_KEYS.has(key) && "Statement" in (value as object)) out.push({ path, doc: value });
    else for (const [k, v] of Object.entries(value as Record<string, unknown>)) documents(v, k, out, path ? `${path}.${k}` : k, depth + 1);
  }
}

/** The documents found in `props`, each with the input path it came from (e.g. `inlinePolicies[0].policy`). */
export function policyDocuments(props: unknown): Array<{ path: string; doc: unknown }> {
  const found: Array<{ path: string; doc: unknown }> = [];
  documents(props, undefined, found, "");
  return found;
}
