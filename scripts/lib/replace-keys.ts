import { diffReadReplicas } from "../../components/database/supabase/read-replica-ops";
import { diffProject } from "../../components/database/supabase/project-ops";
import { diffSettings } from "../../components/database/supabase/settings-ops";
import { diffInputs as diffStripeWebhook } from "../../components/app/stripe/webhook-endpoint-ops";

/**
 * Which input changes make Pulumi REPLACE a resource (create a new one, delete the old) instead
 * of updating it in place. That knowledge lives in the provider plugins, which cannot be
 * downloaded here, so it is kept as data: one entry per resource type, each with its source.
 *
 * - Bridged Terraform providers: the attribute's `ForceNew: true` (SDK v2) or
 *   `RequiresReplace()` / `RequiresReplaceIfConfigured()` plan modifier (plugin framework) in
 *   the upstream provider's schema. Names are Pulumi's (camelCase of the Terraform name).
 * - Our dynamic providers: their own `diff` function is called, so the table cannot drift from
 *   what `pulumi up` will do.
 * - A type with no entry is reported as "may replace" when it changes: unknown, never guessed.
 *
 * Adding a resource type (e.g. a new AWS layer): look its schema up in the upstream provider
 * source (`internal/service/<svc>/<name>.go` of terraform-provider-aws) and add an entry with
 * the file and commit you read. Conditional replacements (a provider `CustomizeDiff`) go under
 * `conditional`, which the diff reports as "may replace".
 */

/** The plan's masked inputs of one resource. */
export type Inputs = Record<string, unknown>;

export interface ReplaceRule {
  /** Input paths (Pulumi names; `a.b` for a nested attribute) whose change forces a replacement. */
  keys?: readonly string[];
  /** The resource has no update at all: any input change replaces it. */
  allInputs?: boolean;
  /** Inputs whose change replaces only in some cases (decided by provider code at run time). */
  conditional?: readonly string[];
  /** A dynamic provider's own `diff`: returns the inputs that force a replacement. */
  diff?: (olds: Inputs, news: Inputs) => readonly string[];
  /** Where the entry comes from. */
  source: string;
  /** What an offline plan cannot see (e.g. a replacement decided by a secret's value). */
  note?: string;
}

const CF = "cloudflare/terraform-provider-cloudflare v5.22.0 (a2efdc5), internal/services";
const VERCEL = "vercel/terraform-provider-vercel c8a6711, vercel";
const AWS = "hashicorp/terraform-provider-aws, internal/service";

/** Per type token. */
export const REPLACE_RULES: Readonly<Record<string, ReplaceRule>> = {
  // Cloudflare (@pulumi/cloudflare 6.x bridges terraform-provider-cloudflare v5).
  "cloudflare:index/zone:Zone": { keys: ["name", "account"], source: `${CF}/zone/schema.go: name, account RequiresReplace` },
  "cloudflare:index/zoneSetting:ZoneSetting": { keys: ["settingId", "zoneId"], source: `${CF}/zone_setting/schema.go: setting_id, zone_id RequiresReplace` },
  "cloudflare:index/zoneSubscription:ZoneSubscription": { keys: ["zoneId"], source: `${CF}/zone_subscription/schema.go: zone_id RequiresReplace` },
  "cloudflare:index/zoneDnssec:ZoneDnssec": { keys: ["zoneId"], source: `${CF}/zone_dnssec/schema.go: zone_id RequiresReplace` },
  "cloudflare:index/dnsRecord:DnsRecord": { keys: ["zoneId", "type"], source: `${CF}/dns_record/schema.go: zone_id, type RequiresReplace` },
  "cloudflare:index/ruleset:Ruleset": {
    keys: ["accountId", "zoneId", "kind", "name", "phase"],
    source: `${CF}/ruleset/schema.go: account_id, zone_id, kind, name, phase RequiresReplace (rules update in place)`,
  },
  "cloudflare:index/healthcheck:Healthcheck": { keys: ["zoneId"], source: `${CF}/healthcheck/schema.go: zone_id RequiresReplace` },
  "cloudflare:index/tieredCache:TieredCache": { keys: ["zoneId"], source: `${CF}/tiered_cache/schema.go: zone_id RequiresReplace` },
  "cloudflare:index/argoTieredCaching:ArgoTieredCaching": { keys: ["zoneId"], source: `${CF}/argo_tiered_caching/schema.go: zone_id RequiresReplace` },

  // Vercel (@pulumiverse/vercel bridges terraform-provider-vercel). Project `name` is updated in place.
  "vercel:index/project:Project": { keys: ["teamId"], source: `${VERCEL}/resource_project.go: team_id RequiresReplaceIfConfigured (name is updated in place)` },
  "vercel:index/projectDomain:ProjectDomain": { keys: ["domain", "projectId", "teamId"], source: `${VERCEL}/resource_project_domain.go: domain, project_id, team_id RequiresReplace` },
  "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": {
    keys: ["customEnvironmentIds", "key", "projectId", "sensitive", "teamId"],
    source: `${VERCEL}/resource_project_environment_variable.go: custom_environment_ids, key, project_id, sensitive, team_id RequiresReplace`,
  },
  "vercel:index/projectRoute:ProjectRoute": { keys: ["projectId", "teamId"], source: `${VERCEL}/resource_project_route.go: project_id, team_id RequiresReplace` },
  "vercel:index/logDrain:LogDrain": { allInputs: true, source: `${VERCEL}/resource_log_drain.go: every attribute RequiresReplace (no update)` },

  // Random: a changed generator setting generates a new value (here: a new database password).
  "random:index/randomPassword:RandomPassword": {
    allInputs: true,
    source: "hashicorp/terraform-provider-random, internal/provider/resource_password.go: every attribute RequiresReplace",
  },

  // Our dynamic providers: their own diff decides.
  "pulumi-nodejs:dynamic/supabase:Project": {
    diff: (o, n) => diffProject(o, n).replaces,
    source: "diffProject, components/database/supabase/project-ops.ts (organizationSlug, region)",
  },
  "pulumi-nodejs:dynamic/supabase:Settings": {
    diff: (o, n) => diffSettings(o, n as never).replaces,
    source: "diffSettings, components/database/supabase/settings-ops.ts (projectRef)",
  },
  "pulumi-nodejs:dynamic/supabase:ReadReplicas": {
    diff: (o, n) => diffReadReplicas(o, n).replaces,
    source: "diffReadReplicas, components/database/supabase/read-replica-ops.ts (projectRef)",
  },
  "pulumi-nodejs:dynamic/stripe:WebhookEndpoint": {
    diff: (o, n) => diffStripeWebhook(o as never, n as never).replaces,
    source: "diffInputs, components/app/stripe/webhook-endpoint-ops.ts (apiVersion; apiKey when it moves between test and live)",
    note: "apiKey is a secret: a switch between test and live keys replaces the endpoint and cannot be seen offline",
  },

  // AWS (@pulumi/aws 7 bridges terraform-provider-aws 6). `region` is added to every entry below.
  "aws:ec2/vpc:Vpc": { keys: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"], source: `${AWS}/ec2/vpc_.go (00081ce): cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length ForceNew` },
  "aws:ec2/subnet:Subnet": {
    keys: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn", "vpcId"],
    conditional: ["ipv6CidrBlock"],
    source: `${AWS}/ec2/vpc_subnet.go (00cda12): availability_zone(_id), cidr_block, ipv4/ipv6 IPAM settings, ipv6_native, outpost_arn, vpc_id ForceNew; ipv6_cidr_block by CustomizeDiff`,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    keys: ["description", "name", "namePrefix", "vpcId"],
    source: `${AWS}/ec2/vpc_security_group.go (0160692): description, name, name_prefix, vpc_id ForceNew (rules are separate resources here)`,
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    keys: ["atRestEncryptionEnabled", "dataTieringEnabled", "globalReplicationGroupId", "kmsKeyId", "networkType", "port", "replicationGroupId", "securityGroupNames", "snapshotArns", "snapshotName", "subnetGroupName"],
    conditional: ["engine", "engineVersion", "nodeGroupConfiguration"],
    source: `${AWS}/elasticache/replication_group.go (001b636): ForceNew attributes; engine/engine_version downgrades and node_group_configuration changes by CustomizeDiff`,
  },
  "aws:s3/bucket:Bucket": {
    keys: ["bucket", "bucketPrefix", "objectLockEnabled"],
    source: `${AWS}/s3/bucket.go: bucket, bucket_prefix, object_lock_enabled ForceNew (registry docs: "Forces new resource")`,
  },
};

/**
 * terraform-provider-aws 6 "Enhanced Region Support" (website/docs/guides/enhanced-region-support):
 * "Changing the value of `region` will force resource replacement" — for every region-aware type.
 */
const AWS_REGION_KEY = "region";

export function replaceRuleOf(type: string): ReplaceRule | undefined {
  const rule = REPLACE_RULES[type];
  if (!type.startsWith("aws:")) return rule;
  const regionSource = "region: terraform-provider-aws guide enhanced-region-support (changing region forces replacement)";
  if (!rule) return { keys: [AWS_REGION_KEY], source: regionSource, note: "other inputs of this type are not in the table" };
  return { ...rule, keys: [...(rule.keys ?? []), AWS_REGION_KEY] };
}

/**
 * Types that hold data or identity which a replacement or deletion destroys: flagged in bold
 * when the plan would delete or replace one, protected or not.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  "pulumi-nodejs:dynamic/supabase:Project": "the Postgres database, Auth users and Storage files",
  "cloudflare:index/zone:Zone": "the zone: a new one gets new name servers (the registrar must be changed) and loses its settings",
  "aws:s3/bucket:Bucket": "its objects (backups)",
  "aws:elasticache/replicationGroup:ReplicationGroup": "the cache's data",
  "aws:kms/key:Key": "the key: what it encrypted cannot be decrypted once it is deleted",
  "aws:backup/vault:Vault": "its recovery points",
  "aws:cloudwatch/logGroup:LogGroup": "its logs",
};

/** How a changed resource will be applied. */
export interface ReplaceVerdict {
  action: "update" | "replace" | "may-replace";
  /** Inputs that force (or may force) the replacement. */
  keys: string[];
  /** Source of the decision (table entry or dynamic provider), or why it is unknown. */
  source: string;
  note?: string;
}

const matches = (path: string, key: string) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);

/**
 * The verdict for one resource whose inputs changed.
 * @param changedPaths property paths that differ (from the property diff)
 */
export function replaceVerdict(type: string, olds: Inputs, news: Inputs, changedPaths: readonly string[]): ReplaceVerdict {
  const rule = replaceRuleOf(type);
  if (!rule) return { action: "may-replace", keys: [], source: `no entry for ${type} in scripts/lib/replace-keys.ts` };
  const { source, note } = rule;
  if (rule.allInputs) return { action: changedPaths.length ? "replace" : "update", keys: [...new Set(changedPaths.map(topKey))], source, note };
  const forced = new Set<string>();
  if (rule.diff) {
    try {
      for (const key of rule.diff(olds, news)) forced.add(key);
    } catch (err) {
      return { action: "may-replace", keys: [], source: `${source}: its diff failed offline (${(err as Error).message})` };
    }
  }
  for (const key of rule.keys ?? []) if (changedPaths.some((p) => matches(p, key))) forced.add(key);
  if (forced.size) return { action: "replace", keys: [...forced], source, note };
  const maybe = (rule.conditional ?? []).filter((key) => changedPaths.some((p) => matches(p, key)));
  if (maybe.length) return { action: "may-replace", keys: maybe, source, note };
  if (!REPLACE_RULES[type] && type.startsWith("aws:")) return { action: "may-replace", keys: [], source: `no entry for ${type} in scripts/lib/replace-keys.ts (only region is known)` };
  return { action: "update", keys: [], source, note };
}

/** First segment of a property path: `rules[ref=a].ratelimit.period` → `rules`. */
export function topKey(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? path;
}
