/**
 * supabase-hardening (advisory): Supabase settings the platform relies on that are not numbers in
 * the guide, so they warn instead of blocking a deployment. Each reason is in the description:
 *
 * - `auth.refreshTokenRotation` true: each refresh token works once, so a stolen one stops
 *   working at its first reuse (after `refreshTokenReuseIntervalSeconds`) instead of living for
 *   the whole session.
 * - `pooler.poolMode` "transaction": the app runs as Vercel serverless functions that open short
 *   connections; only transaction mode shares the guide's 20 pooled connections between them (in
 *   session mode every open client holds a server connection).
 * - `networkRestrictions` with at least one CIDR: the resource replaces the whole allow-list, and
 *   an empty list blocks every client, the app included. Leaving `networkRestrictions` out keeps
 *   Supabase's allow-all (with SSL enforced by supabase-database).
 *
 * Reads the Supabase settings dynamic resource (type `pulumi-nodejs:dynamic/supabase:Settings`).
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { RECOMMENDED_POOL_MODE } from "../guide";
import { SupabaseSettingsType } from "../lib/shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    poolMode: {
      type: "string",
      enum: ["transaction", "session"],
      description: "Expected pooler.poolMode (transaction: serverless functions share the pool).",
      default: RECOMMENDED_POOL_MODE,
    },
  },
} as const;

export const supabaseHardening: ResourceValidationPolicy = {
  name: "supabase-hardening",
  description:
    "Recommended Supabase settings beyond the guide's numbers (advisory): refresh-token rotation on (a stolen refresh token dies at its first reuse), the pooler in transaction mode (only then do serverless functions share the 20 pooled connections), and a non-empty network allow-list (an empty list blocks every client).",
  enforcementLevel: "advisory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(SupabaseSettingsType, (settings, args, reportViolation) => {
    const { poolMode } = configFrom<{ poolMode: string }>(configSchema, args);
    const name = `Supabase settings "${args.name}"`;
    if (settings.auth && settings.auth.refreshTokenRotation !== true) {
      const got = settings.auth.refreshTokenRotation === undefined ? "does not set auth.refreshTokenRotation" : `sets auth.refreshTokenRotation to ${String(settings.auth.refreshTokenRotation)}`;
      reportViolation(`${name} ${got}; set it to true so a reused refresh token ends the session.`);
    }
    if (settings.pooler && settings.pooler.poolMode !== poolMode) {
      const got = settings.pooler.poolMode === undefined ? "does not set pooler.poolMode" : `sets pooler.poolMode to "${settings.pooler.poolMode}"`;
      reportViolation(`${name} ${got}; set it to "${poolMode}".`);
    }
    const network = settings.networkRestrictions;
    if (network && (network.ipv4Cidrs ?? []).length === 0 && (network.ipv6Cidrs ?? []).length === 0) {
      reportViolation(
        `${name} sets networkRestrictions with no CIDR, which blocks every database client (the app included). List the allowed CIDRs (["0.0.0.0/0"] and ["::/0"] allow all, with SSL enforced), or leave networkRestrictions out.`,
      );
    }
  }),
};
