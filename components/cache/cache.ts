import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as elasticache from "@pulumi/aws/elasticache";
import * as kms from "@pulumi/aws/kms";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { alarmTargets, LOG_RETENTION_DAYS } from "../shared/aws";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { physicalName } from "../shared/naming";
import { stripUndefined } from "../shared/objects";
import { statefulOptions } from "../shared/stateful";
import { mergeTags, type Tags } from "../shared/tags";
import { AUTH_TOKEN_LENGTH, AUTH_TOKEN_SPECIALS } from "./auth-token";
import { platformKey } from "../shared/kms-key";

/** Engines ElastiCache runs with the Redis protocol. */
export const CACHE_ENGINES = ["valkey", "redis"] as const;
export type CacheEngine = (typeof CACHE_ENGINES)[number];
/**
 * Engine majors the cache runs, per engine. The cache always sets transitEncryptionMode
 * "required", which ElastiCache accepts from Redis OSS 7.0.5 on and on every Valkey (7.2 is the
 * first; CreateReplicationGroup, TransitEncryptionMode). From 7 on versions are `major.minor` and
 * parameter group families `<engine><major>` (`redis7`, `valkey7`, `valkey8`): the Redis 6 and 5
 * families (`redis6.x`, `redis5.0`) never apply.
 */
export const CACHE_ENGINE_MAJORS: Record<CacheEngine, readonly string[]> = { valkey: ["7", "8"], redis: ["7"] };

/**
 * Defaults of the cache, written once (the stack schema, stacks/schema/cache.ts, uses the same).
 * - Valkey, not Redis OSS: the same protocol and cluster mode (Valkey 8 is a drop-in for Redis OSS
 *   7.2 clients), 20 % cheaper per node-hour on ElastiCache, encrypted at rest by default, and the
 *   engine AWS and the Linux Foundation keep open source after Redis' 2024 licence change.
 * - Maintenance `sun:02:00-sun:04:00`: the guide's window is the FIRST Sunday of the month, 02:00–04:00
 *   UTC; ElastiCache windows are weekly only (ddd:hh24:mi-ddd:hh24:mi), so the cache may be patched
 *   any Sunday in that slot. Snapshots run daily 00:00–01:00 UTC, clear of the window.
 */
export const CACHE_DEFAULTS = {
  engine: "valkey" as CacheEngine,
  engineVersion: "8.1",
  port: 6379,
  maintenanceWindow: "sun:02:00-sun:04:00",
  snapshotWindow: "00:00-01:00",
  snapshotRetentionDays: 7,
  logRetentionDays: 30,
  authTokenUpdateStrategy: "ROTATE" as CacheAuthTokenUpdateStrategy,
  kmsDeletionWindowDays: 30,
  alarms: { engineCpuPercent: 80, memoryPercent: 80, evictionsPer5Minutes: 1000, replicationLagSeconds: 30 },
} as const;

/**
 * How a changed AUTH token is applied to the running group (provider docs,
 * `authTokenUpdateStrategy`; ElastiCache ModifyReplicationGroup `AuthTokenUpdateStrategy`):
 * ROTATE adds the new token beside the old one, SET makes the new token the only one. DELETE is
 * not offered: it removes AUTH, which the cache requires.
 */
export const CACHE_AUTH_TOKEN_UPDATE_STRATEGIES = ["ROTATE", "SET"] as const;
export type CacheAuthTokenUpdateStrategy = (typeof CACHE_AUTH_TOKEN_UPDATE_STRATEGIES)[number];

/** Arguments of {@link Cache}. Ids and ARNs come from the network and shared layers. */
export interface CacheArgs {
  /** Prefix of every physical name, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** AWS account id (12 digits): the KMS key policy names the account's actions one by one (no `kms:*`). */
  accountId: string;
  /** Subnets of the database segment (one per AZ). The cache gets no route to the internet from them. */
  subnetIds: pulumi.Input<string>[];
  /**
   * Security groups of the cache: the database segment's group, which allows port 6379 from the
   * application group only (Secure Compute adds its CIDR with its own rule).
   */
  securityGroupIds: pulumi.Input<string>[];
  /** Shards (node groups), the guide's "Redis instances". Resharding is online. */
  shards: number;
  /**
   * Replicas per shard, 0–5. 0 = one node per shard and NO failover (a failed node loses its
   * slots' data until ElastiCache replaces it); ≥ 1 = Multi-AZ with automatic failover.
   * Cost: every replica is a full node.
   */
  replicasPerShard: number;
  /** Node type, e.g. `cache.t4g.small`. Cost: the node-hour rate × nodes. */
  nodeType: string;
  /** Engine. @default "valkey" (see {@link CACHE_DEFAULTS}) */
  engine?: CacheEngine;
  /** Engine version, `major.minor`. @default "8.1" */
  engineVersion?: string;
  /** Port. @default 6379 */
  port?: number;
  /** Weekly maintenance window (UTC), `ddd:hh24:mi-ddd:hh24:mi`. @default "sun:02:00-sun:04:00" (the guide's window) */
  maintenanceWindow?: string;
  /** Daily snapshot window (UTC), `hh24:mi-hh24:mi`, ≥ 60 minutes, clear of the maintenance window. @default "00:00-01:00" */
  snapshotWindow?: string;
  /** Days automatic snapshots are kept (1–35). @default 7. Cost: snapshot storage beyond the free allowance. */
  snapshotRetentionDays?: number;
  /** Days the slow log is kept in CloudWatch Logs (an accepted retention value). @default 30 */
  logRetentionDays?: number;
  /** Days before a deleted KMS key is really deleted (7–30). @default 30 */
  kmsDeletionWindowDays?: number;
  /** How the next AUTH token change is applied. @default "ROTATE" (docs/cache.md, "AUTH token rotation") */
  authTokenUpdateStrategy?: CacheAuthTokenUpdateStrategy;
  /** Protect the replication group and its key from deletion (prod). @default false */
  protect?: boolean;
  /** SNS topic every alarm notifies, when it fires and when it clears. */
  alertTopicArn: pulumi.Input<string>;
  /** Alarm thresholds. @default {@link CACHE_DEFAULTS}.alarms */
  alarms?: Partial<(typeof CACHE_DEFAULTS)["alarms"]>;
  /** Tags on every child (the provider's default tags add project/environment/managed-by). */
  tags?: Tags;
}

type Resolved = Required<Omit<CacheArgs, "alarms" | "tags">> & { alarms: (typeof CACHE_DEFAULTS)["alarms"]; tags: Tags };

/** Parameter group family for an engine version (`valkey8`, `valkey7`, `redis7`). */
export function parameterGroupFamily(engine: CacheEngine, engineVersion: string): string {
  const major = engineVersion.split(".")[0];
  return `${engine}${major}`;
}

/**
 * Member cluster ids of a cluster-mode replication group, as ElastiCache names them:
 * `<group id>-<shard, 4 digits>-<node, 3 digits>` (node 001 is the shard's first primary). The
 * CloudWatch metrics are per node, with these ids as `CacheClusterId`.
 */
export function memberClusterIds(replicationGroupId: string, shards: number, replicasPerShard: number): string[] {
  const ids: string[] = [];
  for (let shard = 1; shard <= shards; shard++) {
    for (let node = 1; node <= 1 + replicasPerShard; node++) ids.push(`${replicationGroupId}-${String(shard).padStart(4, "0")}-${String(node).padStart(3, "0")}`);
  }
  return ids;
}

/** Problems with the arguments, all at once. */
export function validateCacheArgs(a: Resolved, component: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (key: string) => `${component}.${key}`;
  if (!Number.isInteger(a.shards) || a.shards < 1 || a.shards > 500) issues.push({ path: at("shards"), problem: "must be a whole number from 1 to 500", got: a.shards });
  if (!Number.isInteger(a.replicasPerShard) || a.replicasPerShard < 0 || a.replicasPerShard > 5) issues.push({ path: at("replicasPerShard"), problem: "must be a whole number from 0 to 5 (the ElastiCache limit)", got: a.replicasPerShard });
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(a.nodeType)) issues.push({ path: at("nodeType"), problem: "must be an ElastiCache node type like cache.t4g.small", got: a.nodeType });
  if (!(CACHE_AUTH_TOKEN_UPDATE_STRATEGIES as readonly string[]).includes(a.authTokenUpdateStrategy)) issues.push({ path: at("authTokenUpdateStrategy"), problem: `must be one of ${CACHE_AUTH_TOKEN_UPDATE_STRATEGIES.join(", ")} (DELETE would remove AUTH, which the cache requires)`, got: a.authTokenUpdateStrategy });
  if (!/^\d+\.\d+$/.test(a.engineVersion)) issues.push({ path: at("engineVersion"), problem: "must be major.minor, e.g. 8.1 (ElastiCache needs the minor from version 7 on)", got: a.engineVersion });
  if (!/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/.test(a.maintenanceWindow)) {
    issues.push({ path: at("maintenanceWindow"), problem: "must be ddd:hh24:mi-ddd:hh24:mi (UTC), e.g. sun:02:00-sun:04:00", got: a.maintenanceWindow });
  }
  const window = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(a.snapshotWindow);
  if (!window) issues.push({ path: at("snapshotWindow"), problem: "must be hh24:mi-hh24:mi (UTC), e.g. 00:00-01:00", got: a.snapshotWindow });
  else {
    const start = Number(window[1]) * 60 + Number(window[2]);
    const end = Number(window[3]) * 60 + Number(window[4]);
    if ((end - start + 1440) % 1440 < 60) issues.push({ path: at("snapshotWindow"), problem: "must be at least 60 minutes long (ElastiCache minimum)", got: a.snapshotWindow });
  }
  if (!Number.isInteger(a.snapshotRetentionDays) || a.snapshotRetentionDays < 1 || a.snapshotRetentionDays > 35) {
    issues.push({ path: at("snapshotRetentionDays"), problem: "must be 1-35 days (0 would turn daily snapshots off)", got: a.snapshotRetentionDays });
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(a.logRetentionDays)) issues.push({ path: at("logRetentionDays"), problem: `must be one of CloudWatch Logs' values ${LOG_RETENTION_DAYS.join(", ")}`, got: a.logRetentionDays });
  if (!Number.isInteger(a.kmsDeletionWindowDays) || a.kmsDeletionWindowDays < 7 || a.kmsDeletionWindowDays > 30) issues.push({ path: at("kmsDeletionWindowDays"), problem: "must be 7-30 days", got: a.kmsDeletionWindowDays });
  if (!/^\d{12}$/.test(a.accountId)) issues.push({ path: at("accountId"), problem: "must be a 12-digit AWS account id", got: a.accountId });
  if (a.subnetIds.length === 0) issues.push({ path: at("subnetIds"), problem: "needs at least one database-segment subnet", got: a.subnetIds });
  if (a.replicasPerShard > 0 && a.subnetIds.length < 2) issues.push({ path: at("subnetIds"), problem: "needs subnets in at least two AZs for Multi-AZ replicas", got: a.subnetIds.length });
  if (a.securityGroupIds.length === 0) issues.push({ path: at("securityGroupIds"), problem: "needs the database segment's security group (without one the default group would apply)", got: a.securityGroupIds });
  return issues;
}

/**
 * The guide's Redis cache as ElastiCache (Valkey) in the database segment: cluster mode enabled
 * from day one (1 → 2 → 5 shards is online resharding), TLS required, an AUTH token from
 * `RandomPassword` (ElastiCache's characters only) kept secret end to end, encryption at rest with
 * a rotating customer-managed KMS key, Multi-AZ failover derived from replicas, the guide's
 * maintenance window, daily snapshots and a final snapshot on delete, the slow log in CloudWatch
 * Logs, and per-node alarms (engine CPU, memory, evictions, replication lag) on the alert topic.
 *
 * Failover: cluster mode makes ElastiCache require `automaticFailoverEnabled: true`, but with no
 * replicas there is nothing to fail over to. At the `current` preset (1 shard, 0 replicas) the
 * cache is ONE node without failover; 10x adds one replica per shard in another AZ (Multi-AZ).
 *
 * Cost (eu-west-2, on demand, Valkey; docs/cache.md has the table): nodes × node-hour × 730,
 * plus snapshot storage ($0.085 per GB-month), slow-log ingestion and the KMS key.
 */
export class Cache extends pulumi.ComponentResource {
  /** Replication group id (lower case, ≤ 40). */
  public readonly replicationGroupId: pulumi.Output<string>;
  /** Configuration endpoint host: cluster clients discover every shard through it. */
  public readonly configurationEndpoint: pulumi.Output<string>;
  /** Port clients connect to. */
  public readonly port: number;
  /** Secret: the AUTH token. */
  public readonly authToken: pulumi.Output<string>;
  /** Secret: `rediss://:<token>@<configuration endpoint>:<port>` (TLS, cluster mode: use a cluster client). */
  public readonly url: pulumi.Output<string>;
  /** KMS key encrypting data at rest and snapshots. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** Member cluster ids (one per node) the alarms watch. */
  public readonly nodeIds: string[];
  /** Slow-log group name. */
  public readonly slowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    const a: Resolved = {
      engine: CACHE_DEFAULTS.engine,
      engineVersion: CACHE_DEFAULTS.engineVersion,
      port: CACHE_DEFAULTS.port,
      maintenanceWindow: CACHE_DEFAULTS.maintenanceWindow,
      snapshotWindow: CACHE_DEFAULTS.snapshotWindow,
      snapshotRetentionDays: CACHE_DEFAULTS.snapshotRetentionDays,
      logRetentionDays: CACHE_DEFAULTS.logRetentionDays,
      kmsDeletionWindowDays: CACHE_DEFAULTS.kmsDeletionWindowDays,
      authTokenUpdateStrategy: CACHE_DEFAULTS.authTokenUpdateStrategy,
      protect: false,
      ...stripUndefined(args),
      alarms: { ...CACHE_DEFAULTS.alarms, ...stripUndefined(args.alarms ?? {}) },
      tags: args.tags ?? {},
    };
    throwIfIssues(validateCacheArgs(a, name), `Cache "${name}": invalid arguments`);
    super("promptandpause:cache:Cache", name, {}, opts);

    const groupId = physicalName("aws-elasticache-replication-group", [a.namePrefix, "cache"]);
    this.nodeIds = memberClusterIds(groupId, a.shards, a.replicasPerShard);
    this.port = a.port;

    const key = this.createKey(name, a);
    const subnetGroup = new elasticache.SubnetGroup(
      `${name}-subnets`,
      { name: physicalName("aws-elasticache-group", [a.namePrefix, "cache"]), description: "Database segment subnets of the cache", subnetIds: a.subnetIds, tags: this.tags(a, `${a.namePrefix}-cache`) },
      { parent: this },
    );
    const parameters = this.createParameterGroup(name, a);
    const slowLog = new cloudwatch.LogGroup(
      `${name}-slow-log`,
      { name: physicalName("aws-log-group", [groupId, "slow-log"]), retentionInDays: a.logRetentionDays, tags: this.tags(a, `${groupId}-slow-log`) },
      { parent: this },
    );
    const token = new random.RandomPassword(
      `${name}-auth-token`,
      // ElastiCache's AUTH alphabet, narrowed to what a URL's userinfo carries unescaped (auth-token.ts).
      { length: AUTH_TOKEN_LENGTH, special: true, overrideSpecial: AUTH_TOKEN_SPECIALS, minUpper: 4, minLower: 4, minNumeric: 4, minSpecial: 2 },
      { parent: this, additionalSecretOutputs: ["result"] },
    );
    this.authToken = pulumi.secret(token.result);

    const hasReplicas = a.replicasPerShard > 0;
    const group = new elasticache.ReplicationGroup(
      `${name}-group`,
      {
        replicationGroupId: groupId,
        description: `${a.namePrefix} cache (${a.engine} ${a.engineVersion}, cluster mode)`,
        engine: a.engine,
        engineVersion: a.engineVersion,
        nodeType: a.nodeType,
        port: a.port,
        // Cluster mode from day one: numNodeGroups/replicasPerNodeGroup change online (resharding),
        // never by replacement, as the guide scales 1 → 2 → 5.
        clusterMode: "enabled",
        numNodeGroups: a.shards,
        replicasPerNodeGroup: a.replicasPerShard,
        // ElastiCache refuses cluster mode without automatic failover ("Redis with cluster mode
        // enabled cannot be created with auto failover turned off"); it only acts with replicas.
        automaticFailoverEnabled: true,
        multiAzEnabled: hasReplicas,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: a.securityGroupIds,
        parameterGroupName: parameters.name,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: this.authToken,
        // On a token change (never on create) ROTATE keeps the old token valid beside the new one,
        // so clients reconnect without an outage; AWS's default too. The old token stays valid
        // until a change with SET: after a leak, rotate, redeploy the app, then apply once with
        // promptandpause:cache.authTokenUpdateStrategy SET (docs/cache.md, "AUTH token rotation").
        // A change of the strategy alone is sent with the token (the provider's update checks
        // both fields), so that apply revokes the old token.
        authTokenUpdateStrategy: a.authTokenUpdateStrategy,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        maintenanceWindow: a.maintenanceWindow,
        snapshotWindow: a.snapshotWindow,
        snapshotRetentionLimit: a.snapshotRetentionDays,
        finalSnapshotIdentifier: physicalName("aws-elasticache-snapshot", [groupId, "final"]),
        autoMinorVersionUpgrade: true,
        applyImmediately: false,
        logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
        tags: this.tags(a, groupId),
      },
      { parent: this, ...statefulOptions(a.protect), additionalSecretOutputs: ["authToken"] },
    );
    this.createAlarms(name, a, group);

    this.replicationGroupId = group.id;
    this.configurationEndpoint = group.configurationEndpointAddress;
    this.url = pulumi.secret(pulumi.interpolate`rediss://:${this.authToken}@${group.configurationEndpointAddress}:${a.port}`);
    this.kmsKeyArn = key.arn;
    this.slowLogGroupName = slowLog.name;
    this.registerOutputs({ replicationGroupId: this.replicationGroupId, configurationEndpoint: this.configurationEndpoint, url: this.url, kmsKeyArn: this.kmsKeyArn });
  }

  private tags(a: Resolved, nameTag: string): Tags {
    return mergeTags({ component: "cache" }, a.tags, { Name: nameTag });
  }

  /** Customer-managed key for data at rest and snapshots, rotated yearly by KMS. */
  private createKey(name: string, a: Resolved): kms.Key {
    return platformKey(
      `${name}-key`,
      {
        description: `${a.namePrefix} cache: data at rest and snapshots`,
        // ElastiCache uses the key through grants made with the caller's permissions (ElastiCache
        // "At-rest encryption": kms:CreateGrant, kms:DescribeKey), which the account statement allows.
        accountId: a.accountId,
        deletionWindowInDays: a.kmsDeletionWindowDays,
        alias: [a.namePrefix, "cache"],
        tags: this.tags(a, `${a.namePrefix}-cache`),
      },
      // Deleting the key makes every snapshot unreadable: protected with the group.
      { parent: this, ...statefulOptions(a.protect) },
    );
  }

  /** Custom parameter group: cluster mode on (the default groups cannot be changed). */
  private createParameterGroup(name: string, a: Resolved): elasticache.ParameterGroup {
    const family = parameterGroupFamily(a.engine, a.engineVersion);
    return new elasticache.ParameterGroup(
      `${name}-parameters`,
      {
        // The family is in the name: a major upgrade creates the new group before the old one goes.
        name: physicalName("aws-elasticache-group", [a.namePrefix, "cache", family]),
        family,
        description: `${a.namePrefix} cache, cluster mode`,
        parameters: [{ name: "cluster-enabled", value: "yes" }],
        tags: this.tags(a, `${a.namePrefix}-cache-${family}`),
      },
      { parent: this, deleteBeforeReplace: false },
    );
  }

  /**
   * One alarm per node and metric (ElastiCache publishes them per node, `CacheClusterId` = the
   * member id). Metrics, units and statistics from the ElastiCache user guide "Metrics for Valkey
   * and Redis OSS": EngineCPUUtilization (Percent, the engine thread; Valkey/Redis are
   * single-threaded so host CPU understates load), DatabaseMemoryUsagePercentage (Percent of
   * maxmemory), Evictions (Count), ReplicationLag (Seconds, replicas only).
   */
  private createAlarms(name: string, a: Resolved, group: elasticache.ReplicationGroup): void {
    const specs = [
      { role: "engine-cpu", metricName: "EngineCPUUtilization", statistic: "Average", threshold: a.alarms.engineCpuPercent, what: `engine CPU above ${a.alarms.engineCpuPercent} %` },
      { role: "memory", metricName: "DatabaseMemoryUsagePercentage", statistic: "Average", threshold: a.alarms.memoryPercent, what: `memory above ${a.alarms.memoryPercent} % of maxmemory` },
      { role: "evictions", metricName: "Evictions", statistic: "Sum", threshold: a.alarms.evictionsPer5Minutes, what: `more than ${a.alarms.evictionsPer5Minutes} keys evicted in 5 minutes` },
      ...(a.replicasPerShard > 0
        ? [{ role: "replication-lag", metricName: "ReplicationLag", statistic: "Maximum", threshold: a.alarms.replicationLagSeconds, what: `replica more than ${a.alarms.replicationLagSeconds} s behind its primary` }]
        : []),
    ];
    for (const nodeId of this.nodeIds) {
      const node = nodeId.slice(nodeId.length - 8); // `0001-001`
      for (const spec of specs) {
        new cloudwatch.MetricAlarm(
          `${name}-alarm-${spec.role}-${node}`,
          {
            name: physicalName("aws-cloudwatch-alarm", [nodeId, spec.role]),
            alarmDescription: `Cache node ${nodeId}: ${spec.what}.`,
            namespace: "AWS/ElastiCache",
            metricName: spec.metricName,
            dimensions: { CacheClusterId: nodeId },
            statistic: spec.statistic,
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            threshold: spec.threshold,
            comparisonOperator: "GreaterThanThreshold",
            // A primary publishes no ReplicationLag (and a failover swaps roles): missing is fine there.
            treatMissingData: spec.metricName === "ReplicationLag" ? "notBreaching" : "missing",
            ...alarmTargets(a.alertTopicArn),
            tags: this.tags(a, `${nodeId}-${spec.role}`),
          },
          { parent: this, dependsOn: [group] },
        );
      }
    }
  }
}
