/** Supabase dynamic provider over the Management API v1 (see docs/supabase-provider.md). */
export { SupabaseProject, type SupabaseProjectArgs, SUPABASE_PROJECT_SECRET_OUTPUTS, supabaseProjectProvider } from "./project";
export {
  SupabaseSettings,
  type SupabaseSettingsArgs,
  type AuthSettings,
  type AuthRateLimits,
  type SmtpSettings,
  SUPABASE_SETTINGS_SECRET_OUTPUTS,
  supabaseSettingsProvider,
} from "./settings";
export { SupabaseApiError, SupabaseClient, SUPABASE_ENDPOINTS, DEFAULT_SUPABASE_API_URL, isSupabaseApiError } from "./client";
export { SETTINGS_DEFAULTS } from "./settings-ops";
export {
  SupabaseReadReplicas,
  type SupabaseReadReplicasArgs,
  type ReplicaRecord,
  SUPABASE_READ_REPLICAS_SECRET_OUTPUTS,
  supabaseReadReplicasProvider,
} from "./read-replica";
