import { z } from "zod";
import { DEFAULT_FUNCTION_CPU_TYPE, VERCEL_CPU_TYPES } from "../components/app/defaults";
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
    /** Redis shards (guide: "Redis instances"). */
    shards: z.number().int().min(1).max(500),
    /** Replicas per shard. */
    replicasPerShard: z.number().int().min(0).max(5),
  }),
});

export type ScaleValues = z.output<typeof scaleValuesSchema>;
export type ScalePresetName = keyof typeof SCALE_PRESETS;

const guidePool = { poolSize: GUIDE.databaseScaling.connectionPoolSize, maxConnections: GUIDE.databaseScaling.maxConnections };

export const SCALE_PRESETS = {
  /** "Current scale": 1 app instance, 1 database node, 1 Redis instance. */
  current: {
    database: { computeSize: "small", readReplicas: 0, ...guidePool },
    /** "standard": also the App component's own default (components/app/defaults.ts). */
    app: { functionCpuType: DEFAULT_FUNCTION_CPU_TYPE },
    cache: { shards: 1, replicasPerShard: 0 },
  },
  /** "Scale to 10x": primary + 2 replicas (= database_scaling.read_replicas), Redis cluster of 2. */
  "10x": {
    database: { computeSize: "large", readReplicas: GUIDE.databaseScaling.readReplicas, ...guidePool },
    app: { functionCpuType: "standard" },
    cache: { shards: 2, replicasPerShard: 1 },
  },
  /** "Scale to 100x": 5 database nodes, Redis cluster of 5, 20 app instances' worth of CPU. */
  "100x": {
    database: { computeSize: "4xlarge", readReplicas: 4, ...guidePool },
    app: { functionCpuType: "performance" },
    cache: { shards: 5, replicasPerShard: 1 },
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
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
