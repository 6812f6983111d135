import { describe, expect, it } from "vitest";
import { type EnvVarSpec, validateEnvVars } from "../../components/app/env-vars";
import { formatIssue } from "../../components/shared/errors";
import type { PlatformSettings } from "../../stacks/config";
import { GUIDE } from "../../stacks/guide";
import { appConfigSchema, checkAppConfig, checkPublicEnv, resolveFunctionRegions, VERCEL_REGION_FOR_SUPABASE, VERCEL_REGIONS } from "../../stacks/schema/app";
import { SUPABASE_REGIONS } from "../../stacks/schema/database";

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
    expect(messages(checkAppConfig(parse({ logDrain: { endpoint: "https://127.0.0.1/x" } }), all()))[0]).toContain("promptandpause:app.logDrain.endpoint: must be reachable from Vercel");
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
    [{ NEXT_PUBLIC_SUPABASE_ANON_KEY: "x" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_SUPABASE_ANON_KEY: is set by the platform"]],
    [{ NEXT_PUBLIC_BILLING: "sk_live_51Habcdef" }, ["promptandpause:app.publicEnv.NEXT_PUBLIC_BILLING: value looks like a Stripe secret key"]],
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
    ["the anon key (public by design)", [v("NEXT_PUBLIC_SUPABASE_ANON_KEY", false)], []],
    ["a server secret", [v("STRIPE_SECRET_KEY", true)], []],
    ["a secret under NEXT_PUBLIC_", [v("NEXT_PUBLIC_STRIPE_SECRET_KEY", true)], ["app.environmentVariables[0] (NEXT_PUBLIC_STRIPE_SECRET_KEY): is a secret under a NEXT_PUBLIC_ name"]],
    ["a public name that says secret", [v("NEXT_PUBLIC_SERVICE_ROLE", false)], ["app.environmentVariables[0] (NEXT_PUBLIC_SERVICE_ROLE): NEXT_PUBLIC_ names ship to every browser"]],
    ["a secret on development", [v("REDIS_URL", true, ["development"])], ["app.environmentVariables[0] (REDIS_URL): is sensitive and Vercel refuses"]],
    ["a duplicate per target", [v("A", false, ["preview"]), v("A", false, ["preview"])], ["app.environmentVariables[1] (A): is defined twice for the preview target"]],
    ["no target", [v("A", false, [])], ["app.environmentVariables[0] (A): has no target"]],
    ["a lower-case name", [v("next_public_x", false)], ["app.environmentVariables[0] (next_public_x): must be an UPPER_SNAKE_CASE name"]],
  ])("%s", (_label, vars, expected) => {
    const got = validateEnvVars(vars).map(formatIssue);
    expect(got).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(got[i]).toContain(prefix);
  });
});
