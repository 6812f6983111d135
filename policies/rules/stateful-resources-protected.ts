/**
 * stateful-resources-protected: resources whose deletion loses data or takes the site down (the
 * Supabase project, the Cloudflare zone) are created with `protect: true` where the stack's
 * policy config says so (`requireProtection`: true in prod, false in staging).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { TYPES } from "../guide";
import { CACHE_LAYER_TYPES as AWS_TYPES } from "../lib/aws-shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    requireProtection: {
      type: "boolean",
      description: "Stateful resources must have protect: true (prod: true, staging: false).",
      default: true,
    },
  },
} as const;

/** What a stateful resource is called in messages, or undefined when the resource is not stateful. */
function statefulKind(args: ResourceValidationArgs): string | undefined {
  if (args.type === TYPES.zone) return "Cloudflare zone";
  if (args.type === TYPES.supabaseProject) return "Supabase project";
  if (args.type === AWS_TYPES.replicationGroup) return "ElastiCache replication group";
  return undefined;
}

export function validateProtection(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const kind = statefulKind(args);
  if (!kind) {
    args.notApplicable(`Policy only applies to resources of type '${TYPES.zone}', '${TYPES.supabaseProject}' and '${AWS_TYPES.replicationGroup}'`);
    return;
  }
  const { requireProtection } = configFrom<{ requireProtection: boolean }>(configSchema, args);
  if (requireProtection && !args.opts.protect) {
    reportViolation(`${kind} "${args.name}" is not protected. Register it with protect: true (the stack's protection setting) so \`pulumi destroy\` or a replacement cannot delete it.`);
  }
}

export const statefulResourcesProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description: "Stateful resources (Supabase project, Cloudflare zone, ElastiCache replication group) are protected from deletion where the environment requires it.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateProtection,
};
