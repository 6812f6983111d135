import { z } from "zod";
import { ENV_VAR_NAME, isEnvVarName, SECRET_NAME_FRAGMENTS } from "../../components/app/env-vars";
import { type ConfigIssue, hasUnsafeCharacters, SECRET_VALUE } from "../../components/shared/errors";
import { describeNamingRule, isPhysicalName } from "../../components/shared/naming";
import type { PlatformSettings } from "../config";
import { GUIDE } from "../guide";
import { AI_PROVIDERS } from "../secrets";
import { secretKind, withArticle } from "../../policies/lib/secrets";
import { gitBranchProblem, publicHttpsUrl, safeText } from "./common";
import type { SUPABASE_REGIONS } from "./database";

/**
 * `promptandpause:app` — the guide's application layer and "Vercel Configuration": the Next.js
 * project on Vercel, its domains, environment variables, `/api/(.*)` headers, the Stripe webhook
 * and the log drain. Guide numbers are the defaults (from `stacks/guide.ts`).
 */

/** Vercel Functions regions (https://vercel.com/docs/regions), with the AWS region each sits in. */
export const VERCEL_REGIONS = {
  arn1: "eu-north-1",
  bom1: "ap-south-1",
  cdg1: "eu-west-3",
  cle1: "us-east-2",
  cpt1: "af-south-1",
  dub1: "eu-west-1",
  dxb1: "me-central-1",
  fra1: "eu-central-1",
  gru1: "sa-east-1",
  hkg1: "ap-east-1",
  hnd1: "ap-northeast-1",
  iad1: "us-east-1",
  icn1: "ap-northeast-2",
  kix1: "ap-northeast-3",
  lhr1: "eu-west-2",
  pdx1: "us-west-2",
  sfo1: "us-west-1",
  sin1: "ap-southeast-1",
  syd1: "ap-southeast-2",
  yul1: "ca-central-1",
} as const;
export type VercelRegion = keyof typeof VERCEL_REGIONS;
const VERCEL_REGION_IDS = Object.keys(VERCEL_REGIONS) as [VercelRegion, ...VercelRegion[]];

/**
 * The Vercel region next to each Supabase region: functions query the database on every request,
 * so a cross-continent hop would add its round trip to every API call. Supabase's `eu-central-2`
 * (Zurich) has no Vercel twin; Frankfurt is the nearest.
 */
export const VERCEL_REGION_FOR_SUPABASE: Record<(typeof SUPABASE_REGIONS)[number], VercelRegion> = {
  "us-east-1": "iad1",
  "us-east-2": "cle1",
  "us-west-1": "sfo1",
  "us-west-2": "pdx1",
  "ap-east-1": "hkg1",
  "ap-southeast-1": "sin1",
  "ap-northeast-1": "hnd1",
  "ap-northeast-2": "icn1",
  "ap-southeast-2": "syd1",
  "eu-west-1": "dub1",
  "eu-west-2": "lhr1",
  "eu-west-3": "cdg1",
  "eu-north-1": "arn1",
  "eu-central-1": "fra1",
  "eu-central-2": "fra1",
  "ca-central-1": "yul1",
  "ap-south-1": "bom1",
  "sa-east-1": "gru1",
};

/** Values the Vercel API accepts for a project's Skew Protection window. */
export const SKEW_PROTECTION_WINDOWS = ["30 minutes", "12 hours", "1 day", "7 days"] as const;

/**
 * `vercelAuthentication.deploymentType` values this repository allows: the provider's own values
 * minus `none` (previews unprotected) and `standard_protection` (legacy).
 */
export const DEPLOYMENT_PROTECTION_TYPES = ["standard_protection_new", "all_deployments", "only_preview_deployments"] as const;
export type DeploymentProtectionType = (typeof DEPLOYMENT_PROTECTION_TYPES)[number];

/** Log sources a Vercel log drain can forward. */
export const LOG_DRAIN_SOURCES = ["static", "edge", "external", "build", "lambda", "firewall", "redirect"] as const;

/**
 * Stripe events the app's webhook handler processes (subscriptions billed through Checkout).
 * Least privilege: the endpoint receives nothing else, never `*`.
 */
export const DEFAULT_STRIPE_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

/** Names that say "secret" — never acceptable behind `NEXT_PUBLIC_` (which ships to every browser). */
export const SECRET_NAME_PATTERN = SECRET_NAME_FRAGMENTS;

/**
 * Defaults of `promptandpause:app`, written once: the schema below fills them in, and the `App`
 * component (components/app/app.ts) falls back to the same values when used on its own.
 */
export const APP_DEFAULTS = {
  productionBranch: "main",
  /** Node 20 reaches end of life in April 2026. */
  nodeVersion: "22.x",
  /** The guide's `app/api/**` maxDuration. */
  functionMaxDurationSeconds: GUIDE.app.functionMaxDurationSeconds,
  deploymentProtection: "standard_protection_new",
  skewProtection: "12 hours",
  aiProviders: ["openai"],
  /** Never `development`: Vercel refuses sensitive variables there. */
  secretTargets: ["production", "preview"],
  stripe: { webhookPath: "/api/webhooks/stripe", events: DEFAULT_STRIPE_EVENTS },
  logDrain: {
    /** Every runtime source except `redirect`. */
    sources: ["lambda", "edge", "static", "external", "build", "firewall"],
    environments: ["production", "preview"],
    deliveryFormat: "json",
    samplingRate: 1,
  },
} as const; // Each value is type-checked against its field by the `.default(…)` that uses it below.

export const appConfigSchema = z.strictObject({
  /** Vercel team (slug or id) that owns the project. */
  /**
   * Vercel team (slug or id) that owns the project: the provider sends it as the API's `teamId`.
   * Slugs are the lowercase letters, digits and dashes of the team's URL (vercel.com/<slug>);
   * ids are `team_` and letters and digits.
   */
  team: safeText({ max: 64, pattern: /^(team_[A-Za-z0-9]+|[a-z0-9]([a-z0-9-]*[a-z0-9])?)$/, problem: 'must be the Vercel team slug (lowercase letters, digits, dashes) or id ("team_…")' }),
  /**
   * Vercel project name, checked by the same rule `physicalName("vercel-project", …)` enforces
   * (1–52 of `a-z0-9-`: what both the provider and Vercel accept).
   * @default `<pulumi project>-<environment>` (through `physicalName`)
   */
  projectName: safeText({
    min: 0,
    max: 256,
    pattern: /^[a-z0-9-]*$/,
    problem: `must be ${describeNamingRule("vercel-project")} (accepted by both the Vercel provider and Vercel)`,
    check: (name) => (isPhysicalName("vercel-project", name) ? undefined : `must be ${describeNamingRule("vercel-project")} (accepted by both the Vercel provider and Vercel)`),
  }).optional(),
  /** The Git repository Vercel builds from; pushes deploy automatically (the Vercel Git app must be installed). */
  gitRepository: z.strictObject({
    /** Git host. @default "github" */
    type: z.enum(["github", "gitlab", "bitbucket"]).default("github"),
    /** `owner/name`. */
    repo: safeText({
      max: 255,
      pattern: /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/,
      problem: "must be owner/name, e.g. promptandpause/web",
      // GitHub owners are letters, digits and dashes, names also `.` and `_`; neither is "." or ".." (GitLab groups nest: a/b/c).
      check: (repo) => (repo.split("/").some((part) => part === "." || part === ".." || part.startsWith("-")) ? 'must be owner/name: no "." or ".." parts, none starting with "-"' : undefined),
    }),
  }),
  /** Branch whose pushes become production deployments. @default "main" */
  productionBranch: safeText({ max: 250, pattern: /^[\x21-\x7e]+$/, problem: "must be a Git branch name of printable ASCII characters (no spaces)", check: gitBranchProblem }).default(APP_DEFAULTS.productionBranch),
  /** Folder of the Next.js app inside the repository. @default repository root */
  rootDirectory: safeText({ max: 255, pattern: /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, problem: "must be a relative path inside the repository (no leading '/', no '..')" }).optional(),
  /** Node.js major for builds and functions. @default "22.x" (Node 20 reaches end of life in April 2026) */
  nodeVersion: z.enum(["20.x", "22.x", "24.x"]).default(APP_DEFAULTS.nodeVersion),
  /** Function timeout (guide: `app/api/**` maxDuration 30). Cost: billed per GB-second. @default 30 */
  functionMaxDurationSeconds: z.number().int().min(1).max(800).default(APP_DEFAULTS.functionMaxDurationSeconds),
  /** Vercel Functions regions. @default the Vercel region next to `promptandpause:database.region` */
  functionRegions: z.array(z.enum(VERCEL_REGION_IDS)).min(1).max(18).optional(),
  /**
   * Vercel Authentication (`vercelAuthentication.deploymentType`), in the provider's snake_case
   * values (it validates `OneOf("standard_protection_new", "standard_protection",
   * "all_deployments", "only_preview_deployments", "none")`; the camelCase in the SDK's doc
   * comments is an artefact of Pulumi's doc generator and is refused at `pulumi up`).
   * Security: "standard_protection_new" protects every preview and generated URL. `none` is left
   * out on purpose (previews carry staging data and keys), and so is the legacy
   * `standard_protection`. @default "standard_protection_new"
   */
  deploymentProtection: z.enum(DEPLOYMENT_PROTECTION_TYPES).default(APP_DEFAULTS.deploymentProtection),
  /** How long Skew Protection keeps old deployments reachable for open tabs. @default "12 hours" */
  skewProtection: z.enum(SKEW_PROTECTION_WINDOWS).default(APP_DEFAULTS.skewProtection),
  /** AI providers the app calls; each needs `promptandpause:<provider>ApiKey` set as a secret. @default ["openai"] */
  aiProviders: z.array(z.enum(AI_PROVIDERS)).min(1).default(() => [...APP_DEFAULTS.aiProviders]),
  /**
   * Vercel targets that receive the server-only secrets (never `development`: Vercel refuses
   * sensitive variables there). @default ["production", "preview"]
   */
  secretTargets: z.array(z.enum(["production", "preview"])).min(1).default(() => [...APP_DEFAULTS.secretTargets]),
  /**
   * Extra browser-visible variables, e.g. `{ NEXT_PUBLIC_POSTHOG_HOST: "https://eu.posthog.com" }`.
   * Every key must start with `NEXT_PUBLIC_`; names or values that look like secrets are refused.
   * Keys are checked by `checkPublicEnv` (UPPER_SNAKE_CASE by `ENV_VAR_NAME`, the rule the
   * component applies too), which reports the key; a zod key schema would echo the value instead.
   * Security: these values ship in the JavaScript bundle to every visitor. @default {}
   */
  publicEnv: z
    .record(
      safeText({ max: 128, pattern: /^[\x21-\x7e]+$/, problem: "must be an environment variable name" }),
      // Any printable text (Vercel stores values as given), no controls or bidi characters: the
      // value is inlined into the JavaScript bundle every visitor runs.
      safeText({ min: 0, max: 4096, pattern: /^\P{Cc}*$/u, problem: "must not contain control characters or line breaks", check: (v) => (hasUnsafeCharacters(v) ? "must not contain control, escape or bidirectional-text characters" : undefined) }),
    )
    .default({}),
  stripe: z
    .strictObject({
      /** Path of the app's Stripe webhook route. @default "/api/webhooks/stripe" */
      webhookPath: safeText({ max: 256, pattern: /^\/api\/[A-Za-z0-9/_-]+$/, problem: "must be a path under /api/, e.g. /api/webhooks/stripe" }).default(APP_DEFAULTS.stripe.webhookPath),
      /** Events sent to the webhook (least privilege: no "*"). @default the app's subscription events */
      events: z
        .array(safeText({ max: 128, pattern: /^[a-z_]+(\.[a-z_]+)+$/, problem: "must be a Stripe event type like invoice.paid ('*' is not allowed)" }))
        .min(1)
        .default(() => [...APP_DEFAULTS.stripe.events]),
      /** Stripe API version the events are rendered in. @default the account's default version */
      apiVersion: safeText({ max: 40, pattern: /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, problem: "must be a Stripe API version like 2025-06-30.basil" }).optional(),
    })
    .prefault({}),
  /**
   * Vercel log drain to the log aggregator. Optional: absent → no drain (the plan warns), so a
   * stack can deploy before its aggregator exists. The endpoint is an external prerequisite: when
   * the drain is created Vercel calls it and it must answer `200` with the header
   * `x-vercel-verify: <team verification code>` (stack output `app.logDrainVerificationCode`),
   * or `pulumi up` fails. See docs/app.md "Log drain". @default no drain
   */
  logDrain: z
    .strictObject({
    /**
     * HTTPS endpoint of the log aggregator (must answer Vercel's `x-vercel-verify` check). A public
     * host: Vercel sends from the internet, so private, loopback, link-local and CGNAT addresses
     * (and names such as localhost or *.internal) never receive anything.
     */
    endpoint: publicHttpsUrl,
    /** Sources forwarded. @default every runtime source except `redirect` */
    sources: z.array(z.enum(LOG_DRAIN_SOURCES)).min(1).default(() => [...APP_DEFAULTS.logDrain.sources]),
    /** Deployment environments forwarded. @default ["production", "preview"] */
    environments: z.array(z.enum(["production", "preview"])).min(1).default(() => [...APP_DEFAULTS.logDrain.environments]),
    /** Payload format. @default "json" */
    deliveryFormat: z.enum(["json", "ndjson"]).default(APP_DEFAULTS.logDrain.deliveryFormat),
    /** Share of log lines sent (0–1]. Cost: the aggregator bills by volume. @default 1 */
    samplingRate: z.number().gt(0).max(1).default(APP_DEFAULTS.logDrain.samplingRate),
  })
    .optional(),
});

export type AppSettings = z.output<typeof appConfigSchema>;

/** Env var names the platform itself sets; config may not redefine them. */
export const PLATFORM_ENV_VAR_NAMES = [
  "NEXT_PUBLIC_SUPABASE_URL",
  "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
  "NEXT_PUBLIC_SITE_URL",
  "SUPABASE_SECRET_KEY",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "RESEND_API_KEY",
  "REDIS_URL",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "GOOGLE_GENERATIVE_AI_API_KEY",
] as const;

/** The function regions to use: the configured ones, else the region next to the database. */
export function resolveFunctionRegions(app: AppSettings, databaseRegion: (typeof SUPABASE_REGIONS)[number]): VercelRegion[] {
  return app.functionRegions ?? [VERCEL_REGION_FOR_SUPABASE[databaseRegion]];
}

/**
 * The `NEXT_PUBLIC_` secret validator for browser-visible variables from configuration: a key must
 * start with `NEXT_PUBLIC_`, must not be one the platform sets, and neither its name nor its value
 * may look like a secret. Values are judged by `secretKind` from policies/lib/secrets.ts, the same
 * detector the `vercel-env-secrets` policy uses. Secret VALUES are never echoed back in the issue.
 */
export function checkPublicEnv(publicEnv: Record<string, string>, keyPrefix = "promptandpause:app.publicEnv"): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(publicEnv)) {
    const path = `${keyPrefix}.${key}`;
    const nameIssue = publicEnvNameIssue(key);
    if (nameIssue) issues.push({ path, got: key, ...nameIssue });
    // Checked whatever the name: a secret pasted here is leaked already and must be rotated.
    const kind = secretKind(value);
    if (kind) {
      issues.push({ path, problem: `value looks like ${withArticle(kind)}; NEXT_PUBLIC_ values ship to every browser`, got: SECRET_VALUE, fix: "Remove it from the stack file now (treat it as leaked and rotate it), then store it with pulumi config set --secret." });
    }
  }
  return issues;
}

/** The first problem with a `publicEnv` key (the issue reports the key, never the value), if any. */
function publicEnvNameIssue(key: string): Pick<ConfigIssue, "problem" | "fix"> | undefined {
  if (!isEnvVarName(key)) {
    const upper = key.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    return { problem: ENV_VAR_NAME.problem, fix: `Rename it, e.g. ${upper.startsWith("NEXT_PUBLIC_") ? upper : `NEXT_PUBLIC_${upper}`}.` };
  }
  if (!key.startsWith("NEXT_PUBLIC_")) {
    return { problem: "must start with NEXT_PUBLIC_ (only browser-visible values belong here; server secrets are Pulumi secrets)", fix: `Rename it NEXT_PUBLIC_${key}, or if it is a secret remove it and add it to stacks/secrets.ts.` };
  }
  if ((PLATFORM_ENV_VAR_NAMES as readonly string[]).includes(key)) {
    return { problem: "is set by the platform from other layers' outputs", fix: "Remove it from promptandpause:app.publicEnv." };
  }
  const nameHit = SECRET_NAME_PATTERN.exec(key.slice("NEXT_PUBLIC_".length));
  if (nameHit) {
    return { problem: `names a secret ("${nameHit[1]}") but NEXT_PUBLIC_ values ship to every browser`, fix: "Store the secret with pulumi config set --secret and expose it to server code only, without the NEXT_PUBLIC_ prefix." };
  }
  return undefined;
}

/** Cross-key checks that need the rest of the configuration. */
export function checkAppConfig(app: AppSettings, all: PlatformSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [...checkPublicEnv(app.publicEnv)];
  const duplicates = app.aiProviders.filter((p, i) => app.aiProviders.indexOf(p) !== i);
  for (const provider of new Set(duplicates)) {
    issues.push({ path: "promptandpause:app.aiProviders", problem: `lists "${provider}" more than once`, got: app.aiProviders, fix: "List each provider once." });
  }
  const dupEvents = app.stripe.events.filter((e, i) => app.stripe.events.indexOf(e) !== i);
  if (dupEvents.length > 0) {
    issues.push({ path: "promptandpause:app.stripe.events", problem: `lists ${[...new Set(dupEvents)].join(", ")} more than once`, got: app.stripe.events, fix: "List each event once." });
  }
  if (app.functionRegions) {
    const dbRegion = all.database.region;
    const near = VERCEL_REGION_FOR_SUPABASE[dbRegion];
    if (!app.functionRegions.includes(near)) {
      issues.push({
        path: "promptandpause:app.functionRegions",
        problem: `does not include ${near}, the Vercel region next to the database (${dbRegion}); every query would cross regions`,
        got: app.functionRegions,
        fix: `Add "${near}" or remove promptandpause:app.functionRegions to use it by default.`,
      });
    }
  }
  return issues;
}
