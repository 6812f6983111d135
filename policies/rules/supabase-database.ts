/**
 * supabase-database: the database only accepts TLS connections and stays within the guide's
 * connection budget (pool_size 20, max_connections 100). Reads the `supabase:Settings` dynamic
 * resource; every field must be set explicitly so the platform default never decides.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DATABASE, SUPABASE_KINDS, TYPES } from "../guide";
import { type DynamicInputs, resourceType, type SupabaseSettingsInputs } from "../lib/shapes";
import { configWithDefaults } from "../lib/util";

export const configSchema = {
  properties: {
    maxPoolSize: {
      type: "integer",
      minimum: 1,
      description: "Largest pooler.defaultPoolSize allowed.",
      default: DATABASE.poolSize,
    },
    maxConnections: {
      type: "integer",
      minimum: 1,
      description: "Largest postgres.maxConnections allowed.",
      default: DATABASE.maxConnections,
    },
  },
} as const;

const DynamicResource = resourceType<DynamicInputs>(TYPES.dynamic);

export const supabaseDatabase: ResourceValidationPolicy = {
  name: "supabase-database",
  description: "The Supabase database enforces SSL, and its pool size (≤ 20) and max connections (≤ 100) stay within the guide.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(DynamicResource, (props, args, reportViolation) => {
    if (props.resourceKind !== SUPABASE_KINDS.settings) {
      args.notApplicable(`Policy only applies to dynamic resources with resourceKind "${SUPABASE_KINDS.settings}"`);
    }
    const settings = props as unknown as SupabaseSettingsInputs;
    const cfg = configWithDefaults({ maxPoolSize: DATABASE.poolSize as number, maxConnections: DATABASE.maxConnections as number }, args);
    const name = `Supabase settings "${args.name}"`;
    if (settings.sslEnforcement !== true) {
      reportViolation(`${name} must set sslEnforcement to true so the database rejects unencrypted connections (got ${String(settings.sslEnforcement)}).`);
    }
    const pool = settings.pooler?.defaultPoolSize;
    if (pool === undefined) reportViolation(`${name} does not set pooler.defaultPoolSize; set it to at most ${cfg.maxPoolSize}.`);
    else if (pool > cfg.maxPoolSize) reportViolation(`${name} sets pooler.defaultPoolSize to ${pool}; the guide allows at most ${cfg.maxPoolSize}.`);
    const max = settings.postgres?.maxConnections;
    if (max === undefined) reportViolation(`${name} does not set postgres.maxConnections; set it to at most ${cfg.maxConnections}.`);
    else if (max > cfg.maxConnections) reportViolation(`${name} sets postgres.maxConnections to ${max}; the guide allows at most ${cfg.maxConnections}.`);
  }),
};
