import { z } from "zod";
import { DEFAULT_FUNCTION_CPU_TYPE, VERCEL_CPU_TYPES } from "../components/app/defaults";
import { ALARM_DEFAULTS } from "../components/monitoring/alarms";
import { GUIDE } from "./guide";
import { safeText } from "./schema/common";

/**
 * Scale presets from the guide's "Scaling Strategy" tables. A stack picks one with
 * `promptandpause:scale.preset` and may override single values under
 * `promptandpause:scale.overrides` (same shape, every field optional).
 *
 * How the guide's rows land on this platform:
 * - "Database nodes" → Supabase primary + read replicas. Supabase cannot shard, so the 100x row's
 *   "5 nodes (sharded)" becomes one primary and four read replicas on a larger compute size.
 * - "Application instances" → Vercel Functions scale per request; instances have no knob there.
 *   The row maps to the function CPU class (more instances' worth of work per invocation).
 * - "Redis instances" → cache SHARDS (node groups of an ElastiCache cluster that runs in cluster mode
 *   from day one, so 1 → 2 → 5 is online resharding, never a replacement). The guide counts
 *   replicas where it means them ("3 Database nodes (primary + 2 replicas)") and says "cluster" for
 *   the Redis rows, which in Redis means a sharded Redis Cluster: its "instances" are the
 *   primaries that each own a slice of the key space. Replicas are this platform's addition, for
 *   failover: none at `current` (one node, NO failover: a node failure loses the cache until
 *   ElastiCache replaces the node), one per shard from 10x (Multi-AZ, automatic failover).
 *   Nodes = shards × (1 + replicas): 1 → 4 → 10. docs/cache.md has the reasoning and the cost.
 * - "Application instances" also size the ECS Fargate workers (stacks/compose/workers.ts): the
 *   table's count is the scaling floor (`minTasks`), and `maxTasks = max(guide max_instances 10,
 *   2 × minTasks)`: 1–10 and 5–10 keep the guide's auto-scaling block as written; at 100x the
 *   table's 20 instances cannot fit under the guide's max of 10, so the scale-specific row wins
 *   and the ceiling keeps the 2× headroom 10x has (20–40). docs/cache.md "Workers".
 * - Connection pool and max connections stay the guide's 20 / 100 at every scale
 *   ("Auto-scaling Configuration": database_scaling).
 */

export const SUPABASE_INSTANCE_SIZES = [
  "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
] as const;

export { VERCEL_CPU_TYPES } from "../components/app/defaults";

export const scaleValuesSchema = z.strictObject({
  database: z.strictObject({
    /** Supabase compute add-on for the primary (`desired_instance_size`). */
    computeSize: z.enum(SUPABASE_INSTANCE_SIZES),
    /** Read replicas next to the primary. */
    readReplicas: z.number().int().min(0).max(10),
    /** Supavisor pool size per user+database pair (guide: 20). */
    poolSize: z.number().int().min(1).max(3000),
    /** Postgres `max_connections` (guide: 100). */
    maxConnections: z.number().int().min(10).max(10_000),
  }),
  app: z.strictObject({
    /** Vercel Functions CPU class (`resourceConfig.functionDefaultCpuType`). */
    functionCpuType: z.enum(VERCEL_CPU_TYPES),
  }),
  cache: z.strictObject({
    /** Cache shards = node groups (guide: "Redis instances"). ElastiCache allows up to 500 per cluster. */
    shards: z.number().int().min(1).max(500),
    /** Replicas per shard (0–5, the ElastiCache limit). 0 = no failover; ≥ 1 = Multi-AZ with automatic failover. */
    replicasPerShard: z.number().int().min(0).max(5),
    /** ElastiCache node type, e.g. `cache.t4g.small` (https://aws.amazon.com/elasticache/pricing/). */
    nodeType: safeText({ max: 40, pattern: /^cache\.[a-z0-9]+\.[a-z0-9]+$/, problem: "must be an ElastiCache node type like cache.t4g.small" }),
  }),
  workers: z.strictObject({
    /** Fewest running worker tasks (Application Auto Scaling minCapacity). */
    minTasks: z.number().int().min(1).max(1000),
    /** Most running worker tasks (Application Auto Scaling maxCapacity). */
    maxTasks: z.number().int().min(1).max(1000),
  }),
  alarms: z.strictObject({
    /** The app's error/critical log lines per 5 minutes before the alarm fires (grows with traffic). */
    appErrors: z.number().int().min(1).max(1_000_000),
    /** Failed sign-ins per 5 minutes before the security alarm fires. */
    failedSignIns: z.number().int().min(1).max(1_000_000),
    /** Log intake 5xx answers per 5 minutes. */
    intakeApi5xx: z.number().int().min(1).max(1_000_000),
  }),
});

export type ScaleValues = z.output<typeof scaleValuesSchema>;
export type ScalePresetName = keyof typeof SCALE_PRESETS;

const guidePool = { poolSize: GUIDE.databaseScaling.connectionPoolSize, maxConnections: GUIDE.databaseScaling.maxConnections };

/**
 * Worker task bounds for a row of the scaling table: the row's application instances are the
 * floor, the ceiling is the guide's `max_instances` or twice the floor, whichever is larger.
 */
export function workerBounds(applicationInstances: number): { minTasks: number; maxTasks: number } {
  return { minTasks: applicationInstances, maxTasks: Math.max(GUIDE.autoScaling.maxInstances, 2 * applicationInstances) };
}

/** "Application instances" per row of the guide's scaling table. */
export const GUIDE_APPLICATION_INSTANCES = { current: GUIDE.autoScaling.minInstances, "10x": 5, "100x": 20 } as const;

export const SCALE_PRESETS = {
  /** "Current scale": 1 app instance, 1 database node, 1 Redis instance. */
  current: {
    database: { computeSize: "small", readReplicas: 0, ...guidePool },
    /** "standard": also the App component's own default (components/app/defaults.ts). */
    app: { functionCpuType: DEFAULT_FUNCTION_CPU_TYPE },
    cache: { shards: 1, replicasPerShard: 0, nodeType: "cache.t4g.small" },
    workers: workerBounds(GUIDE_APPLICATION_INSTANCES.current),
    alarms: { appErrors: ALARM_DEFAULTS.appErrors, failedSignIns: ALARM_DEFAULTS.failedSignIns, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx },
  },
  /** "Scale to 10x": primary + 2 replicas (= database_scaling.read_replicas), Redis cluster of 2. */
  "10x": {
    database: { computeSize: "large", readReplicas: GUIDE.databaseScaling.readReplicas, ...guidePool },
    app: { functionCpuType: "standard" },
    cache: { shards: 2, replicasPerShard: 1, nodeType: "cache.m7g.large" },
    workers: workerBounds(GUIDE_APPLICATION_INSTANCES["10x"]),
    // Ten times the traffic: ten times the error lines and sign-ins before the same alarm means trouble.
    alarms: { appErrors: ALARM_DEFAULTS.appErrors * 10, failedSignIns: ALARM_DEFAULTS.failedSignIns * 10, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx * 10 },
  },
  /** "Scale to 100x": 5 database nodes, Redis cluster of 5, 20 app instances' worth of CPU. */
  "100x": {
    database: { computeSize: "4xlarge", readReplicas: 4, ...guidePool },
    app: { functionCpuType: "performance" },
    cache: { shards: 5, replicasPerShard: 1, nodeType: "cache.m7g.large" },
    workers: workerBounds(GUIDE_APPLICATION_INSTANCES["100x"]),
    alarms: { appErrors: ALARM_DEFAULTS.appErrors * 100, failedSignIns: ALARM_DEFAULTS.failedSignIns * 100, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx * 100 },
  },
} as const satisfies Record<string, ScaleValues>;
// (`workerBounds` returns plain numbers, so the presets stay assignable to ScaleValues.)

export const SCALE_PRESET_NAMES = Object.keys(SCALE_PRESETS) as [ScalePresetName, ...ScalePresetName[]];

/** A preset with single values overridden. */
export function resolveScale(preset: ScalePresetName, overrides: DeepPartial<ScaleValues> = {}): ScaleValues {
  const base = SCALE_PRESETS[preset];
  return {
    database: { ...base.database, ...overrides.database },
    app: { ...base.app, ...overrides.app },
    cache: { ...base.cache, ...overrides.cache },
    workers: { ...base.workers, ...overrides.workers },
    alarms: { ...base.alarms, ...overrides.alarms },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
