import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../shared/dynamic-provider";
import type * as ops from "./read-replica-ops";
import { loadSupabaseModule } from "./runtime";

export type { ReplicaRecord } from "./read-replica-ops";

/** Folder of this file when the provider is serialized (see `runtime.ts`). */
const MODULE_DIR = __dirname;

/**
 * Dynamic provider for the read replicas of a Supabase project. The CRUD methods only load
 * `read-replica-ops` at run time; nothing else is captured in the serialized closure.
 */
export const supabaseReadReplicasProvider = dynamicProvider(() => loadSupabaseModule<typeof ops>("read-replica-ops", MODULE_DIR), {
  check: "checkReadReplicaInputs",
  diff: "diffReadReplicas",
  create: "createReadReplicas",
  read: "readReadReplicas",
  update: "updateReadReplicas",
  delete: "deleteReadReplicas",
});

/** Arguments of {@link SupabaseReadReplicas}. */
export interface SupabaseReadReplicasArgs {
  /** Management API access token. Security: secret; stored in the state as a secret, never logged. */
  accessToken: pulumi.Input<string>;
  /** Project ref (`SupabaseProject.ref`). Changing it replaces the resource (replicas of the old project are removed). */
  projectRef: pulumi.Input<string>;
  /** Project name, only used in messages. @default the name the API reports */
  projectName?: pulumi.Input<string>;
  /**
   * Region of the replicas (`read_replica_region`, e.g. `eu-west-2`). Changed in place: the
   * replicas in the old region are removed, then new ones are set up (reads go to the primary
   * meanwhile). @default the primary database's region
   */
  region?: pulumi.Input<string>;
  /**
   * Number of read replicas, 0-5 (at most 2 below compute size XL). Changed in place: adds the
   * difference or removes the newest first. Cost: each replica is billed hourly at the primary's
   * compute size, with a disk of 1.25x the primary's. Needs a paid plan and compute size small or
   * larger. @default none (required; scale presets: current 0, 10x 2, 100x 4)
   */
  count: pulumi.Input<number>;
  /** Management API base URL. @default env SUPABASE_API_URL, else https://api.supabase.com */
  apiBaseUrl?: pulumi.Input<string>;
  /** Timeout of one HTTP request, ms. @default 30000 */
  requestTimeoutMs?: pulumi.Input<number>;
  /** Attempts per API call (retries on 429/5xx; setup retried after a 5xx only when no replica appeared). @default 5 */
  maxAttempts?: pulumi.Input<number>;
  /** Interval between polls of the project's databases, ms. @default 10000 */
  pollIntervalMs?: pulumi.Input<number>;
  /** Wait for ONE replica to become ACTIVE_HEALTHY (or to go away after remove), ms. @default 1800000 (30 min) */
  timeoutMs?: pulumi.Input<number>;
}

/** Outputs of SupabaseReadReplicas marked secret in the state. */
export const SUPABASE_READ_REPLICAS_SECRET_OUTPUTS = ["accessToken"];

/**
 * The read replicas of one Supabase project, as a desired count (Management API v1,
 * `POST /v1/projects/{ref}/read-replicas/setup|remove`). Owns only the replicas it created.
 * Type token: `pulumi-nodejs:dynamic/supabase:ReadReplicas`.
 */
export class SupabaseReadReplicas extends pulumi.dynamic.Resource {
  /** The replicas this resource created that exist, oldest first: `{ identifier, region }`. */
  declare public readonly replicas: pulumi.Output<{ identifier: string; region: string }[]>;
  /** Region of the primary database. */
  declare public readonly primaryRegion: pulumi.Output<string>;
  /** Region the replicas are kept in (`region`, else `primaryRegion`). */
  declare public readonly effectiveRegion: pulumi.Output<string>;
  declare public readonly organizationSlug: pulumi.Output<string>;
  declare public readonly projectRef: pulumi.Output<string>;
  declare public readonly count: pulumi.Output<number>;

  constructor(name: string, args: SupabaseReadReplicasArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      accessToken: pulumi.secret(args.accessToken),
      replicas: undefined,
      primaryRegion: undefined,
      effectiveRegion: undefined,
      organizationSlug: undefined,
    };
    super(
      supabaseReadReplicasProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...SUPABASE_READ_REPLICAS_SECRET_OUTPUTS, ...(opts?.additionalSecretOutputs ?? [])] },
      "supabase",
      "ReadReplicas",
    );
  }
}
