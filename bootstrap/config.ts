import { z } from "zod";
import { type ConfigIssue, throwIfIssues } from "../components/shared/errors";
import { isPhysicalName, physicalName } from "../components/shared/naming";
import { zodIssuesToConfigIssues } from "../stacks/config";
import { awsAccountId } from "../stacks/schema/aws-shared";

/**
 * `promptandpause-bootstrap:*` — one stack of the bootstrap per AWS account
 * (bootstrap/Pulumi.example.yaml). Validated at once, every problem listed.
 */
export const BOOTSTRAP_NAMESPACE = "promptandpause-bootstrap";

const stackName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "must be a Pulumi stack name (letters, digits, _ . -)" });
const environmentLabel = z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, { error: "must be the stack's promptandpause:environment (2-20 lowercase letters, digits or dashes)" });

export const bootstrapConfigSchema = z
  .strictObject({
    /** The account this stack manages; the provider refuses any other (allowedAccountIds). */
    accountId: awsAccountId,
    /** Region of the bucket and key. @default "eu-west-2" (London, next to the platform) */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region like eu-west-2" }).default("eu-west-2"),
    /** The main program's Pulumi project. @default "promptandpause" */
    project: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/).default("promptandpause"),
    /** State bucket name (global). @default promptandpause-pulumi-state-<accountId> */
    stateBucket: z
      .string()
      .refine((b) => b.length >= 3 && isPhysicalName("aws-s3-bucket", b), { error: "must be an S3 bucket name: 3-63 lower-case letters, digits and '-', starting and ending with a letter or digit" })
      .optional(),
    /** The stacks whose state lives here: `{ stack, environment }` (environment defaults to the stack name). */
    stacks: z
      .array(z.strictObject({ stack: stackName, environment: environmentLabel.optional() }))
      .min(1),
    /** ARNs of existing roles people use to create stacks and run Pulumi by hand (kms:Encrypt). @default [] */
    operatorArns: z
      .array(z.string().regex(/^arn:aws(-cn|-us-gov)?:(iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}|sts::\d{12}:assumed-role\/.+)$/, { error: "must be an IAM role or user ARN" }))
      .default([]),
    /** Days before an old state version is deleted. @default 90 */
    noncurrentVersionDays: z.number().int().min(1).max(3650).default(90),
    /** Days between automatic key rotations (KMS: 90-2560). @default 365 */
    keyRotationDays: z.number().int().min(90).max(2560).default(365),
  });

export interface BootstrapConfig {
  accountId: string;
  region: string;
  project: string;
  stateBucket: string;
  stacks: { stack: string; environment: string }[];
  operatorArns: string[];
  noncurrentVersionDays: number;
  keyRotationDays: number;
}

/** Parses `promptandpause-bootstrap:*` (values keyed by short name); throws a ConfigError with every problem. */
export function parseBootstrapConfig(values: Record<string, unknown>): BootstrapConfig {
  const parsed = bootstrapConfigSchema.safeParse(values);
  const issues: ConfigIssue[] = parsed.success ? [] : zodIssuesToConfigIssues(parsed.error.issues, values, BOOTSTRAP_NAMESPACE);
  if (parsed.success) {
    const seen = new Set<string>();
    parsed.data.stacks.forEach((s, i) => {
      if (seen.has(s.stack)) issues.push({ path: `${BOOTSTRAP_NAMESPACE}:stacks[${i}].stack`, problem: "is listed twice", got: s.stack });
      seen.add(s.stack);
    });
    parsed.data.operatorArns.forEach((arn, i) => {
      if (!arn.includes(`::${parsed.data.accountId}:`)) issues.push({ path: `${BOOTSTRAP_NAMESPACE}:operatorArns[${i}]`, problem: `must be in account ${parsed.data.accountId}`, got: arn });
    });
  }
  throwIfIssues(issues, "Invalid bootstrap configuration");
  if (!parsed.success) throw new Error("unreachable");
  const d = parsed.data;
  return {
    ...d,
    stateBucket: d.stateBucket ?? physicalName("aws-s3-bucket", [d.project, "pulumi-state", d.accountId]),
    stacks: d.stacks.map((s) => ({ stack: s.stack, environment: s.environment ?? s.stack })),
  };
}
