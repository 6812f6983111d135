/**
 * maintenance-window-work: an SSM maintenance window does something. Each window has at least one
 * target (the instances it patches) and at least one task, and every task runs on a target of its
 * own window. An empty window is a stub: the guide's monthly maintenance would patch nothing.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { referenceKey } from "../lib/aws";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    minTargets: { type: "integer", minimum: 1, description: "Fewest targets a maintenance window may have.", default: 1 },
    minTasks: { type: "integer", minimum: 1, description: "Fewest tasks a maintenance window may have.", default: 1 },
  },
} as const;

/** Type tokens read here (@pulumi/aws 7). */
export const MAINTENANCE_TYPES = {
  window: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  target: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
  task: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
} as const;

/** Whether `r.windowId` refers to `window` (dependency or literal id). */
const inWindow = (r: PolicyResource, window: PolicyResource) => {
  const key = referenceKey(r, "windowId");
  return key === window.urn || (typeof window.props.id === "string" && key === window.props.id);
};

export function validateMaintenanceWork(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const windows = args.resources.filter((r) => r.type === MAINTENANCE_TYPES.window);
  if (windows.length === 0) args.notApplicable("The stack has no maintenance window.");
  const { minTargets, minTasks } = configFrom<{ minTargets: number; minTasks: number }>(configSchema, args);
  for (const window of windows) {
    const targets = args.resources.filter((r) => r.type === MAINTENANCE_TYPES.target && inWindow(r, window));
    const tasks = args.resources.filter((r) => r.type === MAINTENANCE_TYPES.task && inWindow(r, window));
    if (targets.length < minTargets) reportViolation(`Maintenance window "${window.name}" has ${targets.length === 0 ? "no target" : `${targets.length} target(s), fewer than ${minTargets}`}. Add an aws.ssm.MaintenanceWindowTarget (e.g. instances by their Patch Group tag).`, window.urn);
    if (tasks.length < minTasks) reportViolation(`Maintenance window "${window.name}" has ${tasks.length === 0 ? "no task" : `${tasks.length} task(s), fewer than ${minTasks}`}. Add an aws.ssm.MaintenanceWindowTask (e.g. AWS-RunPatchBaseline).`, window.urn);
    const targetUrns = new Set(targets.map((t) => t.urn));
    for (const task of tasks) {
      const onTargets = task.propertyDependencies?.targets?.some((d) => targetUrns.has(d.urn));
      if (targets.length > 0 && !onTargets) reportViolation(`Task "${task.name}" of maintenance window "${window.name}" runs on none of the window's targets. Set targets to [{ key: "WindowTargetIds", values: [<target>.id] }].`, task.urn);
    }
  }
}

export const maintenanceWindowWork: StackValidationPolicy = {
  name: "maintenance-window-work",
  description: "Every maintenance window has a target and a task that runs on it.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateMaintenanceWork,
};
