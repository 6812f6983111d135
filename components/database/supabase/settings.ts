import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../shared/dynamic-provider";
import { loadSupabaseModule } from "./runtime";
import type * as ops from "./settings-ops";

export type { AuthRateLimits, AuthSettings, SmtpSettings } from "./settings-ops";

/** Folder of this file when the provider is serialized (see `runtime.ts`). */
const MODULE_DIR = __dirname;

/**
 * Dynamic provider for a Supabase project's settings. The CRUD methods only load
 * `settings-ops` at run time.
 */
export const supabaseSettingsProvider = dynamicProvider(() => loadSupabaseModule<typeof ops>("settings-ops", MODULE_DIR), {
  check: "checkSettingsInputs",
  diff: "diffSettings",
  create: "createSettings",
  read: "readSettings",
  update: "updateSettings",
  delete: "deleteSettings",
});

/** Inputs all the way down; numbers (also unit-branded ones such as `Hours`) stay as they are. */
type DeepInput<T> = pulumi.Input<T extends string | number | boolean ? T : T extends object ? { [K in keyof T]: DeepInput<T[K]> } : T>;

/**
 * Arguments of {@link SupabaseSettings}. Every area is optional: an absent area is not managed
 * (left as it is in Supabase). Values left unset inside an area take the guide's value.
 */
export interface SupabaseSettingsArgs {
  /** Management API access token. Security: secret; stored in the state as a secret. */
  accessToken: pulumi.Input<string>;
  /** Project ref (`SupabaseProject.ref`). Changing it replaces the settings resource. */
  projectRef: pulumi.Input<string>;
  /** Project name, only used in messages. @default undefined */
  projectName?: pulumi.Input<string>;
  /** Management API base URL. @default env SUPABASE_API_URL, else https://api.supabase.com */
  apiBaseUrl?: pulumi.Input<string>;
  /** Timeout of one HTTP request, ms. @default 30000 */
  requestTimeoutMs?: pulumi.Input<number>;
  /** Attempts per API call (retries on 429/5xx). @default 5 */
  maxAttempts?: pulumi.Input<number>;
  /** SMTP password = Resend API key. Required with `auth.smtp`. Security: secret. @default undefined */
  smtpPassword?: pulumi.Input<string>;
  /**
   * Auth (`PATCH /v1/projects/{ref}/config/auth`): site URL, redirect allow-list, JWT 3600 s,
   * refresh-token rotation (reuse interval 10 s), sessions time-boxed to 168 h (604800 s; the API
   * field is hours), rate limits,
   * SMTP via Resend (smtp.resend.com:587, user `resend`).
   * @default not managed
   */
  auth?: DeepInput<ops.AuthSettings>;
  /** Postgres config (`PUT …/config/database/postgres`, merged with current overrides). @default not managed; maxConnections 100 when set */
  postgres?: DeepInput<{ maxConnections?: number }>;
  /** Supavisor (`PATCH …/config/database/pooler`). @default not managed; defaultPoolSize 20, poolMode "transaction" when set */
  pooler?: DeepInput<{ defaultPoolSize?: number; poolMode?: "transaction" | "session" }>;
  /** Storage (`PATCH …/config/storage`). @default not managed; fileSizeLimitBytes 52428800 (50 MB) when set */
  storage?: DeepInput<{ fileSizeLimitBytes?: number }>;
  /** Require SSL for database connections (`PUT …/ssl-enforcement`). Security: keep true. @default not managed */
  sslEnforcement?: pulumi.Input<boolean>;
  /**
   * Database network restrictions (`POST …/network-restrictions/apply`, replaces the whole list).
   * Security: an empty list blocks every client. @default not managed (Supabase allows all)
   */
  networkRestrictions?: DeepInput<{ ipv4Cidrs?: string[]; ipv6Cidrs?: string[] }>;
  /**
   * Point-in-time recovery add-on (`PATCH …/billing/addons`, variant `pitr_<days>`); `enabled:
   * false` removes it. Cost: billed hourly; needs compute size small or larger.
   * @default not managed; retentionDays 7 when enabled
   */
  pitr?: DeepInput<{ enabled: boolean; retentionDays?: 7 | 14 | 28 }>;
  /** Daily backup time (`PATCH …/database/backups/schedule`, `HH:MM:SS` UTC; at most 3 changes a day). @default not managed */
  backups?: DeepInput<{ dailyScheduleUtc?: string }>;
}

/** Outputs of SupabaseSettings marked secret in the state. */
export const SUPABASE_SETTINGS_SECRET_OUTPUTS = ["accessToken", "smtpPassword"];

/**
 * The managed settings of one Supabase project. Update touches only the areas that changed;
 * delete leaves Supabase as it is (see docs/supabase-provider.md).
 * Type token: `pulumi-nodejs:dynamic/supabase:Settings`.
 */
export class SupabaseSettings extends pulumi.dynamic.Resource {
  /** The request bodies last applied, per area (no secrets). */
  declare public readonly areas: pulumi.Output<Record<string, unknown>>;
  declare public readonly projectRef: pulumi.Output<string>;

  constructor(name: string, args: SupabaseSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      accessToken: pulumi.secret(args.accessToken),
      smtpPassword: args.smtpPassword === undefined ? undefined : pulumi.secret(args.smtpPassword),
      areas: undefined,
    };
    super(
      supabaseSettingsProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...SUPABASE_SETTINGS_SECRET_OUTPUTS, ...(opts?.additionalSecretOutputs ?? [])] },
      "supabase",
      "Settings",
    );
  }
}
