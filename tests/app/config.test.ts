import { describe, expect, it } from "vitest";
import { type EnvVarSpec, validateEnvVars } from "../../components/app/env-vars";
import { formatIssue } from "../../components/shared/errors";
import type { PlatformSettings } from "../../stacks/config";
import { GUIDE } from "../../stacks/guide";
import { appConfigSchema, checkAppConfig, checkPublicEnv, resolveFunctionRegions, VERCEL_REGION_FOR_SUPABASE, VERCEL_REGIONS } from "../../stacks/schema/app";
import { SUPABASE_REGIONS } from "../../stacks/schema/database";
import { configErrorOf, patched, problemLines, validRaw } from "../config/support";

const minimal = { team: "promptandpause", gitRepository: { repo: "promptandpause/web" }, logDrain: { endpoint: "https://logs.example.com/vercel" } };
const parse = (extra: Record<string, unknown> = {}) => appConfigSchema.parse({ ...minimal, ...extra });
const all = (region: (typeof SUPABASE_REGIONS)[number] = "eu-west-2") => ({ domain: "promptandpause.com", database: { region } }) as unknown as PlatformSettings;
const messages = (issues: ReturnType<typeof checkAppConfig>) => issues.map(formatIssue);

describe("promptandpause:app defaults", () => {
  it("takes the function timeout from the guide (maxDuration 30)", () => {
    expect(parse().functionMaxDurationSeconds).toBe(GUIDE.app.functionMaxDurationSeconds);
    expect(parse().functionMaxDurationSeconds).toBe(30);
  });
  it("protects previews, keeps secrets off development and sends the app's Stripe events only", () => {
    const app = parse();
    expect(app.deploymentProtection).toBe("standard_protection_new");
    expect(app.secretTargets).toEqual(["production", "preview"]);
    expect(app.stripe.events).not.toContain("*");
    expect(app.stripe.webhookPath).toBe("/api/webhooks/stripe");
    expect(app.productionBranch).toBe("main");
    expect(app.gitRepository.type).toBe("github");
  });
  it.each([
    ["deploymentProtection", "none"],
    // camelCase from the SDK's doc comments: the provider refuses it at `pulumi up`.
    ["deploymentProtection", "standardProtectionNew"],
    ["deploymentProtection", "standard_protection"],
    ["secretTargets", ["development"]],
    ["functionMaxDurationSeconds", 0],
    ["stripe", { events: ["*"] }],
    ["rootDirectory", "../other"],
    ["logDrain", { endpoint: "http://logs.example.com" }],
  ])("refuses %s = %j", (key, value) => {
    expect(appConfigSchema.safeParse({ ...minimal, [key]: value }).success).toBe(false);
  });
});

describe("deploymentProtection: the provider's snake_case values, never none", () => {
  it.each(["standard_protection_new", "all_deployments", "only_preview_deployments"])("accepts %s", (value) => {
    expect(parse({ deploymentProtection: value }).deploymentProtection).toBe(value);
  });
});

describe("projectName: the rule physicalName enforces (1-52 of a-z 0-9 -)", () => {
  it.each<[string, boolean]>([
    ["promptandpause-prod", true],
    ["a".repeat(52), true],
    ["a".repeat(53), false],
    ["prompt.and.pause", false],
    ["prompt_and_pause", false],
    ["Promptandpause", false],
    ["-promptandpause", false],
    ["prompt--pause", false],
    ["", false],
  ])("%j → %s", (projectName, ok) => {
    const result = appConfigSchema.safeParse({ ...minimal, projectName });
    expect(result.success).toBe(ok);
    if (!result.success) {
      expect(result.error.issues[0]?.message).toBe(
        "must be 1-52 characters from [a-z0-9-] (lower case), not starting or ending with a separator, without repeated '-' (accepted by both the Vercel provider and Vercel)",
      );
    }
  });
});

describe("logDrain is optional", () => {
  it("absent → no drain settings, and no endpoint check", () => {
    const app = appConfigSchema.parse({ team: "promptandpause", gitRepository: { repo: "promptandpause/web" } });
    expect(app.logDrain).toBeUndefined();
    expect(checkAppConfig(app, all())).toEqual([]);
  });
  it("present → defaults filled, private hosts refused", () => {
    expect(parse().logDrain).toEqual({ endpoint: "https://logs.example.com/vercel", sources: ["lambda", "edge", "static", "external", "build", "firewall"], environments: ["production", "preview"], deliveryFormat: "json", samplingRate: 1 });
    expect(appConfigSchema.safeParse({ team: "promptandpause", gitRepository: { repo: "promptandpause/web" }, logDrain: { endpoint: "https://127.0.0.1/x" } }).error?.issues[0]?.message).toBe(
      "host 127.0.0.1 is in 127.0.0.0/8, an address range that is not on the public internet",
    );
  });
});

describe("function regions next to the database", () => {
  it("maps every Supabase region to a known Vercel region", () => {
    for (const region of SUPABASE_REGIONS) expect(Object.keys(VERCEL_REGIONS)).toContain(VERCEL_REGION_FOR_SUPABASE[region]);
  });
  it.each([
    ["eu-west-2", "lhr1"],
    ["us-east-1", "iad1"],
    ["eu-central-2", "fra1"],
  ] as const)("database in %s → functions in %s by default", (db, vercelRegion) => {
    expect(resolveFunctionRegions(parse(), db)).toEqual([vercelRegion]);
  });
  it("an override that leaves out the database's region is reported with the fix", () => {
    expect(messages(checkAppConfig(parse({ functionRegions: ["iad1"] }), all("eu-west-2")))).toEqual([
      'promptandpause:app.functionRegions: does not include lhr1, the Vercel region next to the database (eu-west-2); every query would cross regions (got ["iad1"]). Add "lhr1" or remove promptandpause:app.functionRegions to use it by default.',
    ]);
    expect(checkAppConfig(parse({ functionRegions: ["lhr1", "iad1"] }), all("eu-west-2"))).toEqual([]);
  });
});

describe("NEXT_PUBLIC_ secret validator (config)", () => {
  it.each([
    [{ NEXT_PUBLIC_POSTHOG_HOST: "https://eu.posthog.com" }, []],
    [{ POSTHOG_HOST: "https://eu.posthog.com" }, ["promptandpause:app.publicEnv.POSTHOG_HOST: must start with NEXT_PUBLIC_"]],
    [{ NEXT_PUBLIC_STRIPE_SECRET_KEY: "x" }, ['promptandpause:app.publicEnv.NEXT_PUBLIC_STRIPE_SECRET_KEY: names a secret ("SECRET")']],
    [{ NEXT_PUBLIC_ADMIN_TOKEN: "x" }, ['promptandpause:app.publicEnv.NEXT_PUBLIC_ADMIN_TOKEN: names a secret ("TOKEN")']],
    [{ NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: "x" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: is set by the platform"]],
    [{ NEXT_PUBLIC_BILLING: "sk_live_51Habcdef" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_BILLING: value looks like a Stripe secret or restricted key"]],
    [{ NEXT_PUBLIC_HOOK: "whsec_abcdef123" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_HOOK: value looks like a Stripe webhook signing secret"]],
    [{ NEXT_PUBLIC_CACHE: "rediss://default:hunter2hunter2@cache.example.com:6379" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_CACHE: value looks like a URL with a password"]],
  ])("%j", (publicEnv, expected) => {
    const got = messages(checkPublicEnv(publicEnv));
    expect(got).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(got[i]).toContain(prefix);
  });
  it("never echoes a secret-looking value back", () => {
    const text = messages(checkPublicEnv({ NEXT_PUBLIC_BILLING: "sk_live_51Habcdef" })).join("\n");
    expect(text).not.toContain("sk_live_51Habcdef");
    expect(text).toContain("(got [secret])");
  });
  it("runs as part of checkAppConfig, so the stack config fails before any resource", () => {
    expect(messages(checkAppConfig(parse({ publicEnv: { NEXT_PUBLIC_API_KEY: "x" } }), all()))[0]).toContain("NEXT_PUBLIC_API_KEY: names a secret");
  });
});

describe("NEXT_PUBLIC_ secret validator (component env vars)", () => {
  const v = (key: string, secret: boolean, targets: EnvVarSpec["targets"] = ["production", "preview"]): EnvVarSpec => ({ key, value: "v", secret, targets, comment: "" });
  it.each([
    ["a public URL", [v("NEXT_PUBLIC_SUPABASE_URL", false, ["production", "preview", "development"])], []],
    ["the publishable key (public by design)", [v("NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", false)], []],
    ["a server secret", [v("STRIPE_SECRET_KEY", true)], []],
    ["a secret under NEXT_PUBLIC_", [v("NEXT_PUBLIC_STRIPE_SECRET_KEY", true)], ["app.environmentVariables[0] (NEXT_PUBLIC_STRIPE_SECRET_KEY): is a secret under a NEXT_PUBLIC_ name"]],
    ["a public name that says secret", [v("NEXT_PUBLIC_SERVICE_ROLE", false)], ["app.environmentVariables[0] (NEXT_PUBLIC_SERVICE_ROLE): NEXT_PUBLIC_ names ship to every browser"]],
    ["a secret on development", [v("REDIS_URL", true, ["development"])], ["app.environmentVariables[0] (REDIS_URL): is sensitive and Vercel refuses"]],
    ["a duplicate per target", [v("A", false, ["preview"]), v("A", false, ["preview"])], ["app.environmentVariables[1] (A): is defined twice for the preview target"]],
    ["no target", [v("A", false, [])], ["app.environmentVariables[0] (A): has no target"]],
    ["a lower-case name", [v("next_public_x", false)], ["app.environmentVariables[0] (next_public_x): must be an UPPER_SNAKE_CASE environment variable name (got \"next_public_x\"). Rename the variable."]],
  ])("%s", (_label, vars, expected) => {
    const got = validateEnvVars(vars).map(formatIssue);
    expect(got).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(got[i]).toContain(prefix);
  });
});

/**
 * Every custom message of stacks/schema/app.ts, through the real loader (`parseStackConfig` on the
 * staging settings with one app key changed): the full line `<key path>: <problem> (got <value>).
 * <fix>`. Lines are looked up by key path, so problems another layer may add do not interfere.
 */
describe("promptandpause:app messages, as parseStackConfig prints them", () => {
  const app = (patch: Record<string, unknown>) => validRaw({ "promptandpause:app": patched("promptandpause:app", patch) });
  const linesFor = (patch: Record<string, unknown>) => problemLines(configErrorOf(app(patch)));
  const K = "promptandpause:app";
  const setIt = (path: string) => `Set ${path} in Pulumi.<stack>.yaml.`;
  const REGIONS = '"arn1", "bom1", "cdg1", "cle1", "cpt1", "dub1", "dxb1", "fra1", "gru1", "hkg1", "hnd1", "iad1", "icn1", "kix1", "lhr1", "pdx1", "sfo1", "sin1", "syd1", "yul1"';

  it.each<[string, Record<string, unknown>, string]>([
    ["Stripe event '*'", { stripe: { events: ["*"] } }, `${K}.stripe.events[0]: must be a Stripe event type like invoice.paid ('*' is not allowed) (got "*"). ${setIt(`${K}.stripe.events[0]`)}`],
    ["Stripe event without a dot", { stripe: { events: ["invoice.paid", "invoice"] } }, `${K}.stripe.events[1]: must be a Stripe event type like invoice.paid ('*' is not allowed) (got "invoice"). ${setIt(`${K}.stripe.events[1]`)}`],
    ["Stripe event listed twice", { stripe: { events: ["invoice.paid", "invoice.paid"] } }, `${K}.stripe.events: lists invoice.paid more than once (got ["invoice.paid","invoice.paid"]). List each event once.`],
    ["Stripe API version", { stripe: { apiVersion: "basil" } }, `${K}.stripe.apiVersion: must be a Stripe API version like 2025-06-30.basil (got "basil"). ${setIt(`${K}.stripe.apiVersion`)}`],
    ["webhookPath outside /api/", { stripe: { webhookPath: "/webhooks/stripe" } }, `${K}.stripe.webhookPath: must be a path under /api/, e.g. /api/webhooks/stripe (got "/webhooks/stripe"). ${setIt(`${K}.stripe.webhookPath`)}`],
    ["gitRepository.repo without owner", { gitRepository: { repo: "web" } }, `${K}.gitRepository.repo: must be owner/name, e.g. promptandpause/web (got "web"). ${setIt(`${K}.gitRepository.repo`)}`],
    ["rootDirectory with ..", { rootDirectory: "../other" }, `${K}.rootDirectory: must be a relative path inside the repository (no leading '/', no '..') (got "../other"). ${setIt(`${K}.rootDirectory`)}`],
    ["rootDirectory absolute", { rootDirectory: "/srv/app" }, `${K}.rootDirectory: must be a relative path inside the repository (no leading '/', no '..') (got "/srv/app"). ${setIt(`${K}.rootDirectory`)}`],
    ["functionRegions unknown region", { functionRegions: ["xyz1"] }, `${K}.functionRegions[0]: must be one of ${REGIONS} (got "xyz1"). ${setIt(`${K}.functionRegions[0]`)}`],
    [
      "functionRegions away from the database",
      { functionRegions: ["iad1"] },
      `${K}.functionRegions: does not include lhr1, the Vercel region next to the database (eu-west-2); every query would cross regions (got ["iad1"]). Add "lhr1" or remove ${K}.functionRegions to use it by default.`,
    ],
    ["nodeVersion", { nodeVersion: "18.x" }, `${K}.nodeVersion: must be one of "20.x", "22.x", "24.x" (got "18.x"). ${setIt(`${K}.nodeVersion`)}`],
    ["logDrain endpoint not https", { logDrain: { endpoint: "http://logs.promptandpause.com/vercel" } }, `${K}.logDrain.endpoint: must be an https:// URL (got "http://logs.promptandpause.com/vercel"). ${setIt(`${K}.logDrain.endpoint`)}`],
    ["logDrain endpoint on a private host", { logDrain: { endpoint: "https://127.0.0.1/vercel" } }, `${K}.logDrain.endpoint: host 127.0.0.1 is in 127.0.0.0/8, an address range that is not on the public internet (got "https://127.0.0.1/vercel"). ${setIt(`${K}.logDrain.endpoint`)}`],
    ["logDrain endpoint on a CGNAT host", { logDrain: { endpoint: "https://100.64.0.1/vercel" } }, `${K}.logDrain.endpoint: host 100.64.0.1 is in 100.64.0.0/10, an address range that is not on the public internet (got "https://100.64.0.1/vercel"). ${setIt(`${K}.logDrain.endpoint`)}`],
    ["logDrain endpoint on localhost", { logDrain: { endpoint: "https://localhost:8443/vercel" } }, `${K}.logDrain.endpoint: host localhost is not a public internet host name (got "https://localhost:8443/vercel"). ${setIt(`${K}.logDrain.endpoint`)}`],
    [
      "projectName",
      { projectName: "Prompt_And_Pause" },
      `${K}.projectName: must be 1-52 characters from [a-z0-9-] (lower case), not starting or ending with a separator, without repeated '-' (accepted by both the Vercel provider and Vercel) (got "Prompt_And_Pause"). ${setIt(`${K}.projectName`)}`,
    ],
    ["deploymentProtection none", { deploymentProtection: "none" }, `${K}.deploymentProtection: must be one of "standard_protection_new", "all_deployments", "only_preview_deployments" (got "none"). ${setIt(`${K}.deploymentProtection`)}`],
    ["skewProtection", { skewProtection: "2 hours" }, `${K}.skewProtection: must be one of "30 minutes", "12 hours", "1 day", "7 days" (got "2 hours"). ${setIt(`${K}.skewProtection`)}`],
    ["secretTargets development", { secretTargets: ["development"] }, `${K}.secretTargets[0]: must be one of "production", "preview" (got "development"). ${setIt(`${K}.secretTargets[0]`)}`],
    ["aiProviders listed twice", { aiProviders: ["openai", "anthropic", "openai"] }, `${K}.aiProviders: lists "openai" more than once (got ["openai","anthropic","openai"]). List each provider once.`],
    ["publicEnv key not UPPER_SNAKE_CASE", { publicEnv: { posthog_host: "https://eu.posthog.com" } }, `${K}.publicEnv.posthog_host: must be an UPPER_SNAKE_CASE environment variable name (got "posthog_host"). Rename it, e.g. NEXT_PUBLIC_POSTHOG_HOST.`],
    [
      "publicEnv key without NEXT_PUBLIC_",
      { publicEnv: { POSTHOG_HOST: "https://eu.posthog.com" } },
      `${K}.publicEnv.POSTHOG_HOST: must start with NEXT_PUBLIC_ (only browser-visible values belong here; server secrets are Pulumi secrets) (got "POSTHOG_HOST"). Rename it NEXT_PUBLIC_POSTHOG_HOST, or if it is a secret remove it and add it to stacks/secrets.ts.`,
    ],
    ["publicEnv key the platform sets", { publicEnv: { NEXT_PUBLIC_SITE_URL: "https://x.promptandpause.dev" } }, `${K}.publicEnv.NEXT_PUBLIC_SITE_URL: is set by the platform from other layers' outputs (got "NEXT_PUBLIC_SITE_URL"). Remove it from ${K}.publicEnv.`],
    [
      "publicEnv key naming a secret",
      { publicEnv: { NEXT_PUBLIC_ADMIN_TOKEN: "x" } },
      `${K}.publicEnv.NEXT_PUBLIC_ADMIN_TOKEN: names a secret ("TOKEN") but NEXT_PUBLIC_ values ship to every browser (got "NEXT_PUBLIC_ADMIN_TOKEN"). Store the secret with pulumi config set --secret and expose it to server code only, without the NEXT_PUBLIC_ prefix.`,
    ],
    [
      "publicEnv secret value",
      { publicEnv: { NEXT_PUBLIC_BILLING: ["sk", "live", "51Habcdef"].join("_") } },
      `${K}.publicEnv.NEXT_PUBLIC_BILLING: value looks like a Stripe secret or restricted key; NEXT_PUBLIC_ values ship to every browser (got [secret]). Remove it from the stack file now (treat it as leaked and rotate it), then store it with pulumi config set --secret.`,
    ],
  ])("%s", (_name, patch, expected) => {
    const path = expected.slice(0, expected.indexOf(": "));
    const lines = linesFor(patch).filter((l) => l.startsWith(`${path}: `));
    expect(lines).toEqual([expected]);
  });

  it("a secret value under a bad key: both problems, the key shown, the value never (it was echoed by zod's record-key error before)", () => {
    const leaked = ["sk", "live", "51Habcdef"].join("_");
    const err = configErrorOf(app({ publicEnv: { stripe_key: leaked } }));
    expect(problemLines(err).filter((l) => l.startsWith(`${K}.publicEnv.`))).toEqual([
      `${K}.publicEnv.stripe_key: must be an UPPER_SNAKE_CASE environment variable name (got "stripe_key"). Rename it, e.g. NEXT_PUBLIC_STRIPE_KEY.`,
      `${K}.publicEnv.stripe_key: value looks like a Stripe secret or restricted key; NEXT_PUBLIC_ values ship to every browser (got [secret]). Remove it from the stack file now (treat it as leaked and rotate it), then store it with pulumi config set --secret.`,
    ]);
    expect(err.message).not.toContain(leaked);
  });
});
