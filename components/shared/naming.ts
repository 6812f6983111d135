/**
 * Physical (cloud-side) names. Every service has its own length and character rules; this is
 * the one place that knows them, so no component concatenates names by hand and no name is
 * rejected by a provider halfway through an `up`.
 */

export interface NamingRule {
  /** Longest name the service accepts. */
  maxLength: number;
  /** Characters the service accepts (applied after lower-casing when `lowercase`). */
  allowed: RegExp;
  /** Force lower case (Vercel project names, DNS-like names). */
  lowercase: boolean;
  /** Where the rule comes from, for reviewers. */
  source: string;
}

/** Services whose names we generate, with their documented limits. */
export const NAMING_RULES = {
  /**
   * Vercel projects: the intersection of what the Terraform/Pulumi provider validates
   * (`vercel_project.name`: length 1–52, `^[a-z0-9\-]{0,100}$`) and what Vercel's API documents
   * (up to 100 lowercase letters, digits, `.`, `_`, `-`, no `---`): 1–52 of `a-z`, `0-9`, `-`.
   * Names over 52 characters, or with `.` / `_`, pass Vercel but fail the provider at plan time.
   */
  "vercel-project": {
    maxLength: 52,
    allowed: /[a-z0-9-]/,
    lowercase: true,
    source: "terraform-provider-vercel vercel_project.name validators ∩ Vercel project name rules",
  },
  /** Supabase Management API: `V1CreateProjectBody.name` maxLength 256. */
  "supabase-project": { maxLength: 256, allowed: /[a-zA-Z0-9 ._-]/, lowercase: false, source: "management-api-v1 V1CreateProjectBody.name" },
  /** Cloudflare health checks: alphanumerics, hyphens and underscores only. */
  "cloudflare-healthcheck": { maxLength: 100, allowed: /[a-z0-9_-]/, lowercase: true, source: "Cloudflare Healthchecks API name" },
  /** Cloudflare rulesets: free text, kept short and readable in the dashboard. */
  "cloudflare-ruleset": { maxLength: 100, allowed: /[a-zA-Z0-9 ._:()-]/, lowercase: false, source: "Cloudflare Rulesets API name" },
  /** Vercel log drains and other Vercel integrations share the project rule. */
  "vercel-log-drain": { maxLength: 100, allowed: /[a-z0-9._-]/, lowercase: true, source: "Vercel log drain name" },
  /**
   * EC2 `Name` tags: tag values are up to 256 Unicode characters (EC2 "Tag restrictions"); we keep
   * them short, lower case and dash-separated so they read the same in every console.
   */
  "aws-name-tag": { maxLength: 128, allowed: /[a-z0-9-]/, lowercase: true, source: "EC2 User Guide, Tag restrictions (value up to 256 characters)" },
  /**
   * Security-group names: up to 255 characters of `a-zA-Z0-9 ._-:/()#,@[]+=&;{}!$*`, and not
   * starting with `sg-` (EC2 API CreateSecurityGroup, GroupName). Ours start with the project name.
   */
  "aws-security-group": { maxLength: 255, allowed: /[a-z0-9._-]/, lowercase: true, source: "EC2 API Reference, CreateSecurityGroup GroupName" },
  /** IAM role names: up to 64 characters of `[\w+=,.@-]` (IAM API CreateRole, RoleName). */
  "aws-iam-role": { maxLength: 64, allowed: /[a-zA-Z0-9+=,.@_-]/, lowercase: false, source: "IAM API Reference, CreateRole RoleName" },
  /** CloudWatch log groups: 1–512 characters of `[\.\-_/#A-Za-z0-9]` (CloudWatch Logs API CreateLogGroup). */
  "aws-log-group": { maxLength: 512, allowed: /[a-zA-Z0-9._#-]/, lowercase: false, source: "CloudWatch Logs API Reference, CreateLogGroup logGroupName" },
  /** SNS topics: up to 256 alphanumerics, hyphens and underscores (SNS API CreateTopic, Name). */
  "aws-sns-topic": { maxLength: 256, allowed: /[a-zA-Z0-9_-]/, lowercase: false, source: "SNS API Reference, CreateTopic Name" },
  /**
   * KMS alias names after `alias/`: up to 256 characters in all of `[a-zA-Z0-9/_-]`, and not
   * `alias/aws/…` (KMS API CreateAlias, AliasName). The `alias/` prefix is added by the caller.
   */
  "aws-kms-alias": { maxLength: 250, allowed: /[a-zA-Z0-9_-]/, lowercase: false, source: "KMS API Reference, CreateAlias AliasName" },
  /**
   * S3 general purpose buckets: 3-63 characters, lower-case letters, digits, `.` and `-`, starting
   * and ending with a letter or digit (S3 User Guide, "General purpose bucket naming rules").
   * We leave out `.`: dotted names break virtual-hosted-style TLS (the wildcard certificate
   * covers one label only).
   */
  "aws-s3-bucket": { maxLength: 63, allowed: /[a-z0-9-]/, lowercase: true, source: "S3 User Guide, general purpose bucket naming rules (dots left out)" },
  /**
   * ElastiCache replication group id (also the prefix of every member cluster id,
   * `<id>-0001-001`): 1–40 letters, digits or hyphens, first a letter, no `--`, no trailing `-`,
   * stored lower case (CreateReplicationGroup `ReplicationGroupId` constraints).
   */
  "aws-elasticache-replication-group": { maxLength: 40, allowed: /[a-z0-9-]/, lowercase: true, source: "ElastiCache API CreateReplicationGroup ReplicationGroupId" },
  /** Cache subnet group / parameter group names: up to 255 letters, digits, hyphens, lower case (CreateCacheSubnetGroup, CreateCacheParameterGroup). */
  "aws-elasticache-group": { maxLength: 255, allowed: /[a-z0-9-]/, lowercase: true, source: "ElastiCache API CreateCacheSubnetGroup CacheSubnetGroupName" },
  /** Snapshot names (the final snapshot): 1–255, same alphabet as cluster ids (CreateSnapshot SnapshotName). */
  "aws-elasticache-snapshot": { maxLength: 255, allowed: /[a-z0-9-]/, lowercase: true, source: "ElastiCache API DeleteReplicationGroup FinalSnapshotIdentifier" },
  /** SQS standard queue names: 1–80 alphanumerics, hyphens, underscores (CreateQueue QueueName). */
  "aws-sqs-queue": { maxLength: 80, allowed: /[A-Za-z0-9_-]/, lowercase: false, source: "SQS API CreateQueue QueueName" },
  /** ECS cluster and service names: up to 255 letters, digits, hyphens, underscores (CreateCluster, CreateService). */
  "aws-ecs": { maxLength: 255, allowed: /[A-Za-z0-9_-]/, lowercase: false, source: "ECS API CreateCluster clusterName / CreateService serviceName" },
  /** ECR repository names: 2–256, lower case, digits, `.`, `_`, `-` (and `/` for namespaces, which we do not use; CreateRepository repositoryName). */
  "aws-ecr-repository": { maxLength: 256, allowed: /[a-z0-9._-]/, lowercase: true, source: "ECR API CreateRepository repositoryName" },
  /** CloudWatch alarm names: 1–255 printable characters; kept to a safe subset (PutMetricAlarm AlarmName). */
  "aws-cloudwatch-alarm": { maxLength: 255, allowed: /[A-Za-z0-9._:-]/, lowercase: false, source: "CloudWatch API PutMetricAlarm AlarmName" },
  /** Secrets Manager secret names: 1–512 of `[A-Za-z0-9/_+=.@-]` (CreateSecret Name); we use no `/` paths. */
  "aws-secretsmanager-secret": { maxLength: 512, allowed: /[A-Za-z0-9_+=.@-]/, lowercase: false, source: "Secrets Manager API CreateSecret Name" },
  /** Lambda function names: 1–64 characters of `[a-zA-Z0-9-_]` (Lambda API CreateFunction, FunctionName). */
  "aws-lambda-function": { maxLength: 64, allowed: /[a-z0-9_-]/, lowercase: true, source: "Lambda API Reference, CreateFunction FunctionName" },
  /**
   * CloudTrail trail names: 3–128 characters of letters, digits, `.`, `_`, `-`, starting and
   * ending with a letter or digit, no adjacent separators (CloudTrail API CreateTrail, Name).
   */
  "aws-cloudtrail": { maxLength: 128, allowed: /[a-z0-9-]/, lowercase: true, source: "CloudTrail API Reference, CreateTrail Name" },
  /**
   * EventBridge rule names (1–64 of `[\.\-_A-Za-z0-9]`, EventBridge API PutRule) and EventBridge
   * Scheduler schedule names (1–64 of `[0-9a-zA-Z-_.]`, Scheduler API CreateSchedule): one rule for both.
   */
  "aws-event-rule": { maxLength: 64, allowed: /[a-z0-9._-]/, lowercase: true, source: "EventBridge API PutRule Name; Scheduler API CreateSchedule Name" },
  /** SSM maintenance windows: 3–128 characters of `[a-zA-Z0-9_\-.]` (SSM API CreateMaintenanceWindow, Name). */
  "aws-ssm-window": { maxLength: 128, allowed: /[a-z0-9_.-]/, lowercase: true, source: "SSM API Reference, CreateMaintenanceWindow Name" },
  /** CloudWatch alarm names: 1–255 characters (CloudWatch API PutMetricAlarm, AlarmName); kept to dash-separated words. */
  "aws-alarm": { maxLength: 255, allowed: /[a-z0-9._-]/, lowercase: true, source: "CloudWatch API Reference, PutMetricAlarm AlarmName" },
  /** DynamoDB tables: 3–255 characters of `[a-zA-Z0-9_.-]` (DynamoDB API CreateTable, TableName). */
  "aws-dynamodb-table": { maxLength: 255, allowed: /[a-z0-9_.-]/, lowercase: true, source: "DynamoDB API Reference, CreateTable TableName" },
  /** CloudWatch dashboards: up to 255 characters of `[A-Za-z0-9-_]` (CloudWatch API PutDashboard, DashboardName). */
  "aws-dashboard": { maxLength: 255, allowed: /[a-z0-9_-]/, lowercase: true, source: "CloudWatch API Reference, PutDashboard DashboardName" },
} as const satisfies Record<string, NamingRule>;

export type NamedService = keyof typeof NAMING_RULES;

/**
 * Builds a physical name from parts (`["promptandpause", "prod", "web"]` → `promptandpause-prod-web`),
 * dropping characters the service refuses and shortening over-long names with a stable hash
 * suffix so two long names never collide.
 */
export function physicalName(service: NamedService, parts: readonly string[]): string {
  const rule: NamingRule = NAMING_RULES[service];
  const joined = parts.filter((p) => p.length > 0).join("-");
  const cased = rule.lowercase ? joined.toLowerCase() : joined;
  let cleaned = [...cased].map((ch) => (rule.allowed.test(ch) ? ch : "-")).join("");
  cleaned = cleaned.replace(/-{2,}/g, "-").replace(/^[-._ ]+|[-._ ]+$/g, "");
  if (cleaned.length === 0) throw new Error(`physicalName(${service}): no usable characters in ${JSON.stringify(parts)}`);
  if (cleaned.length <= rule.maxLength) return cleaned;
  const suffix = shortHash(cleaned);
  const head = cleaned.slice(0, rule.maxLength - suffix.length - 1).replace(/[-._ ]+$/, "");
  return `${head}-${suffix}`;
}

/**
 * Whether `name` is already a valid physical name for `service`, by the exact rule
 * {@link physicalName} enforces: a name is valid when `physicalName` would leave it unchanged
 * (allowed characters only, right case, within the length limit, no leading or trailing
 * separator, no repeated `-`). Configuration schemas validate user-supplied names with this, so
 * the schema and the generated names can never disagree.
 */
export function isPhysicalName(service: NamedService, name: string): boolean {
  try {
    return physicalName(service, [name]) === name;
  } catch {
    return false;
  }
}

/** The rule {@link isPhysicalName} checks, in words, for error messages. */
export function describeNamingRule(service: NamedService): string {
  const rule: NamingRule = NAMING_RULES[service];
  const chars = rule.allowed.source.replace(/^\[|\]$/g, "");
  return `1-${rule.maxLength} characters from [${chars}]${rule.lowercase ? " (lower case)" : ""}, not starting or ending with a separator, without repeated '-'`;
}

/** 8 hex chars of FNV-1a: stable across runs and machines, enough to keep shortened names apart. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
