/**
 * cache-encryption: every ElastiCache replication group is encrypted in transit with TLS
 * REQUIRED (not "preferred", which still accepts plaintext), encrypted at rest with a
 * customer-managed KMS key, and authenticates clients (an AUTH token or RBAC user groups). The
 * token's value is never read beyond "is it set".
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ReplicationGroupType } from "../lib/aws-shapes";
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

export const cacheEncryption: ResourceValidationPolicy = {
  name: "cache-encryption",
  description: "ElastiCache replication groups require TLS in transit, encrypt at rest with a customer-managed KMS key, and require AUTH (token or RBAC).",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(ReplicationGroupType, (group, args, reportViolation) => {
    const cfg = configWithDefaults({ requireCustomerManagedKey: true }, args);
    const name = `Replication group "${args.name}"`;
    if (group.transitEncryptionEnabled !== true) reportViolation(`${name} must set transitEncryptionEnabled to true (got ${String(group.transitEncryptionEnabled)}): without TLS the AUTH token and every cached value cross the network in clear text.`);
    else if (group.transitEncryptionMode !== undefined && group.transitEncryptionMode !== "required") {
      reportViolation(`${name} must set transitEncryptionMode to "required" (got "${group.transitEncryptionMode}"): "preferred" still accepts unencrypted connections.`);
    }
    if (group.atRestEncryptionEnabled !== true) reportViolation(`${name} must set atRestEncryptionEnabled to true (got ${String(group.atRestEncryptionEnabled)}).`);
    else if (cfg.requireCustomerManagedKey && !group.kmsKeyId) reportViolation(`${name} must set kmsKeyId to a customer-managed KMS key (with rotation) for data at rest and snapshots.`);
    const hasToken = typeof group.authToken === "string" && group.authToken.length > 0;
    const hasRbac = (group.userGroupIds ?? []).length > 0;
    if (!hasToken && !hasRbac) reportViolation(`${name} has no authentication: set authToken (a RandomPassword, secret) or userGroupIds (RBAC).`);
  }),
};
