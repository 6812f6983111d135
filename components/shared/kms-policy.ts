/**
 * KMS key policies without `kms:*`. AWS's default key policy gives the account root `kms:*`;
 * the platform allows no wildcard actions (policies/rules/iam-no-wildcard-actions.ts), so the
 * account gets every key action by name — including PutKeyPolicy and ScheduleKeyDeletion, so
 * the key can never become unmanageable — and each AWS service only what it needs.
 * Action list: AWS KMS Developer Guide, "AWS KMS permissions" (key-resource actions).
 */
export const KMS_KEY_ACTIONS = [
  "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
  "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
  "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:GetPublicKey",
  "kms:ListGrants", "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom",
  "kms:ReEncryptTo", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
  "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
] as const;

/** What an AWS service principal may do with the key, scoped to this account. */
export interface KmsServiceGrant {
  /** e.g. `cloudwatch.amazonaws.com`. */
  service: string;
  actions: readonly string[];
}

/** Encrypt-side actions a service needs to publish to an encrypted SNS topic or queue (SNS docs, "Encryption at rest": kms:Decrypt + kms:GenerateDataKey*). */
export const PUBLISH_TO_ENCRYPTED = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

export function kmsKeyPolicy(accountId: string, services: readonly KmsServiceGrant[] = []): string {
  const statements: object[] = [
    { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: [...KMS_KEY_ACTIONS], Resource: "*" },
    ...services.map((grant, i) => ({
      Sid: `Service${i}${grant.service.split(".")[0]?.replace(/[^A-Za-z0-9]/g, "") ?? ""}`,
      Effect: "Allow",
      Principal: { Service: grant.service },
      Action: [...grant.actions],
      // Key policies name the key itself as "*" (KMS docs); the condition keeps other accounts' use of the service out.
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    })),
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
