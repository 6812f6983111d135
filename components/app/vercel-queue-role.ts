import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../shared/iam";
import { type ConfigIssue, throwIfIssues } from "../shared/errors";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/**
 * Vercel's OIDC federation, "team" issuer mode (https://vercel.com/docs/oidc/aws and
 * /docs/oidc/reference): issuer `https://oidc.vercel.com/<team slug>`, audience
 * `https://vercel.com/<team slug>`, subject `owner:<team slug>:project:<project name>:environment:<env>`.
 * The IAM condition keys are `<issuer host/path>:aud` and `:sub`.
 */
export function vercelOidc(teamSlug: string) {
  const issuerPath = `oidc.vercel.com/${teamSlug}`;
  return { issuerUrl: `https://${issuerPath}`, issuerPath, audience: `https://vercel.com/${teamSlug}` };
}

/** The `sub` claim of a deployment of `projectName` in `environment`. */
export function vercelOidcSubject(teamSlug: string, projectName: string, environment: string): string {
  return `owner:${teamSlug}:project:${projectName}:environment:${environment}`;
}

/** Arguments of {@link VercelQueueRole}. */
export interface VercelQueueRoleArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Prefix of the physical names. */
  namePrefix: string;
  /** The Vercel team's slug (the `vercel.com/<slug>` URL segment; not the `team_…` id). */
  teamSlug: string;
  /** The Vercel project's name. */
  projectName: pulumi.Input<string>;
  /** Vercel environments whose deployments may send (`production`, `preview`). */
  environments: readonly string[];
  /** ARN of the queue the app enqueues into: the role may `sqs:SendMessage` there and nowhere else. */
  queueArn: pulumi.Input<string>;
  /**
   * An existing IAM OIDC provider for the team's issuer (one per issuer URL per account).
   * @default a new one is created
   */
  oidcProviderArn?: pulumi.Input<string>;
  /** Longest session (seconds, 3600–43200). @default 3600: a function lives ≤ 30 s and refreshes its credentials. */
  maxSessionDurationSeconds?: number;
  /** Tags on every child. */
  tags?: Tags;
}

export function validateVercelQueueRoleArgs(args: VercelQueueRoleArgs, component: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/.test(args.teamSlug) || args.teamSlug.startsWith("team_")) {
    issues.push({ path: `${component}.teamSlug`, problem: "must be the Vercel team's URL slug (lowercase letters, digits, '-'), not its team_… id: Vercel's OIDC issuer and audience contain the slug", got: args.teamSlug });
  }
  if (args.environments.length === 0 || args.environments.some((e) => !["production", "preview", "development"].includes(e))) {
    issues.push({ path: `${component}.environments`, problem: "must list production, preview and/or development", got: args.environments });
  }
  const session = args.maxSessionDurationSeconds ?? 3600;
  if (!Number.isInteger(session) || session < 3600 || session > 43_200) issues.push({ path: `${component}.maxSessionDurationSeconds`, problem: "must be 3600-43200 seconds (IAM limits)", got: session });
  return issues;
}

/**
 * The role the Vercel app assumes with its OIDC token (no long-lived AWS keys in Vercel): trusted
 * only for this team's audience and this project's listed environments, allowed `sqs:SendMessage`
 * on the work queue only. The app uses `@vercel/oidc-aws-credentials-provider`'s
 * `awsCredentialsProvider({ roleArn: process.env.AWS_ROLE_ARN })`.
 */
export class VercelQueueRole extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;

  constructor(name: string, args: VercelQueueRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfIssues(validateVercelQueueRoleArgs(args, name), `VercelQueueRole "${name}": invalid arguments`);
    super("promptandpause:app:VercelQueueRole", name, {}, opts);
    const tags = (nameTag: string) => mergeTags({ component: "workers" }, args.tags, { Name: nameTag });
    const oidc = vercelOidc(args.teamSlug);

    const providerArn =
      args.oidcProviderArn !== undefined
        ? pulumi.output(args.oidcProviderArn)
        : new iam.OpenIdConnectProvider(`${name}-oidc`, { url: oidc.issuerUrl, clientIdLists: [oidc.audience], tags: tags(oidc.issuerPath) }, { parent: this }).arn;

    const roleName = physicalName("aws-iam-role", [args.namePrefix, "vercel-enqueue"]);
    const role = new iam.Role(
      `${name}-role`,
      {
        name: roleName,
        permissionsBoundary: args.permissionsBoundary,
        description: "Assumed by the Vercel app through Vercel OIDC; may only send to the work queue",
        maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: providerArn },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: {
                  [`${oidc.issuerPath}:aud`]: oidc.audience,
                  [`${oidc.issuerPath}:sub`]: pulumi.output(args.projectName).apply((project) => args.environments.map((env) => vercelOidcSubject(args.teamSlug, project, env))),
                },
              },
            },
          ],
        }),
        tags: tags(roleName),
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${name}-send`,
      {
        role: role.id,
        policy: pulumi.output(args.queueArn).apply((queueArn) =>
          JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "EnqueueJobs", Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn }] } satisfies PolicyDocument),
        ),
      },
      { parent: this },
    );
    this.roleArn = role.arn;
    this.oidcProviderArn = providerArn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
