import { type CiRoleKind, ciRoleArn, STATE_KEY_ACTIONS, stackStateKeys } from "../components/ci/state-access";
import { type PolicyDocument, type PolicyStatement, policyDocument } from "../components/shared/iam";

/**
 * The state key's and the state bucket's resource policies, as pure data. The CI roles do not
 * exist yet when the bootstrap runs (the stacks create them), and KMS and S3 refuse a policy
 * naming a principal that does not exist, so the CI statements name the account as principal and
 * pin the role with `aws:PrincipalArn` (IAM User Guide, global condition keys: aws:PrincipalArn
 * is the role's ARN for an assumed-role session). The roles' names are fixed
 * (components/ci/state-access.ts ciRoleName), so these policies and the roles agree by construction.
 */

export interface StackRef {
  /** Pulumi stack name (state keys: `.pulumi/stacks/<project>/<stack>.json`). */
  stack: string;
  /** `promptandpause:environment` of that stack (the CI roles' names). */
  environment: string;
}

export interface BackendPolicyArgs {
  partition: string;
  accountId: string;
  /** The main program's Pulumi project name. */
  project: string;
  /** Stacks whose state lives in this account's bucket. */
  stacks: StackRef[];
  /** Existing IAM principals (people's roles) that create stacks and run Pulumi by hand: kms:Encrypt etc. */
  operatorArns: string[];
}

/**
 * Key administration, for the account (IAM decides who): everything to manage the key, nothing
 * that uses it, and nothing that turns rotation off. Keeping the account as administrator is
 * what keeps the key manageable (KMS Developer Guide, "Default key policy": allows the account).
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:EnableKey",
  "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListGrants", "kms:ListKeyPolicies",
  "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
];

/** What people running `pulumi stack init` / `config set --secret` / `up` by hand need. */
export const OPERATOR_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

const roleArns = (a: BackendPolicyArgs, kind: CiRoleKind) => a.stacks.map((s) => ciRoleArn(a.partition, a.accountId, a.project, s.environment, kind));
const accountRoot = (a: BackendPolicyArgs) => `arn:${a.partition}:iam::${a.accountId}:root`;

/** Key policy of the stack-secrets key (which also encrypts the state bucket). */
export function secretsKeyPolicy(a: BackendPolicyArgs): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: accountRoot(a) }, Action: KEY_ADMIN_ACTIONS, Resource: "*" },
  ];
  if (a.operatorArns.length > 0) {
    statements.push({ Sid: "Operators", Effect: "Allow", Principal: { AWS: a.operatorArns }, Action: OPERATOR_KEY_ACTIONS, Resource: "*" });
  }
  for (const kind of ["deploy", "preview"] as const) {
    if (a.stacks.length === 0) continue;
    statements.push({
      Sid: kind === "deploy" ? "CiDeploy" : "CiPreview",
      Effect: "Allow",
      Principal: { AWS: accountRoot(a) },
      Action: STATE_KEY_ACTIONS[kind],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": roleArns(a, kind) } },
    });
  }
  return policyDocument(statements);
}

/**
 * Bucket policy of the state bucket: TLS only; the CI roles capped to their own stack's keys
 * (preview read-only), whatever their identity policies say; only the state key encrypts.
 */
export function stateBucketPolicy(a: BackendPolicyArgs & { bucket: string; keyArn: string }): PolicyDocument {
  const bucketArn = `arn:${a.partition}:s3:::${a.bucket}`;
  const statements: PolicyStatement[] = [
    {
      // S3 User Guide, "Enforce encryption in transit" (aws:SecureTransport). A Deny of s3:* is no grant.
      Sid: "TlsOnly",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "OnlyTheStateKey",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${bucketArn}/*`,
      // Only when an upload names a key (Null … false); uploads without one get the bucket's default (the state key).
      Condition: { Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": a.keyArn } },
    },
  ];
  if (a.stacks.length > 0) {
    statements.push({
      Sid: "PreviewNeverWrites",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"],
      Resource: `${bucketArn}/*`,
      Condition: { ArnEquals: { "aws:PrincipalArn": roleArns(a, "preview") } },
    });
  }
  for (const s of a.stacks) {
    const keys = stackStateKeys(a.project, s.stack);
    const own = [...keys.shared, ...keys.stack].map((k) => `${bucketArn}/${k}`);
    for (const kind of ["deploy", "preview"] as const) {
      statements.push({
        Sid: `${kind === "deploy" ? "Deploy" : "Preview"}OwnStack${sidPart(s.stack)}`,
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        NotResource: [bucketArn, ...own],
        Condition: { ArnEquals: { "aws:PrincipalArn": ciRoleArn(a.partition, a.accountId, a.project, s.environment, kind) } },
      });
    }
  }
  return policyDocument(statements);
}

function sidPart(stack: string): string {
  return stack
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
