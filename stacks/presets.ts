import { z } from "zod";
import { ALARM_DEFAULTS } from "../components/monitoring/alarms";
import { GUIDE } from "./guide";

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
 * - "Redis instances" → cache shards (ElastiCache cluster mode at 10x and beyond).
 * - Connection pool and max connections stay the guide's 20 / 100 at every scale
 *   ("Auto-scaling Configuration": database_scaling).
 */

export const SUPABASE_INSTANCE_SIZES = [
  "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
] as const;

export const VERCEL_CPU_TYPES = ["standard_legacy", "standard", "performance"] as const;

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
    /** Redis shards (guide: "Redis instances"). */
    shards: z.number().int().min(1).max(500),
    /** Replicas per shard. */
    replicasPerShard: z.number().int().min(0).max(5),
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

export const SCALE_PRESETS = {
  /** "Current scale": 1 app instance, 1 database node, 1 Redis instance. */
  current: {
    database: { computeSize: "small", readReplicas: 0, ...guidePool },
    app: { functionCpuType: "standard" },
    cache: { shards: 1, replicasPerShard: 0 },
    alarms: { appErrors: ALARM_DEFAULTS.appErrors, failedSignIns: ALARM_DEFAULTS.failedSignIns, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx },
  },
  /** "Scale to 10x": primary + 2 replicas (= database_scaling.read_replicas), Redis cluster of 2. */
  "10x": {
    database: { computeSize: "large", readReplicas: GUIDE.databaseScaling.readReplicas, ...guidePool },
    app: { functionCpuType: "standard" },
    cache: { shards: 2, replicasPerShard: 1 },
    // Ten times the traffic: ten times the error lines and sign-ins before the same alarm means trouble.
    alarms: { appErrors: ALARM_DEFAULTS.appErrors * 10, failedSignIns: ALARM_DEFAULTS.failedSignIns * 10, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx * 10 },
  },
  /** "Scale to 100x": 5 database nodes, Redis cluster of 5, 20 app instances' worth of CPU. */
  "100x": {
    database: { computeSize: "4xlarge", readReplicas: 4, ...guidePool },
    app: { functionCpuType: "performance" },
    cache: { shards: 5, replicasPerShard: 1 },
    alarms: { appErrors: ALARM_DEFAULTS.appErrors * 100, failedSignIns: ALARM_DEFAULTS.failedSignIns * 100, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx * 100 },
  },
} as const satisfies Record<string, ScaleValues>;

export const SCALE_PRESET_NAMES = Object.keys(SCALE_PRESETS) as [ScalePresetName, ...ScalePresetName[]];

/** A preset with single values overridden. */
export function resolveScale(preset: ScalePresetName, overrides: DeepPartial<ScaleValues> = {}): ScaleValues {
  const base = SCALE_PRESETS[preset];
  return {
    database: { ...base.database, ...overrides.database },
    app: { ...base.app, ...overrides.app },
    cache: { ...base.cache, ...overrides.cache },
    alarms: { ...base.alarms, ...overrides.alarms },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
