import { GUIDE } from "../shared/guide";

/**
 * The values the `App` component accepts and its defaults, as data (no SDK import). The stack's
 * schema (`promptandpause:app`, stacks/schema/app.ts) builds its enums and defaults from these, so
 * a configured App and a standalone one behave the same.
 */

/** Node.js majors Vercel builds and runs (`nodeVersion`). */
export const NODE_VERSIONS = ["20.x", "22.x", "24.x"] as const;
export type NodeVersion = (typeof NODE_VERSIONS)[number];

/** Vercel Functions CPU classes (`resourceConfig.functionDefaultCpuType`). */
export const VERCEL_CPU_TYPES = ["standard_legacy", "standard", "performance"] as const;
export type VercelCpuType = (typeof VERCEL_CPU_TYPES)[number];

/** The CPU class of the guide's "current scale" (stacks/presets.ts `SCALE_PRESETS.current` uses it). */
export const DEFAULT_FUNCTION_CPU_TYPE = "standard" satisfies VercelCpuType;

/** Values the Vercel API accepts for a project's Skew Protection window. */
export const SKEW_PROTECTION_WINDOWS = ["30 minutes", "12 hours", "1 day", "7 days"] as const;
export type SkewProtectionWindow = (typeof SKEW_PROTECTION_WINDOWS)[number];

/**
 * `vercelAuthentication.deploymentType` values this repository allows: the provider's own values
 * minus `none` (previews unprotected) and `standard_protection` (legacy).
 */
export const DEPLOYMENT_PROTECTION_TYPES = ["standard_protection_new", "all_deployments", "only_preview_deployments"] as const;
export type DeploymentProtectionType = (typeof DEPLOYMENT_PROTECTION_TYPES)[number];

/** Log sources a Vercel log drain can forward. */
export const LOG_DRAIN_SOURCES = ["static", "edge", "external", "build", "lambda", "firewall", "redirect"] as const;
export type LogDrainSource = (typeof LOG_DRAIN_SOURCES)[number];

/** Deployment environments a log drain forwards (never `development`). */
export const LOG_DRAIN_ENVIRONMENTS = ["production", "preview"] as const;
export type LogDrainEnvironment = (typeof LOG_DRAIN_ENVIRONMENTS)[number];

/** Payload formats of a log drain. */
export const LOG_DRAIN_FORMATS = ["json", "ndjson"] as const;
export type LogDrainFormat = (typeof LOG_DRAIN_FORMATS)[number];

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

/**
 * Defaults of `promptandpause:app`, written once: the schema (stacks/schema/app.ts) fills them in,
 * and the `App` component (components/app/app.ts) falls back to the same values when used on its own.
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
} as const; // Each value is type-checked against its field by the schema's `.default(…)` that uses it.
