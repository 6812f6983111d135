/**
 * vercel-function-timeout: the guide caps API functions at maxDuration 30 s. On a Vercel project
 * that is `resourceConfig.functionDefaultTimeout`; leaving it unset takes the plan's default,
 * which is far longer, so it must be set explicitly.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { FUNCTION_MAX_DURATION_SECONDS, TYPES } from "../guide";
import { resourceType, type VercelProjectInputs } from "../lib/shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    maxTimeoutSeconds: {
      type: "integer",
      minimum: 1,
      description: "Longest function timeout (resourceConfig.functionDefaultTimeout) allowed, in seconds.",
      default: FUNCTION_MAX_DURATION_SECONDS,
    },
  },
} as const;

export const VercelProject = resourceType<VercelProjectInputs>(TYPES.vercelProject);

export const vercelFunctionTimeout: ResourceValidationPolicy = {
  name: "vercel-function-timeout",
  description: "Vercel functions time out after at most 30 seconds (guide: functions maxDuration 30).",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(VercelProject, (project, args, reportViolation) => {
    const { maxTimeoutSeconds } = configFrom<{ maxTimeoutSeconds: number }>(configSchema, args);
    const timeout = project.resourceConfig?.functionDefaultTimeout;
    if (timeout === undefined) {
      reportViolation(`Vercel project "${args.name}" does not set resourceConfig.functionDefaultTimeout; set it to at most ${maxTimeoutSeconds} seconds.`);
    } else if (timeout > maxTimeoutSeconds) {
      reportViolation(`Vercel project "${args.name}" sets resourceConfig.functionDefaultTimeout to ${timeout} s; the guide allows at most ${maxTimeoutSeconds} s.`);
    }
  }),
};
