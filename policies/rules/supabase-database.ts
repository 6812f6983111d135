/**
 * supabase-database: the database only accepts TLS connections, stays within the guide's
 * connection budget (pool_size 20, max_connections 100) and upload limit (file_size_limit 50MB),
 * and — where the stack's policy config says so (`requirePointInTimeRecovery`: true in prod) —
 * has point-in-time recovery, the only Supabase backup that meets the guide's 15-minute RPO
 * (daily backups can lose a day). Reads the Supabase settings dynamic resource (type
 * `pulumi-nodejs:dynamic/supabase:Settings`); every field must be set explicitly so the platform
 * default never decides.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DATABASE } from "../guide";
import { SupabaseSettingsType } from "../lib/shapes";
import { configFrom } from "../lib/util";

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
    maxFileSizeBytes: {
      type: "integer",
      minimum: 1,
      description: "Largest storage.fileSizeLimitBytes allowed (the guide's file_size_limit, 50 MB).",
      default: DATABASE.fileSizeLimitBytes,
    },
    requirePointInTimeRecovery: {
      type: "boolean",
      description: "pitr.enabled must be true: the guide's 15-minute RPO is only met by point-in-time recovery (prod: true, staging: false).",
      default: true,
    },
  },
} as const;

interface Config {
  maxPoolSize: number;
  maxConnections: number;
  maxFileSizeBytes: number;
  requirePointInTimeRecovery: boolean;
}

const MB = 1024 * 1024;

/** `52428800 (50 MB)`; MB only when it is a whole number. */
function bytes(n: number): string {
  return Number.isInteger(n / MB) ? `${n} (${n / MB} MB)` : String(n);
}

export const supabaseDatabase: ResourceValidationPolicy = {
  name: "supabase-database",
  description:
    "The Supabase database enforces SSL, stays within the guide's pool size (≤ 20), max connections (≤ 100) and upload limit (≤ 50 MB), and has point-in-time recovery where the 15-minute RPO applies (prod).",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(SupabaseSettingsType, (settings, args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
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
    const fileSize = settings.storage?.fileSizeLimitBytes;
    if (fileSize === undefined) reportViolation(`${name} does not set storage.fileSizeLimitBytes; set it to at most ${bytes(cfg.maxFileSizeBytes)}.`);
    else if (fileSize > cfg.maxFileSizeBytes) {
      reportViolation(`${name} sets storage.fileSizeLimitBytes to ${bytes(fileSize)}; the guide allows at most ${bytes(cfg.maxFileSizeBytes)}.`);
    }
    if (cfg.requirePointInTimeRecovery && settings.pitr?.enabled !== true) {
      const got = settings.pitr === undefined ? "does not manage pitr" : `sets pitr.enabled to ${String(settings.pitr.enabled)}`;
      reportViolation(
        `${name} ${got}; set pitr.enabled to true. The guide's recovery point objective is ${DATABASE.recoveryPointObjectiveMinutes} minutes and only point-in-time recovery meets it (daily backups can lose a day of data).`,
      );
    }
  }),
};
