/** The application tier against explicit args: queue, Vercel's send role, registry, Fargate workers and their scaling. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ImageRepository } from "../../components/app/image-repository";
import { VercelQueueRole } from "../../components/app/vercel-queue-role";
import { WorkQueue } from "../../components/app/work-queue";
import { Workers, type WorkersArgs } from "../../components/app/workers";
import { isConfigError } from "../../components/shared/errors";
import { one, ofType, type PlannedResource, recordProgram } from "../helpers/pulumi";

const T = {
  queue: "aws:sqs/queue:Queue",
  allow: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  repo: "aws:ecr/repository:Repository",
  cluster: "aws:ecs/cluster:Cluster",
  task: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  target: "aws:appautoscaling/target:Target",
  policy: "aws:appautoscaling/policy:Policy",
};
const TOPIC = "arn:aws:sns:eu-west-2:123456789012:alerts";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const RESEND = "re_fakeresend_key000000";
const GUIDE_SCALING = { targetCpuPercent: 70, targetMemoryPercent: 80, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 600 };

function workerArgs(repo: ImageRepository, queue: WorkQueue, overrides: Partial<WorkersArgs> = {}): WorkersArgs {
  return {
    namePrefix: "promptandpause-prod",
    accountId: "123456789012",
    region: "eu-west-2",
    repository: { url: repo.repositoryUrl, arn: repo.repositoryArn },
    imageDigest: DIGEST,
    subnetIds: ["subnet-app-a", "subnet-app-b"],
    securityGroupIds: ["sg-application"],
    queue: { url: queue.queueUrl, arn: queue.queueArn },
    environment: { SUPABASE_URL: "https://abc.supabase.co" },
    secrets: { RESEND_API_KEY: pulumi.secret(RESEND) },
    minTasks: 5,
    maxTasks: 10,
    scaling: GUIDE_SCALING,
    scalePreset: "10x",
    permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary",
    ...overrides,
  };
}

describe("the application tier", () => {
  let resources: PlannedResource[];
  const ignored: Record<string, string[]> = {};
  beforeAll(async () => {
    resources = (
      await recordProgram(() => {
        pulumi.runtime.registerStackTransformation((t) => {
          if (t.opts.ignoreChanges) ignored[t.type] = t.opts.ignoreChanges;
          return undefined;
        });
        const repo = new ImageRepository("workers-images", { namePrefix: "promptandpause-prod" });
        const queue = new WorkQueue("work", { namePrefix: "promptandpause-prod", alertTopicArn: TOPIC });
        new VercelQueueRole("vercel-enqueue", { namePrefix: "promptandpause-prod", teamSlug: "promptandpause", projectName: "promptandpause-prod", environments: ["production", "preview"], queueArn: queue.queueArn, permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary" });
        new Workers("workers", workerArgs(repo, queue));
      })
    ).resources;
  });

  it("queues work in an encrypted queue that dead-letters after 5 deliveries into an encrypted DLQ only it may use", () => {
    const queue = one(resources, T.queue, "work-queue");
    const dlq = one(resources, T.queue, "work-dlq");
    expect(queue.inputs).toMatchObject({ name: "promptandpause-prod-work", sqsManagedSseEnabled: true, visibilityTimeoutSeconds: 300, receiveWaitTimeSeconds: 20 });
    expect(JSON.parse(String(queue.inputs.redrivePolicy))).toEqual({ deadLetterTargetArn: "arn:aws:sqs:eu-west-2:000000000000:promptandpause-prod-work-dlq", maxReceiveCount: 5 });
    expect(dlq.inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 });
    expect(JSON.parse(String(one(resources, T.allow).inputs.redriveAllowPolicy))).toEqual({ redrivePermission: "byQueue", sourceQueueArns: ["arn:aws:sqs:eu-west-2:000000000000:promptandpause-prod-work"] });
    const alarm = one(resources, T.alarm, "work-dlq-alarm");
    expect(alarm.inputs).toMatchObject({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "promptandpause-prod-work-dlq" }, threshold: 0, comparisonOperator: "GreaterThanThreshold", alarmActions: [TOPIC], okActions: [TOPIC] });
  });

  it("lets only this Vercel project's production and preview deployments assume the send role, through the team's OIDC issuer", () => {
    expect(one(resources, T.oidc).inputs).toMatchObject({ url: "https://oidc.vercel.com/promptandpause", clientIdLists: ["https://vercel.com/promptandpause"] });
    const role = one(resources, T.role, "vercel-enqueue-role");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::000000000000:oidc-provider/oidc.vercel.com/promptandpause" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.vercel.com/promptandpause:aud": "https://vercel.com/promptandpause",
            "oidc.vercel.com/promptandpause:sub": ["owner:promptandpause:project:promptandpause-prod:environment:production", "owner:promptandpause:project:promptandpause-prod:environment:preview"],
          },
        },
      },
    ]);
    const policy = JSON.parse(String(one(resources, T.rolePolicy, "vercel-enqueue-send").inputs.policy));
    expect(policy.Statement).toEqual([{ Sid: "EnqueueJobs", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-2:000000000000:promptandpause-prod-work" }]);
  });

  it("keeps images in an ECR repository with immutable tags, scanned on push", () => {
    expect(one(resources, T.repo).inputs).toMatchObject({ name: "promptandpause-prod-workers", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: false });
  });

  it("runs the image by digest, secrets through Secrets Manager only, logs to a group with retention", () => {
    const task = one(resources, T.task);
    expect(task.inputs).toMatchObject({ networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512" });
    const [container] = JSON.parse(String(task.inputs.containerDefinitions));
    expect(container.image).toBe(`000000000000.dkr.ecr.eu-west-2.amazonaws.com/promptandpause-prod-workers@${DIGEST}`);
    expect(container.environment).toEqual([
      { name: "WORK_QUEUE_URL", value: "https://sqs.eu-west-2.amazonaws.com/000000000000/promptandpause-prod-work" },
      { name: "SUPABASE_URL", value: "https://abc.supabase.co" },
    ]);
    const secret = one(resources, T.secret);
    expect(container.secrets).toEqual([{ name: "RESEND_API_KEY", valueFrom: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-2:000000000000:secret:promptandpause-prod-workers-resend-api-key-/) }]);
    expect(String(task.inputs.containerDefinitions)).not.toContain(RESEND);
    expect(one(resources, T.secretVersion).secretPaths).toContain("secretString");
    expect(secret.inputs.name).toBe("promptandpause-prod-workers-resend-api-key");
    expect(container.logConfiguration).toEqual({ logDriver: "awslogs", options: { "awslogs-group": "promptandpause-prod-workers", "awslogs-region": "eu-west-2", "awslogs-stream-prefix": "worker" } });
    expect(one(resources, "aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).toBe(30);
    expect(one(resources, T.cluster).inputs.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  it("runs without public IPs, rolls back failed deployments and leaves the task count to auto-scaling", () => {
    const service = one(resources, T.service);
    expect(service.inputs).toMatchObject({ launchType: "FARGATE", desiredCount: 5, networkConfiguration: { assignPublicIp: false, subnets: ["subnet-app-a", "subnet-app-b"], securityGroups: ["sg-application"] }, deploymentCircuitBreaker: { enable: true, rollback: true } });
    expect(ignored[T.service]).toEqual(["desiredCount"]);
  });

  it("scales between the preset's bounds on the guide's CPU and memory targets and cooldowns", () => {
    const target = one(resources, T.target);
    expect(target.inputs).toMatchObject({ serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/promptandpause-prod-workers/promptandpause-prod-workers", minCapacity: 5, maxCapacity: 10 });
    expect((target.inputs.tags as Record<string, string>)["scale-preset"]).toBe("10x");
    const policies = ofType(resources, T.policy).map((p) => p.inputs.targetTrackingScalingPolicyConfiguration);
    expect(policies).toEqual([
      { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, targetValue: 70, scaleOutCooldown: 300, scaleInCooldown: 600 },
      { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" }, targetValue: 80, scaleOutCooldown: 300, scaleInCooldown: 600 },
    ]);
  });

  it("gives the task role only the queue-consuming actions and the execution role only image, logs and its secrets", () => {
    const task = JSON.parse(String(one(resources, T.rolePolicy, "workers-task-policy").inputs.policy));
    expect(task.Statement).toEqual([
      { Sid: "ConsumeJobs", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Resource: "arn:aws:sqs:eu-west-2:000000000000:promptandpause-prod-work" },
    ]);
    const execution = JSON.parse(String(one(resources, T.rolePolicy, "workers-execution-policy").inputs.policy));
    expect(execution.Statement.map((s: { Sid: string; Resource: unknown }) => [s.Sid, s.Resource])).toEqual([
      ["EcrLogin", "*"],
      ["PullImage", "arn:aws:ecr:eu-west-2:000000000000:repository/promptandpause-prod-workers"],
      ["WriteLogs", "arn:aws:logs:eu-west-2:000000000000:log-group:promptandpause-prod-workers:log-stream:*"],
      ["ReadWorkerSecrets", [expect.stringMatching(/^arn:aws:secretsmanager:/)]],
    ]);
    const trust = JSON.parse(String(one(resources, T.role, "workers-task-role").inputs.assumeRolePolicy));
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
  });
});

describe("Workers argument checks", () => {
  it.each<[string, Partial<WorkersArgs>, string]>([
    ["a tag instead of a digest", { imageDigest: "latest" }, 'workers.imageDigest: must be an image digest sha256:<64 hex> (a tag can be moved; a digest cannot) (got "latest").'],
    ["memory Fargate cannot pair with the CPU", { cpu: 256, memory: 4096 }, "workers.memory: must be one of 512, 1024, 2048 MiB with 256 CPU units (Fargate task sizes) (got 4096)."],
    ["a secret-named plain variable", { environment: { RESEND_API_KEY: "x" } }, 'workers.environment.RESEND_API_KEY: is named like a secret (matches /API_KEY/i) but would sit in plaintext in the task definition (got "RESEND_API_KEY"). Pass it as a worker secret (Secrets Manager, valueFrom).'],
    ["a Redis URL in plain environment", { environment: { CACHE: "rediss://:tokentoken@clustercfg.example:6379" } }, "workers.environment.CACHE: value looks like a URL with a password; the task definition's environment is plaintext to anyone who can describe it (got [secret])."],
    ["max below min", { minTasks: 5, maxTasks: 4 }, "workers.maxTasks: must be a whole number ≥ minTasks (5) (got 4)."],
  ])("refuses %s", async (_t, overrides, message) => {
    const error = await recordProgram(() => {
      const repo = new ImageRepository("r", { namePrefix: "p" });
      const queue = new WorkQueue("q", { namePrefix: "p", alertTopicArn: TOPIC });
      new Workers("workers", workerArgs(repo, queue, overrides));
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("tokentoken");
  });

  it("refuses a team id where Vercel's OIDC needs the slug", async () => {
    const error = await recordProgram(() => new VercelQueueRole("v", { namePrefix: "p", teamSlug: "team_abc123", projectName: "p", environments: ["production"], queueArn: "arn", permissionsBoundary: "arn:aws:iam::123456789012:policy/promptandpause-prod-role-boundary" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("v.teamSlug: must be the Vercel team's URL slug");
  });
});
