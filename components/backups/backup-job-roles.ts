import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { githubTrustPolicy } from "../ci/trust";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/**
 * The IAM roles the scheduled GitHub Actions jobs assume through GitHub's OIDC provider
 * (.github/workflows/backup.yml):
 * - writer: the daily jobs. s3:PutObject (and the multipart calls it implies) under the job
 *   prefixes only, nothing that reads, deletes, overwrites a lock or bypasses governance mode
 *   (denied explicitly, so a broader policy attached later cannot grant it); the KMS calls
 *   SSE-KMS uploads need, only through S3; the heartbeat metric in its namespace only.
 * - drill: the weekly restore drill. List and read `database/` only, decrypt only through S3,
 *   and publish its result metrics.
 * Trust is pinned to one repository and one GitHub environment (`sub` =
 * `repo:<owner>/<repo>:environment:<env>`, `aud` = `sts.amazonaws.com`: GitHub's OIDC docs).
 */

export interface BackupJobRolesArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** ARN of the account's GitHub OIDC provider (token.actions.githubusercontent.com), from the CI roles. */
  githubOidcProviderArn: pulumi.Input<string>;
  /** `owner/repo` whose workflow may assume the roles. */
  repository: string;
  /** GitHub environment the backup jobs run in (its name goes into the trust condition). */
  environment: string;
  /** Backup bucket ARN. */
  bucketArn: pulumi.Input<string>;
  /** KMS key the bucket encrypts with. */
  kmsKeyArn: pulumi.Input<string>;
  /** Region of the bucket and key (for the kms:ViaService condition). */
  region: string;
  /** CloudWatch namespace of the heartbeat and drill metrics. */
  metricNamespace: string;
  /** Prefix of physical names, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** Maximum session length, seconds (3600–43200). @default 3600 */
  maxSessionDurationSeconds?: number;
  /** Extra tags. @default {} */
  tags?: Tags;
}

/** Prefixes the writer may create objects under (scripts/backup). */
export const WRITER_PREFIXES = ["database/", "storage/", "config/"] as const;

export class BackupJobRoles extends pulumi.ComponentResource {
  /** Role of the daily backup jobs. */
  public readonly writerRoleArn: pulumi.Output<string>;
  /** Role of the weekly restore drill. */
  public readonly drillRoleArn: pulumi.Output<string>;

  constructor(name: string, args: BackupJobRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:backups:BackupJobRoles", name, {}, opts);
    const writer = this.createRole(name, "writer", args, writerPolicy(args));
    const drill = this.createRole(name, "drill", args, drillPolicy(args));
    this.writerRoleArn = writer.arn;
    this.drillRoleArn = drill.arn;
    this.registerOutputs({ writerRoleArn: this.writerRoleArn, drillRoleArn: this.drillRoleArn });
  }

  private createRole(name: string, role: "writer" | "drill", args: BackupJobRolesArgs, policy: pulumi.Output<string>): iam.Role {
    const r = new iam.Role(
      `${name}-${role}`,
      {
        name: physicalName("aws-iam-role", [args.namePrefix, `backup-${role}`]),
        permissionsBoundary: args.permissionsBoundary,
        description: role === "writer" ? "Daily backup jobs (GitHub Actions): write-only to the backup bucket" : "Weekly restore drill (GitHub Actions): reads database dumps",
        // The platform's one GitHub trust document (components/ci/trust.ts): aud and one exact sub, StringEquals.
        assumeRolePolicy: pulumi.output(args.githubOidcProviderArn).apply((arn) => JSON.stringify(githubTrustPolicy(arn, { kind: "environment", repository: args.repository, environment: args.environment }))),
        maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
        tags: mergeTags(args.tags, { Name: `${args.namePrefix}-backup-${role}` }),
      },
      { parent: this },
    );
    new iam.RolePolicy(`${name}-${role}-policy`, { role: r.id, policy }, { parent: this });
    return r;
  }
}

const metricStatement = (namespace: string) => ({
  Sid: "PublishBackupMetrics",
  Effect: "Allow",
  Action: ["cloudwatch:PutMetricData"],
  // PutMetricData has no resource-level permissions; the namespace condition key scopes it.
  Resource: "*",
  Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
});

function writerPolicy(args: BackupJobRolesArgs): pulumi.Output<string> {
  const objects = WRITER_PREFIXES.map((p) => pulumi.interpolate`${args.bucketArn}/${p}*`);
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload.
      { Sid: "WriteBackups", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: objects },
      {
        Sid: "EncryptThroughS3",
        Effect: "Allow",
        // GenerateDataKey for every SSE-KMS PUT; Decrypt because S3 needs it to complete a multipart upload (S3 CreateMultipartUpload permissions).
        Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"],
        Resource: args.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
      },
      metricStatement(args.metricNamespace),
      {
        Sid: "NeverDeleteOrUnlock",
        Effect: "Deny",
        Action: [
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutObjectRetention",
          "s3:PutObjectLegalHold",
          "s3:BypassGovernanceRetention",
          "s3:PutLifecycleConfiguration",
          "s3:PutBucketVersioning",
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutReplicationConfiguration",
          "s3:PutBucketPolicy",
          "s3:DeleteBucket",
        ],
        Resource: [args.bucketArn, pulumi.interpolate`${args.bucketArn}/*`],
      },
    ],
  });
}

function drillPolicy(args: BackupJobRolesArgs): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListDumps", Effect: "Allow", Action: ["s3:ListBucket"], Resource: args.bucketArn, Condition: { StringLike: { "s3:prefix": ["database/*"] } } },
      { Sid: "ReadDumps", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${args.bucketArn}/database/*` },
      { Sid: "DecryptThroughS3", Effect: "Allow", Action: ["kms:Decrypt"], Resource: args.kmsKeyArn, Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } } },
      metricStatement(args.metricNamespace),
    ],
  });
}
