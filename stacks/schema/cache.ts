import { z } from "zod";
import { FARGATE_SIZES, plainEnvironmentIssues } from "../../components/app/workers";
import { CACHE_AUTH_TOKEN_UPDATE_STRATEGIES, CACHE_DEFAULTS, CACHE_ENGINE_MAJORS, CACHE_ENGINES } from "../../components/cache/cache";
import type { ConfigIssue } from "../../components/shared/errors";
import { cidrContains, overlappingPairs, parseCidr } from "../../policies/lib/cidr";
import type { ScaleValues } from "../presets";
import { AWS_REGIONS, checkNoVpcOverlap, checkNotWorld, ipv4Cidr, logRetentionDays, RFC1918 } from "./aws";
import { safeText } from "./common";

/**
 * `promptandpause:cache` (ElastiCache), `promptandpause:workers` (the ECS Fargate tier) and
 * `promptandpause:app.secureCompute` (Vercel → ElastiCache). Sizes and counts come from the scale
 * preset (`scale.cache`, `scale.workers`); these keys hold what does not scale.
 */

const key = (path: string) => `promptandpause:${path}`;

export const cacheConfigSchema = z
  .strictObject({
    /** Engine. Valkey: same protocol, 20 % cheaper, encrypted at rest by default (docs/cache.md). @default "valkey" */
    engine: z.enum(CACHE_ENGINES).default(CACHE_DEFAULTS.engine),
    /** Engine version `major.minor` (ElastiCache needs the minor from 7 on). @default "8.1" */
    engineVersion: safeText({ max: 5, pattern: /^\d{1,2}\.\d{1,2}$/, problem: "must be major.minor, e.g. 8.1" }).default(CACHE_DEFAULTS.engineVersion),
    /**
     * TLS in transit. Only "required" is accepted: "preferred" still admits plaintext clients and
     * off sends the AUTH token in clear text (the cache-encryption policy refuses both too). @default "required"
     */
    transitEncryption: z
      .unknown()
      .refine((v) => v === "required", { error: 'must be "required": the cache never accepts plaintext connections ("preferred" still does, false turns TLS off; the cache-encryption policy refuses both too)' })
      .transform(() => "required" as const)
      .default("required"),
    /** Days daily snapshots are kept (1–35). @default 7 */
    snapshotRetentionDays: z.number().int().min(1).max(35).default(CACHE_DEFAULTS.snapshotRetentionDays),
    /**
     * How the next AUTH token change is applied: ROTATE keeps the old token valid beside the new
     * one (no outage), SET revokes it. After a leak: replace the token, redeploy the app, then set
     * SET and apply once (docs/cache.md, "AUTH token rotation"). @default "ROTATE"
     */
    authTokenUpdateStrategy: z.enum(CACHE_AUTH_TOKEN_UPDATE_STRATEGIES).default(CACHE_DEFAULTS.authTokenUpdateStrategy),
    /** Days the slow log is kept in CloudWatch Logs. @default 30 */
    slowLogRetentionDays: logRetentionDays(CACHE_DEFAULTS.logRetentionDays),
  })
  .superRefine((cache, ctx) => {
    const majors = CACHE_ENGINE_MAJORS[cache.engine];
    if (!majors.includes(cache.engineVersion.split(".")[0] ?? "")) {
      ctx.addIssue({
        code: "custom",
        path: ["engineVersion"],
        message: `must be a ${cache.engine} version with major ${majors.join(" or ")} (got ${JSON.stringify(cache.engineVersion)}): the cache requires TLS (transitEncryptionMode "required"), which ElastiCache takes from Redis OSS 7.0.5 and every Valkey on`,
      });
    }
  })
  .prefault({});

export type CacheSettings = z.output<typeof cacheConfigSchema>;

/** Variables the platform sets on every worker; config may not redefine them. */
export const WORKER_PLATFORM_ENV = ["WORK_QUEUE_URL", "SUPABASE_URL", "REDIS_URL", "SUPABASE_SECRET_KEY", "RESEND_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"] as const;

export const workersConfigSchema = z
  .strictObject({
    /**
     * Run the workers. Defaults to whether an image digest is configured: the ECR repository
     * exists from the first deploy, so push an image, then set `imageDigest`. @default imageDigest is set
     */
    enabled: z.boolean().optional(),
    /** Image digest `sha256:<64 hex>` in the workers' ECR repository (never a tag: tags can be moved). */
    imageDigest: safeText({ max: 71, pattern: /^sha256:[0-9a-f]{64}$/, problem: "must be an image digest sha256:<64 lowercase hex> (docker buildx imagetools inspect <image> shows it)" }).optional(),
    /** Task CPU units. Cost: $0.04656 per vCPU-hour (eu-west-2). @default 256 */
    cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], { error: "must be a Fargate CPU size: 256, 512, 1024, 2048 or 4096" }).default(256),
    /** Task memory, MiB (a size Fargate pairs with `cpu`). Cost: $0.00511 per GB-hour. @default 512 */
    memory: z.number().int().default(512),
    /**
     * Plain environment for the workers (never secrets: those come from the platform's secrets
     * through Secrets Manager). Secret-looking names or values are refused. @default {}
     */
    environment: z
      .record(
        safeText({ max: 128, pattern: /^[A-Za-z0-9_]+$/, problem: "must be an environment variable name (letters, digits, _)" }),
        // Printable ASCII and spaces (ECS passes the value as is; no control characters in a task definition).
        safeText({ min: 0, max: 4096, pattern: /^[\x20-\x7e]*$/, problem: "must be printable ASCII" }),
      )
      .default({}),
    /** Days the container logs are kept. @default 30 */
    logRetentionDays: logRetentionDays(30),
  })
  .prefault({});

export type WorkersSettings = z.output<typeof workersConfigSchema>;

/** `promptandpause:app.secureCompute`: the Vercel Secure Compute network (Enterprise) peered to the VPC. */
export const secureComputeSchema = z.strictObject({
  /** The Secure Compute network's IPv4 CIDR (chosen when it was ordered from Vercel). */
  cidr: ipv4Cidr,
  /** The peering connection Vercel requested (`pcx-…`); this stack accepts it. */
  peeringConnectionId: safeText({ max: 21, pattern: /^pcx-[0-9a-f]{8,17}$/, problem: "must be a VPC peering connection id like pcx-0a1b2c3d4e5f67890" }),
  /** Region of the Secure Compute network. @default promptandpause:aws.region */
  region: z.enum(AWS_REGIONS).optional(),
});

export type SecureComputeSettings = z.output<typeof secureComputeSchema>;

/** Whether the workers run: explicitly, or because a digest is configured. */
export function workersEnabled(workers: WorkersSettings): boolean {
  return workers.enabled ?? workers.imageDigest !== undefined;
}

/** The keys the cache-layer check reads (stacks/config.ts passes the whole settings; no import of it here, so no cycle). */
export interface CacheLayerCheckContext {
  workers: WorkersSettings;
  app: { team: string; secureCompute?: z.output<typeof secureComputeSchema> };
  network: { cidr: string; reservedCidrs: ReadonlyArray<{ name: string; cidr: string }> };
}

/** Cross-key checks of the cache layer and the application tier. */
export function checkCacheLayerConfig(all: CacheLayerCheckContext, scale?: ScaleValues): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { workers, app } = all;
  if (workers.enabled === true && !workers.imageDigest) {
    issues.push({ path: key("workers.enabled"), problem: "is true but no image digest is configured", got: true, fix: "Push the worker image to the stack's ECR repository (stack output aws.workerRepositoryUrl), then set promptandpause:workers.imageDigest to its sha256 digest." });
  }
  const sizes = FARGATE_SIZES[workers.cpu];
  if (sizes && !sizes.includes(workers.memory)) {
    issues.push({ path: key("workers.memory"), problem: `must be one of ${sizes.join(", ")} MiB with ${workers.cpu} CPU units (Fargate task sizes)`, got: workers.memory, fix: "Pick a memory size Fargate pairs with workers.cpu." });
  }
  issues.push(...plainEnvironmentIssues(workers.environment, key("workers.environment")));
  for (const name of Object.keys(workers.environment)) {
    if ((WORKER_PLATFORM_ENV as readonly string[]).includes(name)) issues.push({ path: key(`workers.environment.${name}`), problem: "is set by the platform", got: name, fix: "Remove it from promptandpause:workers.environment." });
  }
  if (scale && scale.workers.minTasks > scale.workers.maxTasks) {
    issues.push({ path: key("scale.overrides.workers"), problem: `minTasks (${scale.workers.minTasks}) is above maxTasks (${scale.workers.maxTasks})`, got: scale.workers, fix: "Keep minTasks ≤ maxTasks." });
  }
  const sc = app.secureCompute;
  if (sc) {
    const path = "app.secureCompute.cidr";
    issues.push(...checkNotWorld([sc.cidr], path, "the cache"));
    issues.push(...checkNoVpcOverlap(all.network.cidr, [sc.cidr], path));
    const cidr = parseCidr(sc.cidr);
    if (cidr && !RFC1918.some((range) => cidrContains(range, cidr))) {
      issues.push({ path: key(path), problem: "must be private address space (RFC 1918): Vercel Secure Compute networks use private ranges", got: sc.cidr, fix: "Use the CIDR Vercel shows for the Secure Compute network." });
    }
    for (const { name, cidr: reserved } of all.network.reservedCidrs) {
      if (overlappingPairs([sc.cidr], [reserved]).length > 0) {
        issues.push({ path: key(path), problem: `overlaps ${name} (${reserved}) from network.reservedCidrs`, got: sc.cidr, fix: "Secure Compute needs a range no other network uses." });
      }
    }
  }
  if (workersEnabled(workers) && /^team_/.test(app.team)) {
    issues.push({ path: key("app.team"), problem: "is a team id, but Vercel's OIDC issuer and audience (which the workers' queue role trusts) name the team's URL slug", got: app.team, fix: "Set promptandpause:app.team to the slug (vercel.com/<slug>)." });
  }
  return issues;
}
