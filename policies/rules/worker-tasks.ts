/**
 * worker-tasks: ECS services never give tasks a public IP (they sit in the application segment
 * and leave through NAT), and task definitions carry no secret in plaintext: no environment
 * variable named like a secret or holding a secret-shaped value; secrets arrive through
 * `secrets[].valueFrom` (a Secrets Manager or SSM Parameter Store ARN). Messages name the
 * variable and the kind of secret, never the value.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { SECRET_NAME_PATTERNS } from "../guide";
import { CACHE_LAYER_TYPES as AWS_TYPES, type EcsServiceInputs, type TaskDefinitionInputs } from "../lib/aws-shapes";
import { matchingPattern, secretKind, withArticle } from "../lib/secrets";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    secretNamePatterns: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Case-insensitive regular expressions: a task environment variable whose name matches must be a secret (valueFrom), not plaintext.",
      default: [...SECRET_NAME_PATTERNS, "REDIS_URL"],
    },
  },
} as const;

interface Container {
  name?: string;
  environment?: Array<{ name?: string; value?: string }>;
  secrets?: Array<{ name?: string; valueFrom?: string }>;
}

const SECRET_SOURCE = /^arn:aws[a-z-]*:(secretsmanager|ssm):/;

/** One validator for both types, so a resource of any other type counts as "not applicable" once. */
export function validateWorkerTasks(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type === AWS_TYPES.ecsService) {
    const service = args.props as EcsServiceInputs;
    if (service.networkConfiguration?.assignPublicIp === true) {
      reportViolation(`ECS service "${args.name}" sets networkConfiguration.assignPublicIp to true; tasks must stay private in the application segment (set it to false and leave through the NAT gateway).`);
    }
    return;
  }
  if (args.type !== AWS_TYPES.taskDefinition) {
    args.notApplicable(`Policy only applies to '${AWS_TYPES.ecsService}' and '${AWS_TYPES.taskDefinition}'`);
    return;
  }
  const task = args.props as TaskDefinitionInputs;
  const cfg = configFrom<{ secretNamePatterns: string[] }>(configSchema, args);
  let containers: Container[];
  try {
    containers = JSON.parse(task.containerDefinitions) as Container[];
  } catch {
    reportViolation(`Task definition "${args.name}": containerDefinitions is not valid JSON.`);
    return;
  }
  for (const container of containers) {
    const where = `Task definition "${args.name}", container "${container.name ?? "?"}"`;
    for (const env of container.environment ?? []) {
      const key = env.name ?? "";
      const pattern = matchingPattern(key, cfg.secretNamePatterns);
      const kind = typeof env.value === "string" ? secretKind(env.value) : undefined;
      if (pattern) reportViolation(`${where}: environment variable ${key} is named like a secret (matches /${pattern}/i) but is plaintext in the task definition. Store it in Secrets Manager and pass it through secrets[].valueFrom.`);
      else if (kind) reportViolation(`${where}: environment variable ${key} holds a value that looks like ${withArticle(kind)}, in plaintext. Move it to Secrets Manager (secrets[].valueFrom) and rotate it.`);
    }
    for (const secret of container.secrets ?? []) {
      if (!SECRET_SOURCE.test(secret.valueFrom ?? "")) reportViolation(`${where}: secret ${secret.name ?? "?"} must come from a Secrets Manager or SSM Parameter Store ARN (got a valueFrom that is not one).`);
    }
  }
}

export const workerTasks: ResourceValidationPolicy = {
  name: "worker-tasks",
  description: "ECS tasks get no public IP, and task definitions hold no plaintext secret: secrets come from Secrets Manager or SSM through valueFrom.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateWorkerTasks,
};
