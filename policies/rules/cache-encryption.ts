/**
 * cache-encryption: every ElastiCache replication group is encrypted in transit with TLS
 * REQUIRED (not "preferred", which still accepts plaintext), encrypted at rest with a
 * customer-managed KMS key with rotation, and authenticates clients (an AUTH token or RBAC user
 * groups). The token's value is never read beyond "is it set". The other ways to run a
 * Redis-protocol cache are held to the same floor: a standalone cache cluster (not a replication
 * group member) can neither encrypt at rest nor take an AUTH token, so it is refused; a serverless
 * cache (always TLS and encrypted) must name the customer-managed key and an RBAC user group.
 *
 * A stack policy, because a key ARN alone cannot tell a customer-managed key from the AWS-managed
 * `aws/elasticache` key (both are `arn:aws:kms:<region>:<account>:key/<id>`). The key counts as
 * customer-managed when `kmsKeyId` comes from an `aws.kms.Key` of this stack (its property
 * dependency, known in a real preview even before the key exists) that rotates, or when the
 * policy config lists the ARN as an external customer-managed key.
 */
import { type PolicyResource, type ReportViolation, type StackValidationArgs, type StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { CACHE_LAYER_TYPES, type CacheClusterInputs, type ReplicationGroupInputs, type ServerlessCacheInputs } from "../lib/aws-shapes";
import { configFrom } from "../lib/util";

/**
 * ElastiCache takes `kmsKeyId` as "the ARN of the key" (@pulumi/aws 7 elasticache docs). A key
 * ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`) names one key; an alias can be repointed
 * later, and `alias/aws/elasticache` is the AWS-managed key this floor excludes.
 */
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * No switch turns the customer-managed key off: the floor holds whatever the stack's policy config
 * says. A key that lives elsewhere is named, after review, in `externalKeyArns`.
 */
export const configSchema = {
  properties: {
    externalKeyArns: {
      type: "array",
      items: { type: "string", pattern: KEY_ARN.source },
      description: "Customer-managed KMS keys with rotation that live outside this stack (e.g. a security account's key), by key ARN, that a cache may name literally. Every other key must be an aws.kms.Key of this stack.",
      default: [],
    },
  },
} as const;

interface Config {
  externalKeyArns: string[];
}

const KMS_KEY_TYPE = "aws:kms/key:Key";

/** A read that may meet a value unknown during a preview: the value, or UNKNOWN. */
const UNKNOWN = Symbol("unknown");
function read<T>(get: () => T): T | typeof UNKNOWN {
  try {
    return get();
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/**
 * Why the resource's `kmsKeyId` is not a customer-managed key with rotation, or undefined when it
 * is one. `name` starts the message ("Replication group \"cache-group\"").
 */
function keyProblem(name: string, resource: PolicyResource, cfg: Config): string | undefined {
  const deps = resource.propertyDependencies?.kmsKeyId ?? [];
  const kmsKeyId = read(() => (resource.props as { kmsKeyId?: unknown }).kmsKeyId);
  if (deps.length > 0) {
    // From resources of this stack: the value is not known yet in a real preview of a new key,
    // the key's inputs are. It must come from one key alone, so a value computed from the key
    // and something else (another key, an alias) does not count as the key.
    const [key, ...others] = deps;
    if (!key || others.length > 0 || key.type !== KMS_KEY_TYPE) {
      return `${name} computes kmsKeyId from ${deps.map((d) => `${d.type} "${d.name}"`).join(", ")}: it must be the ARN of one aws.kms.Key of this stack (key.arn), with enableKeyRotation.`;
    }
    if (key.props.enableKeyRotation !== true) return `${name} encrypts with the KMS key "${key.name}", which does not rotate: set enableKeyRotation to true on it.`;
    if (kmsKeyId === UNKNOWN) return undefined;
    // Once the key exists (pulumi up, a preview of an existing stack) the engine hands policies its
    // outputs: the value must be that key's own ARN or id, not another key's ARN computed from it.
    const own = [read(() => key.props.arn), read(() => key.props.keyId)].filter((v): v is string => typeof v === "string");
    if (typeof kmsKeyId !== "string" || !KEY_ARN.test(kmsKeyId) || (own.length > 0 && !own.includes(kmsKeyId))) {
      return `${name} sets kmsKeyId to ${JSON.stringify(kmsKeyId)}, which is not the ARN of the KMS key "${key.name}" it is computed from: pass key.arn itself.`;
    }
    return undefined;
  }
  if (kmsKeyId === UNKNOWN) return `${name} takes kmsKeyId from outside this stack, and its value is not known yet: name the key's ARN, or an aws.kms.Key of this stack.`;
  if (!kmsKeyId) return `${name} must set kmsKeyId to a customer-managed KMS key (with rotation) for data at rest and snapshots.`;
  if (typeof kmsKeyId !== "string" || !KEY_ARN.test(kmsKeyId)) {
    return `${name} sets kmsKeyId to ${JSON.stringify(kmsKeyId)}, which is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias can point at another key, and alias/aws/elasticache is the AWS-managed key. Name the customer-managed key's ARN.`;
  }
  if (cfg.externalKeyArns.includes(kmsKeyId)) return undefined;
  return `${name} sets kmsKeyId to ${kmsKeyId}, a key this stack does not manage: an ARN cannot tell a customer-managed key from the AWS-managed aws/elasticache key. Use an aws.kms.Key of this stack with enableKeyRotation, or list the ARN under this policy's externalKeyArns once you have checked it is customer-managed and rotates.`;
}

export function validateCacheEncryption(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const cfg = configFrom<Config>(configSchema, args);
  // A value unknown during a preview stops the check of that resource only: the others are still
  // checked, and the first unknown is rethrown at the end, which the server reports as "can't run".
  let unknown: UnknownValueError | undefined;
  for (const r of args.resources) {
    try {
      validateCache(r, cfg, reportViolation);
    } catch (err) {
      if (!(err instanceof UnknownValueError)) throw err;
      unknown ??= err;
    }
  }
  if (unknown) throw unknown;
}

function validateCache(r: PolicyResource, cfg: Config, reportViolation: ReportViolation): void {
  if (r.type === CACHE_LAYER_TYPES.cacheCluster) {
    const cluster = r.props as CacheClusterInputs;
    if (cluster.replicationGroupId !== undefined) return;
    reportViolation(`Cache cluster "${r.name}" is a standalone ${String(cluster.engine)} node: it cannot encrypt at rest or require an AUTH token. Run the cache as a replication group (components/cache).`, r.urn);
  } else if (r.type === CACHE_LAYER_TYPES.serverlessCache) {
    const cache = r.props as ServerlessCacheInputs;
    const name = `Serverless cache "${r.name}"`;
    const keyIssue = keyProblem(name, r, cfg);
    if (keyIssue) reportViolation(keyIssue, r.urn);
    // An id not known yet (a user group created in this preview) is set.
    if (!read(() => cache.userGroupId)) reportViolation(`${name} has no authentication: set userGroupId (RBAC); without it any client that reaches the endpoint is let in.`, r.urn);
  } else if (r.type === CACHE_LAYER_TYPES.replicationGroup) {
    validateReplicationGroup(r, cfg, reportViolation);
  }
}

function validateReplicationGroup(r: PolicyResource, cfg: Config, reportViolation: ReportViolation): void {
  const group = r.props as ReplicationGroupInputs;
  const name = `Replication group "${r.name}"`;
  if (group.transitEncryptionEnabled !== true) reportViolation(`${name} must set transitEncryptionEnabled to true (got ${String(group.transitEncryptionEnabled)}): without TLS the AUTH token and every cached value cross the network in clear text.`, r.urn);
  else if (group.transitEncryptionMode !== undefined && group.transitEncryptionMode !== "required") {
    reportViolation(`${name} must set transitEncryptionMode to "required" (got "${group.transitEncryptionMode}"): "preferred" still accepts unencrypted connections.`, r.urn);
  }
  if (group.atRestEncryptionEnabled !== true) reportViolation(`${name} must set atRestEncryptionEnabled to true (got ${String(group.atRestEncryptionEnabled)}).`, r.urn);
  else {
    const keyIssue = keyProblem(name, r, cfg);
    if (keyIssue) reportViolation(keyIssue, r.urn);
  }
  // A token not known yet (a RandomPassword created in this preview) is set; its value is never read further.
  const token = read(() => group.authToken);
  const hasToken = token === UNKNOWN || (typeof token === "string" && token.length > 0);
  const hasRbac = (group.userGroupIds ?? []).length > 0;
  if (!hasToken && !hasRbac) reportViolation(`${name} has no authentication: set authToken (a RandomPassword, secret) or userGroupIds (RBAC).`, r.urn);
}

export const cacheEncryption: StackValidationPolicy = {
  name: "cache-encryption",
  description:
    "ElastiCache replication groups require TLS in transit, encrypt at rest with a customer-managed KMS key that rotates (a key of this stack, or one the config lists), and require AUTH (token or RBAC); serverless caches name the key and a user group; standalone cache nodes are refused.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateCacheEncryption,
};
