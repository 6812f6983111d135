import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vercel from "@pulumiverse/vercel";
import { throwIfIssues } from "../shared/errors";
import { GUIDE } from "../shared/guide";
import { physicalName } from "../shared/naming";
import {
  APP_DEFAULTS,
  DEFAULT_FUNCTION_CPU_TYPE,
  type DeploymentProtectionType,
  type LogDrainEnvironment,
  type LogDrainFormat,
  type LogDrainSource,
  type NodeVersion,
  type SkewProtectionWindow,
} from "./defaults";
import { stripUndefined } from "../shared/objects";
import { type EnvVarSpec, envVarRole, type VercelTarget, validateEnvVars } from "./env-vars";
import { StripeWebhookEndpoint } from "./stripe/webhook-endpoint";

/** Where DNS must point for a Vercel custom domain (Vercel's documented apex A record and CNAME target). */
export const VERCEL_DNS_TARGETS = { apexIpv4: "76.76.21.21", cname: "cname.vercel-dns.com" } as const;

/**
 * Largest request body a Vercel Function accepts: "The maximum payload size for the request body
 * or the response body of a Vercel Function is 4.5 MB" (https://vercel.com/docs/functions/limitations;
 * bigger bodies get 413 FUNCTION_PAYLOAD_TOO_LARGE). Counted as 4,500,000 bytes, the smaller reading
 * of "4.5 MB", so the edge never lets through a body Vercel refuses. Files therefore never go
 * through the app: the browser uploads them to Supabase Storage with a signed upload URL.
 */
export const VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES = 4_500_000;

/** The env var the app reads the Stripe webhook signing secret from. */
export const STRIPE_WEBHOOK_SECRET_ENV = "STRIPE_WEBHOOK_SECRET";

/**
 * Arguments of {@link App}. The stack composition (stacks/compose/app.ts) passes every field from
 * the validated `promptandpause:app` config. Optional fields fall back to the schema's defaults
 * (`APP_DEFAULTS` in components/app/defaults.ts, the one place they are written), so a standalone App
 * behaves exactly like a configured one.
 */
export interface AppArgs {
  /** Vercel project name (from `physicalName("vercel-project", …)`). Renaming is in place. */
  projectName: string;
  /** Apex domain the app serves; `www.<domain>` redirects to it. Must match the edge layer's DNS. */
  domain: string;
  /** Git repository Vercel builds and deploys from (the Vercel Git app must be installed on it). */
  gitRepository: { type: "github" | "gitlab" | "bitbucket"; repo: string };
  /** Branch deployed to production. @default `APP_DEFAULTS.productionBranch` (components/app/defaults.ts) */
  productionBranch?: string;
  /** Folder of the Next.js app inside the repository. @default repository root */
  rootDirectory?: string;
  /** Node.js version of builds and functions. @default `APP_DEFAULTS.nodeVersion` (components/app/defaults.ts) */
  nodeVersion?: NodeVersion;
  /**
   * Function timeout in seconds (guide: `app/api/**` maxDuration 30). The project default covers
   * every function, API routes included. Cost: billed per GB-second of run time.
   * @default `APP_DEFAULTS.functionMaxDurationSeconds` (components/app/defaults.ts; the guide's 30)
   */
  functionMaxDurationSeconds?: number;
  /** Vercel Functions regions; keep them next to the database. */
  functionRegions: string[];
  /**
   * Function CPU class (`standard_legacy`, `standard`, `performance`). Cost: higher = pricier.
   * @default `DEFAULT_FUNCTION_CPU_TYPE` (components/app/defaults.ts; the "current" scale preset's)
   */
  functionCpuType?: string;
  /**
   * Vercel Authentication (`vercelAuthentication.deploymentType`) for deployments other than
   * production's custom domains, in the provider's snake_case values: it validates
   * `OneOf("standard_protection_new", "standard_protection", "all_deployments",
   * "only_preview_deployments", "none")` (the camelCase in the SDK's doc comments is refused).
   * `none` is not offered: previews carry real (staging) data and keys.
   * @default `APP_DEFAULTS.deploymentProtection` (components/app/defaults.ts)
   */
  deploymentProtection?: DeploymentProtectionType;
  /** Skew Protection window (`30 minutes`, `12 hours`, `1 day`, `7 days`). @default `APP_DEFAULTS.skewProtection` (components/app/defaults.ts) */
  skewProtection?: SkewProtectionWindow;
  /** Path pattern of the origin security headers. @default "/api/(.*)" (guide) */
  apiHeadersSource?: string;
  /**
   * Response headers on {@link apiHeadersSource}, at the origin, behind the edge's copy; each one
   * becomes a `response.headers` `set` transform (see {@link apiHeaderTransforms}).
   * @default the guide's Strict-Transport-Security / X-Content-Type-Options / X-Frame-Options
   */
  apiSecurityHeaders?: Record<string, string>;
  /**
   * Environment variables (one `ProjectEnvironmentVariable` each). Validated before anything is
   * registered: no secret under `NEXT_PUBLIC_`, secrets never on `development`.
   * `STRIPE_WEBHOOK_SECRET` is added by the component from the webhook endpoint it creates.
   */
  environmentVariables: EnvVarSpec[];
  /** The Stripe webhook endpoint for the app's webhook route. */
  stripe: {
    /** Stripe secret key. Security: a secret Output, stored as a secret. */
    apiKey: pulumi.Input<string>;
    /** Path of the webhook route on {@link domain}. @default `APP_DEFAULTS.stripe.webhookPath` (components/app/defaults.ts) */
    webhookPath?: string;
    /** Events the app handles (never `*`). */
    events: string[];
    /** API version of rendered events. @default the account's default */
    apiVersion?: string;
    /** Targets that receive `STRIPE_WEBHOOK_SECRET`. @default `APP_DEFAULTS.secretTargets` (components/app/defaults.ts) */
    secretTargets?: readonly VercelTarget[];
  };
  /**
   * Log drain to the log aggregator (the guide's "Log aggregation"). Only Pro/Enterprise teams.
   * The endpoint must already answer Vercel's verification (`200` + `x-vercel-verify: <code>`,
   * code in {@link App.logDrainVerificationCode}) or creating the drain fails.
   * @default none: no drain is created and a warning is logged
   */
  logDrain?: {
    /** HTTPS intake URL; must answer Vercel's `x-vercel-verify` check. */
    endpoint: string;
    /** Log sources forwarded. @default `APP_DEFAULTS.logDrain.sources` (components/app/defaults.ts) */
    sources?: readonly LogDrainSource[];
    /** Deployment environments forwarded. @default `APP_DEFAULTS.logDrain.environments` (components/app/defaults.ts) */
    environments?: readonly LogDrainEnvironment[];
    /** Payload format. @default `APP_DEFAULTS.logDrain.deliveryFormat` (components/app/defaults.ts) */
    deliveryFormat?: LogDrainFormat;
    /** Share of lines sent, (0, 1]. Cost: aggregators bill by volume. @default `APP_DEFAULTS.logDrain.samplingRate` (components/app/defaults.ts) */
    samplingRate?: number;
    /**
     * The signing secret, when the aggregator is built in the same program (the log intake gets
     * the same value): generated once by the caller and handed to both sides. Secret.
     * @default a `RandomPassword` made here (exported as `logDrainSecret` for an external aggregator)
     */
    secret?: pulumi.Input<string>;
    /**
     * Resources the drain must wait for: Vercel verifies the endpoint when the drain is created,
     * so the aggregator's DNS record, domain mapping and function must exist first.
     * @default none
     */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
  };
  /** Path of the app's health endpoint (the edge's health check target). @default "/api/health" */
  healthCheckPath?: string;
}

/** The app's health endpoint (the edge's health check target, the diagnostics' latency line). */
export const DEFAULT_HEALTH_CHECK_PATH = "/api/health";

/**
 * The guide's application layer on Vercel: the Next.js project (function timeout, regions,
 * preview protection, skew protection), apex + www domains, environment variables, the
 * `/api/(.*)` security headers at the origin, the Stripe webhook endpoint whose signing secret
 * feeds `STRIPE_WEBHOOK_SECRET`, and an optional signed log drain (its endpoint is an external
 * prerequisite that must pass Vercel's `x-vercel-verify` check).
 */
export class App extends pulumi.ComponentResource {
  /** Vercel project id. */
  public readonly projectId: pulumi.Output<string>;
  /** Vercel project name. */
  public readonly projectName: pulumi.Output<string>;
  /** `https://<domain>`. */
  public readonly productionUrl: pulumi.Output<string>;
  /** Hostnames the project serves: apex, then www. */
  public readonly domains: pulumi.Output<string[]>;
  /** Where DNS must point. */
  public readonly dnsTargets: typeof VERCEL_DNS_TARGETS;
  /** Path of the health endpoint. */
  public readonly healthCheckPath: string;
  /** URL registered with Stripe. */
  public readonly stripeWebhookUrl: pulumi.Output<string>;
  /** Stripe webhook endpoint id (`we_…`). */
  public readonly stripeWebhookEndpointId: pulumi.Output<string>;
  /** Log drain id; undefined when no `logDrain` is configured. */
  public readonly logDrainId?: pulumi.Output<string>;
  /**
   * Secret the log drain signs payloads with (`x-vercel-signature`); give it to the aggregator.
   * Secret. Undefined when no `logDrain` is configured.
   */
  public readonly logDrainSecret?: pulumi.Output<string>;
  /**
   * The team's endpoint verification code (`vercel.getEndpointVerification`): the log aggregator
   * must return it in the `x-vercel-verify` header of a `200` response before the drain can be
   * created. Read even without a drain, so the aggregator can be set up from a first deploy.
   * Not secret: Vercel expects it in a public response header.
   */
  public readonly logDrainVerificationCode: pulumi.Output<string>;
  /** Env var resources by key (for tests and dependants). */
  public readonly environmentVariables: Record<string, vercel.ProjectEnvironmentVariable>;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    // Defaults: the schema's (APP_DEFAULTS), the current scale's CPU class, and the component's own
    // (header source/values from the guide, health path), each written once.
    const a: ResolvedArgs = {
      productionBranch: APP_DEFAULTS.productionBranch,
      nodeVersion: APP_DEFAULTS.nodeVersion,
      functionMaxDurationSeconds: APP_DEFAULTS.functionMaxDurationSeconds,
      functionCpuType: DEFAULT_FUNCTION_CPU_TYPE,
      deploymentProtection: APP_DEFAULTS.deploymentProtection,
      skewProtection: APP_DEFAULTS.skewProtection,
      apiHeadersSource: "/api/(.*)",
      apiSecurityHeaders: { ...GUIDE.app.apiSecurityHeaders },
      healthCheckPath: DEFAULT_HEALTH_CHECK_PATH,
      ...stripUndefined(args),
      stripe: { webhookPath: APP_DEFAULTS.stripe.webhookPath, secretTargets: APP_DEFAULTS.secretTargets, ...stripUndefined(args.stripe) },
      logDrain: args.logDrain ? { ...APP_DEFAULTS.logDrain, ...stripUndefined(args.logDrain) } : undefined,
    };
    const webhookSecretSpec: EnvVarSpec = {
      key: STRIPE_WEBHOOK_SECRET_ENV,
      value: "",
      targets: [...a.stripe.secretTargets],
      secret: true,
      comment: "Stripe webhook signing secret (managed by Pulumi)",
    };
    // Every problem before anything is registered.
    throwIfIssues(validateEnvVars([...a.environmentVariables, webhookSecretSpec], name), `App "${name}": invalid arguments`);

    super("promptandpause:app:App", name, {}, opts);

    const project = this.createProject(name, a);
    const domains = this.createDomains(name, a, project);
    this.createApiHeaders(name, a, project);
    const webhook = this.createStripeWebhook(name, a);
    this.environmentVariables = this.createEnvironmentVariables(name, project, [
      ...a.environmentVariables,
      { ...webhookSecretSpec, value: pulumi.secret(webhook.secret) },
    ]);
    // An invoke, parented here so it uses the component's Vercel provider (and its team).
    this.logDrainVerificationCode = vercel.getEndpointVerificationOutput({}, { parent: this }).verificationCode;
    const drain = a.logDrain ? this.createLogDrain(name, a.projectName, a.logDrain, project) : undefined;
    if (!drain) {
      pulumi.log.warn(
        `App "${name}": no log drain (logDrain is not set), so Vercel's runtime and build logs are kept by Vercel only. ` +
          "To forward them, run the log aggregator so that it answers 200 with `x-vercel-verify: <stack output logDrainVerificationCode>`, then set promptandpause:app.logDrain.endpoint.",
        this,
      );
    }

    this.projectId = project.id;
    this.projectName = project.name;
    this.productionUrl = pulumi.output(`https://${a.domain}`);
    this.domains = pulumi.all(domains.map((d) => d.domain));
    this.dnsTargets = VERCEL_DNS_TARGETS;
    this.healthCheckPath = a.healthCheckPath;
    this.stripeWebhookUrl = webhook.url;
    this.stripeWebhookEndpointId = webhook.endpointId;
    this.logDrainId = drain?.drain.id;
    this.logDrainSecret = drain?.secret;

    this.registerOutputs({
      projectId: this.projectId,
      projectName: this.projectName,
      productionUrl: this.productionUrl,
      domains: this.domains,
      stripeWebhookUrl: this.stripeWebhookUrl,
      stripeWebhookEndpointId: this.stripeWebhookEndpointId,
      logDrainVerificationCode: this.logDrainVerificationCode,
      ...(drain ? { logDrainId: drain.drain.id, logDrainSecret: drain.secret } : {}),
    });
  }

  /** The Next.js project: Git link, build settings, functions, protection. */
  private createProject(name: string, a: ResolvedArgs): vercel.Project {
    return new vercel.Project(
      `${name}-project`,
      {
        name: a.projectName,
        framework: "nextjs",
        gitRepository: { type: a.gitRepository.type, repo: a.gitRepository.repo, productionBranch: a.productionBranch },
        ...(a.rootDirectory ? { rootDirectory: a.rootDirectory } : {}),
        nodeVersion: a.nodeVersion,
        resourceConfig: {
          functionDefaultTimeout: a.functionMaxDurationSeconds,
          functionDefaultRegions: a.functionRegions,
          functionDefaultCpuType: a.functionCpuType,
        },
        vercelAuthentication: { deploymentType: a.deploymentProtection },
        skewProtection: a.skewProtection,
        // Pull requests from forks wait for a team member before they can see env vars.
        gitForkProtection: true,
        // Source maps of production bundles only for authenticated team members.
        protectedSourcemaps: true,
        automaticallyExposeSystemEnvironmentVariables: true,
        autoAssignCustomDomains: true,
      },
      { parent: this },
    );
  }

  /** Apex serves the app; www redirects to it permanently (308 keeps the method). */
  private createDomains(name: string, a: ResolvedArgs, project: vercel.Project): vercel.ProjectDomain[] {
    const apex = new vercel.ProjectDomain(`${name}-domain-apex`, { projectId: project.id, domain: a.domain }, { parent: this });
    const www = new vercel.ProjectDomain(
      `${name}-domain-www`,
      { projectId: project.id, domain: `www.${a.domain}`, redirect: a.domain, redirectStatusCode: 308 },
      { parent: this, dependsOn: [apex] },
    );
    return [apex, www];
  }

  /**
   * The guide's `/api/(.*)` headers as a project-level routing rule (`ProjectRoute`) whose only
   * action is Vercel's documented "Modify response headers" (`transforms` of type
   * `response.headers`, op `set`). Modify actions of every matching rule apply and never end
   * routing; `continue` does not exist for project rules, and a `headers`-only rule is the legacy
   * `routes` form that needs `continue: true` to let `/api` reach the deployment's own routes.
   * Live without a redeploy, placed first.
   */
  private createApiHeaders(name: string, a: ResolvedArgs, project: vercel.Project): vercel.ProjectRoute {
    return new vercel.ProjectRoute(
      `${name}-api-headers`,
      {
        projectId: project.id,
        name: "api-security-headers",
        description: "Guide security headers on /api/(.*) at the origin, behind the edge (managed by Pulumi)",
        enabled: true,
        position: { placement: "start" },
        route: { src: a.apiHeadersSource, transforms: apiHeaderTransforms(a.apiSecurityHeaders) },
      },
      { parent: this },
    );
  }

  /** The Stripe webhook endpoint for the app's route; its signing secret becomes an env var. */
  private createStripeWebhook(name: string, a: ResolvedArgs): StripeWebhookEndpoint {
    return new StripeWebhookEndpoint(
      `${name}-stripe-webhook`,
      {
        apiKey: a.stripe.apiKey,
        url: `https://${a.domain}${a.stripe.webhookPath}`,
        enabledEvents: a.stripe.events,
        description: `${a.projectName} webhook (managed by Pulumi)`,
        ...(a.stripe.apiVersion ? { apiVersion: a.stripe.apiVersion } : {}),
        metadata: { project: a.projectName, "managed-by": "pulumi" },
      },
      { parent: this },
    );
  }

  /** One resource per variable; secrets `sensitive` (write-only in Vercel), public ones readable. */
  private createEnvironmentVariables(name: string, project: vercel.Project, vars: readonly EnvVarSpec[]): Record<string, vercel.ProjectEnvironmentVariable> {
    const out: Record<string, vercel.ProjectEnvironmentVariable> = {};
    const counts = new Map<string, number>();
    for (const v of vars) {
      const n = counts.get(v.key) ?? 0;
      counts.set(v.key, n + 1);
      const logical = `${name}-${envVarRole(v.key)}${n > 0 ? `-${n}` : ""}`;
      out[n > 0 ? `${v.key}#${n}` : v.key] = new vercel.ProjectEnvironmentVariable(
        logical,
        {
          projectId: project.id,
          key: v.key,
          value: v.secret ? pulumi.secret(v.value) : v.value,
          targets: [...v.targets],
          sensitive: v.secret,
          comment: v.comment,
        },
        { parent: this },
      );
    }
    return out;
  }

  /** Log drain with a generated signing secret (verify `x-vercel-signature` at the aggregator). */
  private createLogDrain(name: string, projectName: string, d: ResolvedLogDrain, project: vercel.Project): { drain: vercel.LogDrain; secret: pulumi.Output<string> } {
    const secret = pulumi.secret(d.secret ?? new random.RandomPassword(`${name}-log-drain-secret`, { length: 48, special: false }, { parent: this }).result);
    const drain = new vercel.LogDrain(
      `${name}-log-drain`,
      {
        name: physicalName("vercel-log-drain", [projectName, "logs"]),
        endpoint: d.endpoint,
        deliveryFormat: d.deliveryFormat,
        sources: [...d.sources],
        environments: [...d.environments],
        projectIds: [project.id],
        samplingRate: d.samplingRate,
        secret,
      },
      { parent: this, ...(d.dependsOn ? { dependsOn: d.dependsOn } : {}) },
    );
    return { drain, secret };
  }
}

type ResolvedLogDrain = Required<Omit<NonNullable<AppArgs["logDrain"]>, "secret" | "dependsOn">> & Pick<NonNullable<AppArgs["logDrain"]>, "secret" | "dependsOn">;

type ResolvedArgs = Required<Omit<AppArgs, "rootDirectory" | "stripe" | "logDrain">> & {
  rootDirectory?: string;
  stripe: Required<Omit<AppArgs["stripe"], "apiVersion">> & { apiVersion?: string };
  logDrain?: ResolvedLogDrain;
};

/**
 * Response headers as `ProjectRoute` transforms: one `response.headers` `set` per header, with
 * `target` and `args` as the JSON documents the provider parses (`{"key": name}` and the value as
 * a JSON string), which is Vercel's transform object (`target.key`, `args`).
 */
export function apiHeaderTransforms(headers: Record<string, string>): { type: string; op: string; target: string; args: string }[] {
  return Object.entries(headers).map(([key, value]) => ({ type: "response.headers", op: "set", target: JSON.stringify({ key }), args: JSON.stringify(value) }));
}

