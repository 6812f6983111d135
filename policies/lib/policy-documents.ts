/**
 * Every policy document an AWS resource's inputs carry, at any depth: IAM role, user and group
 * policies (`inlinePolicies[].policy` included), trust policies (`assumeRolePolicy`), KMS key
 * policies, bucket, topic, queue, repository and secret policies, OpenSearch and Glacier access
 * policies, CloudWatch Logs, X-Ray and other resource policies (`policyDocument`,
 * `resourcePolicy`, `accessPolicy`: the input names in @pulumi/aws 7.x). Read by key, not by
 * resource type, so a new resource type with one of these inputs cannot slip past the IAM policies.
 *
 * During a preview an input can be unknown (the engine's proxy throws on reading it). An unknown
 * input that is not a document is skipped, so the documents that are known are still checked; an
 * unknown document makes the policy unable to run for that resource (the engine reports that).
 */
import { UnknownValueError } from "@pulumi/policy";

/** Inputs that carry a policy document, at any depth (`inlinePolicies[].policy` included). */
const DOCUMENT_KEYS = new Set(["policy", "assumeRolePolicy", "accessPolicies", "accessPolicy", "policyDocument", "resourcePolicy"]);

/** IAM action names and condition values take `*` and `?` as wildcards (IAM User Guide, "Action" and "String condition operators"). */
export const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** A document found in a resource's inputs: parsed, or the text as written when it is not valid JSON. */
export interface FoundDocument {
  /** Input path, e.g. `inlinePolicies[0].policy`. */
  path: string;
  doc: unknown;
}

/** `value[key]`, or `skip` when it is unknown (preview) and `key` holds no document. */
function read(value: Record<string | number, unknown>, key: string | number, documentKey: boolean): unknown {
  try {
    return value[key];
  } catch (err) {
    if (err instanceof UnknownValueError && !documentKey) return SKIP;
    throw err;
  }
}
const SKIP = Symbol("unknown input");

function documents(value: unknown, key: string | undefined, out: FoundDocument[], path: string, depth = 0): void {
  if (depth > 8 || value === SKIP) return;
  const isDocumentKey = key !== undefined && DOCUMENT_KEYS.has(key);
  if (typeof value === "string" && isDocumentKey) {
    const text = value.trim();
    // Not an object (an ARN or a name): nothing to check. An object that does not parse is
    // handed on as text, for the policies to refuse.
    if (text.startsWith("{")) {
      try {
        out.push({ path, doc: JSON.parse(text) });
      } catch {
        out.push({ path, doc: text });
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) documents(read(value as unknown as Record<number, unknown>, i, isDocumentKey), key, out, `${path}[${i}]`, depth + 1);
  } else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (isDocumentKey && "Statement" in record) out.push({ path, doc: value });
    else for (const k of Object.keys(record)) documents(read(record, k, DOCUMENT_KEYS.has(k)), k, out, path ? `${path}.${k}` : k, depth + 1);
  }
}

/** The documents found in `props`, each with the input path it came from. */
export function policyDocuments(props: unknown): FoundDocument[] {
  const found: FoundDocument[] = [];
  documents(props, undefined, found, "");
  return found;
}
