/**
 * Every policy document an AWS resource's inputs carry, at any depth: IAM role, user and group
 * policies (`inlinePolicies[].policy` included), trust policies (`assumeRolePolicy`), KMS key
 * policies, bucket, topic, queue, repository and secret policies, OpenSearch and Glacier access
 * policies, CloudWatch Logs, X-Ray and other resource policies (`policyDocument`,
 * `resourcePolicy`, `accessPolicy`: the input names in @pulumi/aws 7.x), and any other input whose
 * value is a policy document. Read by key and content, not by resource type, so a new resource
 * type cannot slip past the IAM policies.
 *
 * During a preview an input can be unknown (the engine's proxy throws on reading it). An unknown
 * input that is not a document (or a list of them, `inlinePolicies`) is skipped, so the documents that are known are still checked; an
 * unknown document makes the policy unable to run for that resource (the engine reports that).
 */
import { UnknownValueError } from "@pulumi/policy";
import { inputPath } from "./util";

/**
 * Inputs that carry a policy document, at any depth (`inlinePolicies[].policy` included), by their
 * @pulumi/aws 7 names: besides the common ones, ssoadmin's `inlinePolicy`, ECR creation
 * templates' `repositoryPolicy`, CloudWatch Logs' `deliveryDestinationPolicy`, ODB networks'
 * `kmsPolicyDocument` and `stsPolicyDocument`. A document under any other name is still found by
 * its content (JSON text or an object with a `Statement`); the names decide what an unknown
 * (preview) value may hide.
 */
const DOCUMENT_KEYS = new Set(["policy", "assumeRolePolicy", "accessPolicies", "accessPolicy", "policyDocument", "resourcePolicy", "inlinePolicy", "repositoryPolicy", "deliveryDestinationPolicy", "kmsPolicyDocument", "stsPolicyDocument"]);
/** Inputs that hold documents inside them: unknown in a preview, they may hide one, like a document key. */
const DOCUMENT_CONTAINER_KEYS = new Set(["inlinePolicies"]);

/** A JSON text that parses to a policy document (an object with a `Statement`), parsed; else undefined. */
function documentText(text: string): object | undefined {
  if (!text.trimStart().startsWith("{") || !text.includes('"Statement"')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && "Statement" in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** IAM action names and condition values take `*` and `?` as wildcards (IAM User Guide, "Action" and "String condition operators"). */
export const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** A document found in a resource's inputs: parsed, or the text as written when it is not valid JSON. */
export interface FoundDocument {
  /** Input path, e.g. `inlinePolicies[0].policy`. */
  path: string;
  doc: unknown;
}

// The engine's proxy over a resource's inputs (@pulumi/policy's proxy.js, pinned in
// policies/package.json) hands out its target under this key and marks unknown (preview) values
// with these sentinels. The walker reads the target directly and checks each value itself, with
// the proxy's own rule: reading an unknown throws UnknownValueError. Through the proxy, every read
// copies the path and wraps the value in a new proxy, which for the few hundred AWS resources of a
// plan was most of what the IAM policies cost.
const proxyModule = require("@pulumi/policy/proxy") as { getSpecialProxyTarget: string } & Record<string, unknown>;
const UNKNOWN_SENTINELS = new Set(
  ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"].map((name) => proxyModule[name]),
);

/** The plain value behind the engine's proxy (or `props` itself when it is not one, as in unit tests). */
function unproxied(props: unknown): unknown {
  if (props === null || typeof props !== "object") return props;
  return (props as Record<string, unknown>)[proxyModule.getSpecialProxyTarget] ?? props;
}

/**
 * `value[key]`, or `skip` when it is unknown (preview) and `key` holds no document; an unknown
 * document throws the engine's UnknownValueError, as reading it through the proxy does.
 */
function read(value: Record<string | number, unknown>, key: string | number, documentKey: boolean, at: Segment[]): unknown {
  const field = value[key];
  if (!UNKNOWN_SENTINELS.has(field)) return field;
  if (!documentKey) return SKIP;
  throw new UnknownValueError(field, at.map(String));
}
const SKIP = Symbol("unknown input");

type Segment = string | number;

/** A document object as the policies read it: through the engine's proxy when `root` is one, so an unknown inside it still throws. */
function documentAt(root: unknown, at: readonly Segment[], raw: unknown): unknown {
  if (root === null || typeof root !== "object" || (root as Record<string, unknown>)[proxyModule.getSpecialProxyTarget] === undefined) return raw;
  return at.reduce<unknown>((v, s) => (v as Record<Segment, unknown>)[s], root);
}

function documents(value: unknown, key: string | undefined, out: FoundDocument[], at: Segment[], root: unknown): void {
  if (at.length > 8 || value === SKIP) return;
  const isDocumentKey = key !== undefined && DOCUMENT_KEYS.has(key);
  if (typeof value === "string" && isDocumentKey) {
    const text = value.trim();
    // Not an object (an ARN or a name): nothing to check. An object that does not parse is
    // handed on as text, for the policies to refuse.
    if (text.startsWith("{")) {
      try {
        out.push({ path: inputPath(at), doc: JSON.parse(text) });
      } catch {
        out.push({ path: inputPath(at), doc: text });
      }
    }
    return;
  }
  if (typeof value === "string") {
    const doc = documentText(value);
    if (doc) out.push({ path: inputPath(at), doc });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      documents(read(value as unknown as Record<number, unknown>, i, isDocumentKey || (key !== undefined && DOCUMENT_CONTAINER_KEYS.has(key)), at), key, out, at, root);
      at.pop();
    }
  } else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if ("Statement" in record && (isDocumentKey || "Version" in record)) out.push({ path: inputPath(at), doc: documentAt(root, at, value) });
    else {
      for (const k of Object.keys(record)) {
        at.push(k);
        documents(read(record, k, DOCUMENT_KEYS.has(k) || DOCUMENT_CONTAINER_KEYS.has(k), at), k, out, at, root);
        at.pop();
      }
    }
  }
}

/** The documents found in `props`, each with the input path it came from. */
export function policyDocuments(props: unknown): FoundDocument[] {
  const found: FoundDocument[] = [];
  documents(unproxied(props), undefined, found, [], props);
  return found;
}
