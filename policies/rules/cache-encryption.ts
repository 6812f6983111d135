/**
 * cache-encryption: every ElastiCache replication group is encrypted in transit with TLS
 * REQUIRED (not "preferred", which still accepts plaintext), encrypted at rest with a
 * customer-managed KMS key, and authenticates clients (an AUTH token or RBAC user groups). The
 * token's value is never read beyond "is it set". The other ways to run a Redis-protocol cache are
 * held to the same floor: a standalone cache cluster (not a replication group member) can neither
 * encrypt at rest nor take an AUTH token, so it is refused; a serverless cache (always TLS and
 * encrypted) must name the customer-managed key and an RBAC user group.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { CacheClusterType, ReplicationGroupType, ServerlessCacheType } from "../lib/aws-shapes";
import { configWithDefaults } from "../lib/util";

export const configSchema = {
  properties: {
    requireCustomerManagedKey: {
      type: "boolean",
      description: "At-rest encryption must name a customer-managed KMS key (kmsKeyId), not the AWS-owned default key.",
      default: true,
    },
  },
} as const;

/**
 * ElastiCache takes `kmsKeyId` as "the ARN of the key" (@pulumi/aws 7 elasticache docs). A key
 * ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`) names one key; an alias can be repointed
 * later, and `alias/aws/elasticache` is the AWS-managed key this floor excludes. So only a key ARN
 * counts as the customer-managed key.
 */
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Why `kmsKeyId` is not a customer-managed key, or undefined when it is one. */
function keyProblem(name: string, kmsKeyId: unknown): string | undefined {
  if (!kmsKeyId) return `${name} must set kmsKeyId to a customer-managed KMS key (with rotation) for data at rest and snapshots.`;
  if (typeof kmsKeyId !== "string" || !KEY_ARN.test(kmsKeyId)) return `${name} sets kmsKeyId to ${JSON.stringify(kmsKeyId)}, which is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias can point at another key, and alias/aws/elasticache is the AWS-managed key. Name the customer-managed key's ARN.`;
  return undefined;
}

export const cacheEncryption: ResourceValidationPolicy = {
  name: "cache-encryption",
  description: "ElastiCache replication groups require TLS in transit, encrypt at rest with a customer-managed KMS key, and require AUTH (token or RBAC); serverless caches name the key and a user group; standalone cache nodes are refused.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: [
    validateResourceOfType(CacheClusterType, (cluster, args, reportViolation) => {
      if (cluster.replicationGroupId !== undefined) return;
      reportViolation(`Cache cluster "${args.name}" is a standalone ${String(cluster.engine)} node: it cannot encrypt at rest or require an AUTH token. Run the cache as a replication group (components/cache).`);
    }),
    validateResourceOfType(ServerlessCacheType, (cache, args, reportViolation) => {
      const cfg = configWithDefaults({ requireCustomerManagedKey: true }, args);
      const name = `Serverless cache "${args.name}"`;
      const keyIssue = cfg.requireCustomerManagedKey ? keyProblem(name, cache.kmsKeyId) : undefined;
      if (keyIssue) reportViolation(keyIssue);
      if (!cache.userGroupId) reportViolation(`${name} has no authentication: set userGroupId (RBAC); without it any client that reaches the endpoint is let in.`);
    }),
    validateResourceOfType(ReplicationGroupType, (group, args, reportViolation) => {
    const cfg = configWithDefaults({ requireCustomerManagedKey: true }, args);
    const name = `Replication group "${args.name}"`;
    if (group.transitEncryptionEnabled !== true) reportViolation(`${name} must set transitEncryptionEnabled to true (got ${String(group.transitEncryptionEnabled)}): without TLS the AUTH token and every cached value cross the network in clear text.`);
    else if (group.transitEncryptionMode !== undefined && group.transitEncryptionMode !== "required") {
      reportViolation(`${name} must set transitEncryptionMode to "required" (got "${group.transitEncryptionMode}"): "preferred" still accepts unencrypted connections.`);
    }
    if (group.atRestEncryptionEnabled !== true) reportViolation(`${name} must set atRestEncryptionEnabled to true (got ${String(group.atRestEncryptionEnabled)}).`);
    else if (cfg.requireCustomerManagedKey) {
      const keyIssue = keyProblem(name, group.kmsKeyId);
      if (keyIssue) reportViolation(keyIssue);
    }
    const hasToken = typeof group.authToken === "string" && group.authToken.length > 0;
    const hasRbac = (group.userGroupIds ?? []).length > 0;
    if (!hasToken && !hasRbac) reportViolation(`${name} has no authentication: set authToken (a RandomPassword, secret) or userGroupIds (RBAC).`);
    }),
  ],
};
