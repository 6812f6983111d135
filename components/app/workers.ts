import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_NAME_PATTERNS } from "../../policies/guide";
import { matchingPattern, secretKind, withArticle } from "../../policies/lib/secrets";
import { LOG_RETENTION_DAYS } from "../shared/aws";
import type { PolicyDocument } from "../shared/iam";
import { type ConfigIssue, SECRET_VALUE, throwIfIssues } from "../shared/errors";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import { ENV_VAR_NAME, isEnvVarName } from "./env-vars";

/**
 * Names that hold secrets in a worker's environment: the pack's list plus Redis URLs (which carry
 * the AUTH token). The `worker-tasks` policy checks the same list.
 */
export const WORKER_SECRET_NAME_PATTERNS: readonly string[] = [...SECRET_NAME_PATTERNS, "REDIS_URL"];

/** Fargate's CPU units → the memory sizes (MiB) each allows (ECS task definition parameters, "Task size"). */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

/** Target tracking: what the two policies aim for and how long they wait (Application Auto Scaling units). */
export interface WorkerScaling {
  /** Average service CPU to hold, percent. */
  targetCpuPercent: number;
  /** Average service memory to hold, percent. */
  targetMemoryPercent: number;
  /** Seconds after a scale-out before another (`scaleOutCooldown`). */
  scaleOutCooldownSeconds: number;
  /** Seconds after a scale-in before another (`scaleInCooldown`). */
  scaleInCooldownSeconds: number;
}

/** Arguments of {@link Workers}. */
export interface WorkersArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Prefix of the physical names. */
  namePrefix: string;
  /** AWS account id (12 digits): the task roles trust ECS only for this account (confused-deputy guard). */
  accountId: string;
  /** AWS region (log driver, ARNs). */
  region: string;
  /** ECR repository URL and ARN the image comes from. */
  repository: { url: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** Image digest `sha256:<64 hex>`: the task runs exactly this image, never a movable tag. */
  imageDigest: string;
  /** Task CPU units (Fargate: 256, 512, 1024, 2048, 4096). @default 256. Cost: per vCPU-hour. */
  cpu?: number;
  /** Task memory, MiB (must fit {@link cpu}, see {@link FARGATE_SIZES}). @default 512. Cost: per GB-hour. */
  memory?: number;
  /** Application-segment subnets (private: the tasks get no public IP and leave through NAT). */
  subnetIds: pulumi.Input<string>[];
  /** Security groups of the tasks: the application segment's group (egress 443/587; the cache allows it). */
  securityGroupIds: pulumi.Input<string>[];
  /** The queue the workers consume. */
  queue: { url: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** Plain (non-secret) environment. Secret-looking names or values are refused: put those in {@link secrets}. */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Secret environment: each value is stored in its own Secrets Manager secret and reaches the
   * container through `secrets[].valueFrom` (never in the task definition's plaintext).
   */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Fewest tasks (Application Auto Scaling minCapacity). */
  minTasks: number;
  /** Most tasks (maxCapacity). */
  maxTasks: number;
  /**
   * Target tracking and cooldowns; no default here (components import nothing from stacks/): the
   * composition passes the guide's CPU 70 %, memory 80 %, out 300 s, in 600 s (`GUIDE.autoScaling`).
   */
  scaling: WorkerScaling;
  /** Days the container logs are kept. @default 30 */
  logRetentionDays?: number;
  /** The scale preset these bounds come from, as a tag on the scaling target (the `worker-scaling` policy reads it). */
  scalePreset?: string;
  /** Tags on every child. */
  tags?: Tags;
}

const CONTAINER = "worker";

/** Problems with the arguments, all at once. Secret values are never echoed. */
export function validateWorkersArgs(args: WorkersArgs, component: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (key: string) => `${component}.${key}`;
  if (!/^sha256:[0-9a-f]{64}$/.test(args.imageDigest)) issues.push({ path: at("imageDigest"), problem: "must be an image digest sha256:<64 hex> (a tag can be moved; a digest cannot)", got: args.imageDigest });
  if (!/^\d{12}$/.test(args.accountId)) issues.push({ path: at("accountId"), problem: "must be a 12-digit AWS account id", got: args.accountId });
  const cpu = args.cpu ?? 256;
  const memory = args.memory ?? 512;
  const sizes = FARGATE_SIZES[cpu];
  if (!sizes) issues.push({ path: at("cpu"), problem: `must be one of Fargate's CPU sizes ${Object.keys(FARGATE_SIZES).join(", ")}`, got: cpu });
  else if (!sizes.includes(memory)) issues.push({ path: at("memory"), problem: `must be one of ${sizes.join(", ")} MiB with ${cpu} CPU units (Fargate task sizes)`, got: memory });
  if (!Number.isInteger(args.minTasks) || args.minTasks < 1) issues.push({ path: at("minTasks"), problem: "must be a whole number ≥ 1", got: args.minTasks });
  if (!Number.isInteger(args.maxTasks) || args.maxTasks < args.minTasks) issues.push({ path: at("maxTasks"), problem: `must be a whole number ≥ minTasks (${args.minTasks})`, got: args.maxTasks });
  if (args.logRetentionDays !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(args.logRetentionDays)) issues.push({ path: at("logRetentionDays"), problem: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`, got: args.logRetentionDays });
  const sc = args.scaling;
  if (!(sc.targetCpuPercent > 0 && sc.targetCpuPercent <= 100)) issues.push({ path: at("scaling.targetCpuPercent"), problem: "must be a percentage in (0, 100]", got: sc.targetCpuPercent });
  if (!(sc.targetMemoryPercent > 0 && sc.targetMemoryPercent <= 100)) issues.push({ path: at("scaling.targetMemoryPercent"), problem: "must be a percentage in (0, 100]", got: sc.targetMemoryPercent });
  for (const key of ["scaleOutCooldownSeconds", "scaleInCooldownSeconds"] as const) {
    if (!Number.isInteger(sc[key]) || sc[key] < 0) issues.push({ path: at(`scaling.${key}`), problem: "must be whole seconds ≥ 0", got: sc[key] });
  }
  if (args.subnetIds.length === 0) issues.push({ path: at("subnetIds"), problem: "needs the application segment's subnets", got: args.subnetIds });
  issues.push(...plainEnvironmentIssues(args.environment ?? {}, at("environment")));
  for (const key of Object.keys(args.secrets ?? {})) {
    if (!isEnvVarName(key)) issues.push({ path: `${at("secrets")}.${key}`, problem: ENV_VAR_NAME.problem, got: key });
    if (key in (args.environment ?? {})) issues.push({ path: `${at("secrets")}.${key}`, problem: "is also in environment; define each variable once", got: key });
  }
  return issues;
}

/**
 * The plain-environment rule, for the component and the stack config alike: UPPER_SNAKE_CASE names,
 * and no name or (known) value that says "secret" — those belong in Secrets Manager.
 */
export function plainEnvironmentIssues(environment: Record<string, pulumi.Input<string>>, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(environment)) {
    if (!isEnvVarName(key)) issues.push({ path: `${path}.${key}`, problem: ENV_VAR_NAME.problem, got: key });
    const pattern = matchingPattern(key, WORKER_SECRET_NAME_PATTERNS);
    if (pattern) {
      issues.push({ path: `${path}.${key}`, problem: `is named like a secret (matches /${pattern}/i) but would sit in plaintext in the task definition`, got: key, fix: "Pass it as a worker secret (Secrets Manager, valueFrom)." });
    }
    const kind = typeof value === "string" ? secretKind(value) : undefined;
    if (kind) {
      issues.push({ path: `${path}.${key}`, problem: `value looks like ${withArticle(kind)}; the task definition's environment is plaintext to anyone who can describe it`, got: SECRET_VALUE, fix: "Remove it (treat it as leaked and rotate it), then pass it as a worker secret." });
    }
  }
  return issues;
}

/**
 * The guide's application instances and auto-scaling as an ECS Fargate service in the application
 * segment, consuming the work queue (AI jobs, e-mail over SMTP 587, webhook fan-out: work the 30 s
 * Vercel functions cannot do). Cluster with Container Insights; a task definition pinned to an
 * image digest, secrets from Secrets Manager, logs with retention; the deployment circuit breaker
 * with rollback; no public IP; `desiredCount` left to Application Auto Scaling (two target-tracking
 * policies: CPU and memory, scale out when either asks, in when both agree); task and execution
 * roles limited to the queue, the image, the log group and the worker's own secrets.
 *
 * Cost (eu-west-2 Fargate, Linux/x86): $0.04656 per vCPU-hour + $0.00511 per GB-hour: a
 * 0.25 vCPU / 0.5 GB task ≈ $10.36 a month; Container Insights adds custom metrics (~$0.30 each);
 * NAT processing $0.048 per GB for what the tasks send out (docs/cache.md).
 */
export class Workers extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly taskRoleArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  /** Secrets Manager ARNs by variable name. */
  public readonly secretArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: WorkersArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfIssues(validateWorkersArgs(args, name), `Workers "${name}": invalid arguments`);
    super("promptandpause:app:Workers", name, {}, opts);
    const scaling = args.scaling;
    const tags = (nameTag: string) => mergeTags({ component: "workers" }, args.tags, { Name: nameTag });
    const baseName = physicalName("aws-ecs", [args.namePrefix, "workers"]);

    const cluster = new ecs.Cluster(`${name}-cluster`, { name: baseName, settings: [{ name: "containerInsights", value: "enabled" }], tags: tags(baseName) }, { parent: this });
    const logGroupName = physicalName("aws-log-group", [baseName]);
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, retentionInDays: args.logRetentionDays ?? 30, tags: tags(logGroupName) }, { parent: this });

    this.secretArns = {};
    for (const [key, value] of Object.entries(args.secrets ?? {})) {
      const role = key.toLowerCase().replace(/_/g, "-");
      const secretName = physicalName("aws-secretsmanager-secret", [args.namePrefix, "workers", role]);
      const secret = new secretsmanager.Secret(`${name}-secret-${role}`, { name: secretName, description: `Worker environment ${key}`, recoveryWindowInDays: 7, tags: tags(secretName) }, { parent: this });
      new secretsmanager.SecretVersion(`${name}-secret-${role}-value`, { secretId: secret.id, secretString: pulumi.secret(value) }, { parent: this });
      this.secretArns[key] = secret.arn;
    }
    const secretArnList = Object.values(this.secretArns);

    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
    });
    const executionRole = new iam.Role(`${name}-execution-role`, { name: physicalName("aws-iam-role", [args.namePrefix, "workers-execution"]), permissionsBoundary: args.permissionsBoundary, assumeRolePolicy: trust, tags: tags(`${baseName}-execution`) }, { parent: this });
    new iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: executionRole.id,
        policy: pulumi.all([args.repository.arn, logGroup.arn, pulumi.all(secretArnList)]).apply(([repoArn, logArn, secretArns]) => {
          const doc: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
              // GetAuthorizationToken has no resource-level permissions: "*" is the only resource it takes (ECR docs).
              { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
              { Sid: "PullImage", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: repoArn },
              { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logArn}:log-stream:*` },
              ...(secretArns.length > 0 ? [{ Sid: "ReadWorkerSecrets", Effect: "Allow" as const, Action: "secretsmanager:GetSecretValue", Resource: secretArns }] : []),
            ],
          };
          return JSON.stringify(doc);
        }),
      },
      { parent: this },
    );
    const taskRole = new iam.Role(`${name}-task-role`, { name: physicalName("aws-iam-role", [args.namePrefix, "workers-task"]), permissionsBoundary: args.permissionsBoundary, assumeRolePolicy: trust, tags: tags(`${baseName}-task`) }, { parent: this });
    new iam.RolePolicy(
      `${name}-task-policy`,
      {
        role: taskRole.id,
        policy: pulumi.output(args.queue.arn).apply((queueArn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "ConsumeJobs", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Resource: queueArn }],
          } satisfies PolicyDocument),
        ),
      },
      { parent: this },
    );

    const environment = { WORK_QUEUE_URL: args.queue.url, ...args.environment };
    const containerDefinitions = pulumi
      .all([pulumi.output(args.repository.url), pulumi.all(environment), pulumi.all(this.secretArns), logGroup.name])
      .apply(([repoUrl, env, secretArns, group]) =>
        JSON.stringify([
          {
            name: CONTAINER,
            image: `${repoUrl}@${args.imageDigest}`,
            essential: true,
            readonlyRootFilesystem: true,
            environment: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
            secrets: Object.entries(secretArns).map(([envName, valueFrom]) => ({ name: envName, valueFrom })),
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": args.region, "awslogs-stream-prefix": CONTAINER } },
          },
        ]),
      );
    const taskDefinition = new ecs.TaskDefinition(
      `${name}-task`,
      {
        family: baseName,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: String(args.cpu ?? 256),
        memory: String(args.memory ?? 512),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions,
        tags: tags(baseName),
      },
      { parent: this },
    );
    const service = new ecs.Service(
      `${name}-service`,
      {
        name: baseName,
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        launchType: "FARGATE",
        // First deployment only: afterwards auto-scaling owns the count (ignoreChanges below).
        desiredCount: args.minTasks,
        networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        enableExecuteCommand: false,
        propagateTags: "SERVICE",
        tags: tags(baseName),
      },
      { parent: this, ignoreChanges: ["desiredCount"] },
    );

    const target = new appautoscaling.Target(
      `${name}-scaling-target`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
        minCapacity: args.minTasks,
        maxCapacity: args.maxTasks,
        tags: mergeTags(tags(`${baseName}-scaling`), args.scalePreset ? { "scale-preset": args.scalePreset } : {}),
      },
      { parent: this },
    );
    const policies = [
      { role: "cpu", metric: "ECSServiceAverageCPUUtilization", targetValue: scaling.targetCpuPercent },
      { role: "memory", metric: "ECSServiceAverageMemoryUtilization", targetValue: scaling.targetMemoryPercent },
    ];
    for (const p of policies) {
      new appautoscaling.Policy(
        `${name}-scaling-${p.role}`,
        {
          name: `${baseName}-${p.role}`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: p.metric },
            targetValue: p.targetValue,
            scaleOutCooldown: scaling.scaleOutCooldownSeconds,
            scaleInCooldown: scaling.scaleInCooldownSeconds,
          },
        },
        { parent: this },
      );
    }

    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.taskRoleArn = taskRole.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ clusterName: this.clusterName, serviceName: this.serviceName });
  }
}
