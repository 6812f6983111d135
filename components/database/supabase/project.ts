import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../shared/dynamic-provider";
import type * as ops from "./project-ops";
import { loadSupabaseModule } from "./runtime";

/**
 * Folder of this file when the provider is serialized; `loadSupabaseModule` falls back to
 * `<cwd>/components/database/supabase` when the state was written elsewhere.
 */
const MODULE_DIR = __dirname;

/**
 * Dynamic provider for a Supabase project (Management API v1). The CRUD methods only load
 * `project-ops` at run time; nothing else is captured in the serialized closure.
 */
export const supabaseProjectProvider = dynamicProvider(() => loadSupabaseModule<typeof ops>("project-ops", MODULE_DIR), {
  check: "checkProjectInputs",
  diff: "diffProject",
  create: "createProject",
  read: "readProject",
  update: "updateProject",
  delete: "deleteProject",
});

/** Arguments of {@link SupabaseProject}. */
export interface SupabaseProjectArgs {
  /**
   * Supabase Management API access token. Passed as an input (dynamic providers have no
   * provider configuration in this repo's design) and stored in the state as a secret.
   * Security: always a secret; never logged, never in an error.
   */
  accessToken: pulumi.Input<string>;
  /** Organization slug (`organization_slug`; `organization_id` is deprecated). Changing it replaces the project. */
  organizationSlug: pulumi.Input<string>;
  /** Project name (max 256 characters). Renamed in place (`PATCH /v1/projects/{ref}`). */
  name: pulumi.Input<string>;
  /**
   * Region code (e.g. `eu-west-2`) or a smart region group (`americas`, `emea`, `apac`); sent as
   * `region_selection`. Changing it replaces the project (and its data).
   */
  region: pulumi.Input<string>;
  /** Postgres password (from @pulumi/random in the component). Security: secret. Changed in place. */
  dbPassword: pulumi.Input<string>;
  /**
   * Compute size (`desired_instance_size` on create; later changes go through the
   * `compute_instance` billing add-on). Cost: larger sizes are billed hourly.
   * @default the smallest size the organization's plan allows
   */
  instanceSize?: pulumi.Input<string>;
  /**
   * Desired PostgreSQL major. Informational: the API does not let new projects pick their
   * engine. A mismatch fills `postgresVersionWarning`.
   * @default undefined (no comparison)
   */
  desiredPostgresMajor?: pulumi.Input<number>;
  /** Management API base URL. @default env SUPABASE_API_URL, else https://api.supabase.com */
  apiBaseUrl?: pulumi.Input<string>;
  /** Interval between status polls after create/resize, ms. @default 10000 */
  pollIntervalMs?: pulumi.Input<number>;
  /** Overall wait for ACTIVE_HEALTHY after create/resize, ms. @default 900000 (15 min) */
  createTimeoutMs?: pulumi.Input<number>;
  /** Timeout of one HTTP request, ms. @default 30000 */
  requestTimeoutMs?: pulumi.Input<number>;
  /** Attempts per API call (retries on 429/5xx). @default 5 */
  maxAttempts?: pulumi.Input<number>;
}

/** Outputs of SupabaseProject marked secret in the state. */
export const SUPABASE_PROJECT_SECRET_OUTPUTS = ["accessToken", "dbPassword", "publishableKey", "secretKey", "poolerConnectionString"];

/**
 * A Supabase project, created through the Management API and waited on until ACTIVE_HEALTHY.
 * Type token: `pulumi-nodejs:dynamic/supabase:Project`.
 */
export class SupabaseProject extends pulumi.dynamic.Resource {
  /** Project ref (20 lower-case letters); also the resource id. */
  declare public readonly ref: pulumi.Output<string>;
  /** `https://<ref>.supabase.co`. */
  declare public readonly apiUrl: pulumi.Output<string>;
  /** Direct database host. */
  declare public readonly dbHost: pulumi.Output<string>;
  /** Last status seen (ACTIVE_HEALTHY after create). */
  declare public readonly status: pulumi.Output<string>;
  /** Publishable key `sb_publishable_…` (public by design; secret in state like every key). */
  declare public readonly publishableKey: pulumi.Output<string>;
  /** Secret key `sb_secret_…` of the service role (bypasses RLS; secret). */
  declare public readonly secretKey: pulumi.Output<string>;
  /** Supavisor transaction-mode connection string, port 6543, with the password (secret). */
  declare public readonly poolerConnectionString: pulumi.Output<string>;
  /** Actual database version, e.g. `15.8.1.054`. */
  declare public readonly postgresVersion: pulumi.Output<string>;
  /** Actual PostgreSQL major. */
  declare public readonly postgresMajor: pulumi.Output<number>;
  /** Non-empty when the actual major differs from `desiredPostgresMajor`; the component logs it. */
  declare public readonly postgresVersionWarning: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly region: pulumi.Output<string>;
  declare public readonly organizationSlug: pulumi.Output<string>;

  constructor(name: string, args: SupabaseProjectArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      accessToken: pulumi.secret(args.accessToken),
      dbPassword: pulumi.secret(args.dbPassword),
      ref: undefined,
      apiUrl: undefined,
      dbHost: undefined,
      status: undefined,
      publishableKey: undefined,
      secretKey: undefined,
      poolerConnectionString: undefined,
      postgresVersion: undefined,
      postgresMajor: undefined,
      postgresVersionWarning: undefined,
    };
    super(
      supabaseProjectProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...SUPABASE_PROJECT_SECRET_OUTPUTS, ...(opts?.additionalSecretOutputs ?? [])] },
      "supabase",
      "Project",
    );
    // The engine marks these secret (additionalSecretOutputs); wrapping them here as well keeps
    // them secret where the engine is not involved (mocks, the offline plan).
    const self = this as unknown as Record<string, pulumi.Output<unknown>>;
    for (const key of ["publishableKey", "secretKey", "poolerConnectionString"]) self[key] = pulumi.secret(self[key]);
  }
}
