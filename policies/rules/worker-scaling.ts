/**
 * worker-scaling: ECS auto-scaling stays within the scale preset it was built for and follows the
 * guide's "Auto-scaling Configuration". The scaling target's `scale-preset` tag names the preset;
 * its bounds come from this policy's config (defaults: the presets in policies/guide.ts), so a
 * stack override cannot widen them without a reviewed policy change. min ≥ the preset's floor,
 * max ≤ its ceiling, scheduled actions included; every ECS target has exactly one CPU and one
 * memory target-tracking policy aiming no higher than 70 % / 80 %, with the guide's cooldowns
 * (out 300 s, in 600 s), and no other scaling policy and no suspended dynamic scaling: the
 * service scales in only when every policy agrees, so one extra policy could pin it at its
 * maximum, and a suspended direction ignores the guide's thresholds altogether.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { WORKER_SCALING } from "../guide";
import { CACHE_LAYER_TYPES as AWS_TYPES, type ScalingPolicyInputs, type ScalingTargetInputs, type ScheduledActionInputs } from "../lib/aws-shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    presets: {
      type: "object",
      description: "Task bounds per scale preset (the stack's promptandpause:scale.preset).",
      additionalProperties: {
        type: "object",
        required: ["minCapacity", "maxCapacity"],
        properties: { minCapacity: { type: "integer", minimum: 1 }, maxCapacity: { type: "integer", minimum: 1 } },
        additionalProperties: false,
      },
      default: WORKER_SCALING.presets,
    },
    targetCpuPercent: { type: "number", minimum: 1, maximum: 100, description: "Highest CPU target allowed (guide: 70).", default: WORKER_SCALING.targetCpuPercent },
    targetMemoryPercent: { type: "number", minimum: 1, maximum: 100, description: "Highest memory target allowed (guide: 80).", default: WORKER_SCALING.targetMemoryPercent },
    scaleOutCooldownSeconds: { type: "integer", minimum: 0, description: "Scale-out cooldown (guide scale_up_cooldown: 300).", default: WORKER_SCALING.scaleOutCooldownSeconds },
    scaleInCooldownSeconds: { type: "integer", minimum: 0, description: "Scale-in cooldown (guide scale_down_cooldown: 600).", default: WORKER_SCALING.scaleInCooldownSeconds },
  },
} as const;

interface Config {
  presets: Record<string, { minCapacity: number; maxCapacity: number }>;
  targetCpuPercent: number;
  targetMemoryPercent: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}

const METRICS = { cpu: "ECSServiceAverageCPUUtilization", memory: "ECSServiceAverageMemoryUtilization" } as const;

/** The scaling policies or scheduled actions that act on `target` (its resourceId, wired or literal). */
function attachedTo(target: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
  const t = target.props as ScalingTargetInputs;
  return resources.filter((p) => {
    const deps = p.propertyDependencies?.resourceId ?? [];
    return deps.some((d) => d.urn === target.urn) || (p.props as { resourceId?: unknown }).resourceId === t.resourceId;
  });
}

const metricOf = (p: PolicyResource) => (p.props as ScalingPolicyInputs).targetTrackingScalingPolicyConfiguration?.predefinedMetricSpecification?.predefinedMetricType;

export function validateWorkerScaling(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const targets = args.resources.filter((r) => r.type === AWS_TYPES.scalingTarget && (r.props as ScalingTargetInputs).serviceNamespace === "ecs");
  if (targets.length === 0) {
    args.notApplicable("The stack has no ECS auto-scaling target.");
    return;
  }
  const cfg = configFrom<Config>(configSchema, args);
  const policies = args.resources.filter((r) => r.type === AWS_TYPES.scalingPolicy);
  const scheduled = args.resources.filter((r) => r.type === AWS_TYPES.scheduledAction);
  for (const target of targets) {
    const t = target.props as ScalingTargetInputs;
    const name = `Scaling target "${target.name}"`;
    const preset = t.tags?.[WORKER_SCALING.presetTag];
    const bounds = preset ? cfg.presets[preset] : undefined;
    if (!bounds) {
      reportViolation(`${name} has ${preset ? `an unknown scale preset "${preset}"` : `no "${WORKER_SCALING.presetTag}" tag`}; tag it with the stack's preset (${Object.keys(cfg.presets).join(", ")}) so its bounds can be checked.`, target.urn);
    } else {
      if (t.minCapacity < bounds.minCapacity) reportViolation(`${name} sets minCapacity ${t.minCapacity}; the ${preset} preset keeps at least ${bounds.minCapacity} tasks running.`, target.urn);
      if (t.maxCapacity > bounds.maxCapacity) reportViolation(`${name} sets maxCapacity ${t.maxCapacity}; the ${preset} preset allows at most ${bounds.maxCapacity} tasks.`, target.urn);
      for (const action of attachedTo(target, scheduled)) {
        const { minCapacity, maxCapacity } = (action.props as ScheduledActionInputs).scalableTargetAction ?? {};
        const aname = `Scheduled action "${action.name}"`;
        if (minCapacity !== undefined && minCapacity < bounds.minCapacity) reportViolation(`${aname} sets minCapacity ${minCapacity}; the ${preset} preset keeps at least ${bounds.minCapacity} tasks running.`, action.urn);
        if (maxCapacity !== undefined && maxCapacity > bounds.maxCapacity) reportViolation(`${aname} sets maxCapacity ${maxCapacity}; the ${preset} preset allows at most ${bounds.maxCapacity} tasks.`, action.urn);
      }
    }
    for (const direction of ["In", "Out"] as const) {
      if (t.suspendedState?.[`dynamicScaling${direction}Suspended`] === true) reportViolation(`${name} suspends dynamic scaling ${direction.toLowerCase()}; the guide's CPU and memory thresholds would no longer move the task count.`, target.urn);
    }
    const mine = attachedTo(target, policies);
    const known = new Set<string | undefined>(Object.values(METRICS));
    for (const other of mine.filter((p) => !known.has(metricOf(p)))) {
      reportViolation(`Scaling policy "${other.name}" is not the guide's CPU or memory target tracking (${METRICS.cpu}, ${METRICS.memory}); the service scales in only when every policy agrees, so another policy overrides the guide's thresholds. Remove it.`, other.urn);
    }
    for (const [kind, metric] of Object.entries(METRICS)) {
      const limit = kind === "cpu" ? cfg.targetCpuPercent : cfg.targetMemoryPercent;
      const found = mine.filter((x) => metricOf(x) === metric);
      if (found.length === 0) {
        reportViolation(`${name} has no ${kind} target-tracking policy (${metric}); the guide scales on CPU ${cfg.targetCpuPercent} % and memory ${cfg.targetMemoryPercent} %.`, target.urn);
        continue;
      }
      if (found.length > 1) reportViolation(`${name} has ${found.length} ${kind} target-tracking policies (${found.map((x) => x.name).join(", ")}); keep one, so the guide's target is the one that counts.`, target.urn);
      for (const p of found) checkTargetTracking(p, kind, limit, cfg, reportViolation);
    }
  }
}

/** One CPU or memory target-tracking policy against the guide's target and cooldowns. */
function checkTargetTracking(p: PolicyResource, kind: string, limit: number, cfg: Config, reportViolation: ReportViolation): void {
  const c = (p.props as ScalingPolicyInputs).targetTrackingScalingPolicyConfiguration;
  const pname = `Scaling policy "${p.name}"`;
  if (c && c.targetValue > limit) reportViolation(`${pname} aims for ${c.targetValue} % ${kind}; the guide scales out at ${limit} %.`, p.urn);
  if (c?.scaleOutCooldown !== cfg.scaleOutCooldownSeconds) reportViolation(`${pname} sets scaleOutCooldown ${String(c?.scaleOutCooldown)} s; the guide's scale_up_cooldown is ${cfg.scaleOutCooldownSeconds} s.`, p.urn);
  if (c?.scaleInCooldown !== cfg.scaleInCooldownSeconds) reportViolation(`${pname} sets scaleInCooldown ${String(c?.scaleInCooldown)} s; the guide's scale_down_cooldown is ${cfg.scaleInCooldownSeconds} s.`, p.urn);
  if (c?.disableScaleIn === true) reportViolation(`${pname} disables scale-in; the service would never shrink back to the preset's floor.`, p.urn);
}

export const workerScaling: StackValidationPolicy = {
  name: "worker-scaling",
  description: "ECS auto-scaling stays within the stack's scale preset and follows the guide: CPU ≤ 70 %, memory ≤ 80 %, cooldowns out 300 s / in 600 s.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateWorkerScaling,
};
