import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { type PolicyDocument, policyDocument } from "../shared/iam";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/**
 * The most any role the platform creates for a workload may do: its permissions boundary.
 *
 * The deploy role creates these roles from CI, and may create one only with this boundary
 * (components/ci/role-policies.ts, `iam:PermissionsBoundary`). A role's effective permissions are
 * its own policies' intersected with its boundary (IAM User Guide, "Permissions boundaries for
 * IAM entities"), so no role CI creates can do more than this list, whatever policy CI gives it.
 * The list holds no IAM, STS or KMS-administration action: a role CI creates cannot create or
 * widen roles, so CI cannot climb past the list through one. The deploy role may not change this
 * policy (its guard), so widening it takes a person's `pulumi up`, like a change to the CI roles.
 *
 * One list, by the role that needs each action. tests/ci/role-boundary.test.ts checks it against
 * the roles the stacks record: every action a workload role's policies allow is here, and every
 * action here is allowed to some role.
 */
export const WORKLOAD_ACTIONS = {
  /** CloudWatch Logs delivery: VPC flow logs, CloudTrail, the log-intake function, the workers. */
  logs: ["logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"],
  /** Backup jobs and the restore drill report their runs as metrics (backup alarms). */
  metrics: ["cloudwatch:PutMetricData"],
  /** Encryption with the platform's customer-managed keys (backups, replication, logs, topics, the WireGuard key). */
  kms: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
  /** The log intake's de-duplication table. */
  dynamodb: ["dynamodb:DeleteItem", "dynamodb:PutItem"],
  /** The WireGuard gateway moves its fixed network interface to itself and reads its private key. */
  wireguard: ["ec2:AttachNetworkInterface", "ec2:DescribeNetworkInterfaces", "ssm:GetParameter"],
  /** The workers' execution role pulls the image and reads the task's secrets. */
  workerImage: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer", "secretsmanager:GetSecretValue"],
  /** The work queue: the workers consume it, the Vercel app's OIDC role sends to it. */
  queue: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage"],
  /** The maintenance notice publishes to the encrypted alert topic. */
  notify: ["sns:Publish"],
  /** Backup writer and drill (dumps in the backup bucket) and S3 replication to the DR region. */
  s3: [
    "s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging", "s3:GetReplicationConfiguration", "s3:ListBucket",
    "s3:PutObject", "s3:ReplicateObject", "s3:ReplicateTags",
  ],
  /**
   * The admin host's SSM agent: AWS's managed policy AmazonSSMManagedInstanceCore, which
   * components/management/admin-host.ts attaches (AWS Managed Policy Reference,
   * AmazonSSMManagedInstanceCore, version v2: its three statements).
   */
  ssmAgent: [
    "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest",
    "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory",
    "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint",
    "ec2messages:GetMessages", "ec2messages:SendReply",
  ],
} as const;

/** The AWS managed policy whose actions `WORKLOAD_ACTIONS.ssmAgent` lists. */
export const SSM_AGENT_MANAGED_POLICY = "AmazonSSMManagedInstanceCore";

/** The boundary's document: every workload action, once, on every resource (the roles' own policies scope resources). */
export function roleBoundaryDocument(): PolicyDocument {
  const actions = [...new Set(Object.values(WORKLOAD_ACTIONS).flat())].sort();
  return policyDocument([{ Sid: "WorkloadActions", Effect: "Allow", Action: actions, Resource: "*" }]);
}

/** The boundary policy's physical name (`<prefix>-role-boundary`); the CI roles name it in their conditions. */
export function roleBoundaryName(namePrefix: string): string {
  return physicalName("aws-iam-role", [namePrefix, "role-boundary"]);
}

export interface RoleBoundaryArgs {
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  tags?: Tags;
}

/** The boundary as a customer managed policy. Every workload role of every AWS layer sets it. */
export class RoleBoundary extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly policyName: string;

  constructor(name: string, args: RoleBoundaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:aws-shared:RoleBoundary", name, {}, opts);
    this.policyName = roleBoundaryName(args.namePrefix);
    const policy = new iam.Policy(
      name,
      {
        name: this.policyName,
        description: "The most a workload role of this stack may do (its permissions boundary)",
        policy: JSON.stringify(roleBoundaryDocument()),
        tags: mergeTags(args.tags, { Name: this.policyName }),
      },
      { parent: this },
    );
    this.arn = policy.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
