import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { App, apiHeaderTransforms } from "../../components/app/app";
import { isConfigError } from "../../components/shared/errors";
import { PlatformMocks } from "../../scripts/lib/mocks";
import type { DatabaseOutputs } from "../../stacks/compose/contracts";
import { appEnvironmentVariables, composeApp } from "../../stacks/compose/app";
import type { PlatformConfig } from "../../stacks/config";
import { GUIDE } from "../../stacks/guide";
import { APP_DEFAULTS, appConfigSchema, DEFAULT_STRIPE_EVENTS, PLATFORM_ENV_VAR_NAMES } from "../../stacks/schema/app";
import { isSecretOutput, one, ofType, type PlannedResource, recordProgram, unwrap } from "../helpers/pulumi";

// Fake secret values, recognisable in assertions; never real keys.
const SECRETS = {
  stripe: "sk_test_fakestripekey000000000000",
  resend: "re_fakeresend_key000000",
  redis: "rediss://default:fakeredispassword@cache.example.com:6379",
  openai: "sk-proj-fakeopenaikey0000000000",
  anthropic: "sk-ant-fakeanthropickey00000000",
  serviceRole: "fake-service-role-key-000000000",
};

const T = {
  project: "vercel:index/project:Project",
  domain: "vercel:index/projectDomain:ProjectDomain",
  envVar: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  route: "vercel:index/projectRoute:ProjectRoute",
  logDrain: "vercel:index/logDrain:LogDrain",
  stripe: "pulumi-nodejs:dynamic/stripe:WebhookEndpoint",
  app: "promptandpause:app:App",
};

function testConfig(appOverrides: Record<string, unknown> = {}): PlatformConfig {
  const app = appConfigSchema.parse({
    team: "promptandpause",
    aiProviders: ["openai", "anthropic"],
    gitRepository: { repo: "promptandpause/web" },
    logDrain: { endpoint: "https://logs.example.com/vercel" },
    ...appOverrides,
  });
  return {
    project: "promptandpause",
    environment: "staging",
    domain: "promptandpause-staging.com",
    app,
    database: { region: "eu-west-2" },
    scale: { app: { functionCpuType: "standard" } },
    secrets: {
      required: {
        stripeSecretKey: pulumi.secret(SECRETS.stripe),
        resendApiKey: pulumi.secret(SECRETS.resend),
        redisUrl: pulumi.secret(SECRETS.redis),
      },
      aiApiKeys: { openai: pulumi.secret(SECRETS.openai), anthropic: pulumi.secret(SECRETS.anthropic) },
    },
  } as unknown as PlatformConfig;
}

class FakeResource extends pulumi.CustomResource {}
class FakeProvider extends pulumi.ProviderResource {}

/** A stand-in for the database layer: a resource whose outputs feed the app (as Outputs). */
function fakeDatabase(): { outputs: DatabaseOutputs; urn: pulumi.Output<string> } {
  const db = new FakeResource("test:index:Database", "db", {
    apiUrl: "https://abcdefghijklmnopqrst.supabase.co",
    publishableKey: "sb_publishable_fake_public_key",
    secretKey: pulumi.secret(SECRETS.serviceRole),
    projectRef: "abcdefghijklmnopqrst",
    poolerConnectionString: pulumi.secret("postgres://x"),
  });
  const o = db as unknown as Record<keyof DatabaseOutputs, pulumi.Output<string>>;
  return { outputs: { apiUrl: o.apiUrl, publishableKey: o.publishableKey, secretKey: o.secretKey, projectRef: o.projectRef, poolerConnectionString: o.poolerConnectionString }, urn: db.urn };
}

async function recordApp(config = testConfig()) {
  return recordProgram(async () => {
    const vercelProvider = new FakeProvider("vercel", "vercel", {});
    const randomProvider = new FakeProvider("random", "random", {});
    const db = fakeDatabase();
    const composed = composeApp({ config, providers: { vercel: vercelProvider, random: randomProvider } }, db.outputs);
    return { composed, dbUrn: await unwrap(db.urn) };
  });
}

const envVar = (resources: PlannedResource[], key: string) => {
  const found = ofType(resources, T.envVar).filter((r) => r.inputs.key === key);
  if (found.length !== 1) throw new Error(`expected one env var ${key}, found ${found.length}`);
  return found[0] as PlannedResource;
};

describe("App component under mocks", () => {
  it("creates the Next.js project with the guide's 30 s function timeout, regions next to the database and protected previews", async () => {
    const { resources } = await recordApp();
    const project = one(resources, T.project);
    expect(project.inputs).toMatchObject({
      name: "promptandpause-staging",
      framework: "nextjs",
      nodeVersion: "22.x",
      gitRepository: { type: "github", repo: "promptandpause/web", productionBranch: "main" },
      resourceConfig: { functionDefaultTimeout: GUIDE.app.functionMaxDurationSeconds, functionDefaultRegions: ["lhr1"], functionDefaultCpuType: "standard" },
      // The provider validates snake_case; "standardProtectionNew" is refused at `pulumi up`.
      vercelAuthentication: { deploymentType: "standard_protection_new" },
      skewProtection: "12 hours",
    });
    expect(project.inputs.resourceConfig).toMatchObject({ functionDefaultTimeout: 30 });
    // Env vars are separate resources, never inline (the provider would fight itself).
    expect(project.inputs.environments).toBeUndefined();
  });

  it("sets exactly the guide's three headers on /api/(.*) at the origin, as 'Modify response headers' transforms that keep routing", async () => {
    const { resources } = await recordApp();
    const route = one(resources, T.route);
    expect(route.inputs.route).toEqual({
      src: "/api/(.*)",
      transforms: [
        { type: "response.headers", op: "set", target: '{"key":"Strict-Transport-Security"}', args: '"max-age=31536000; includeSubDomains"' },
        { type: "response.headers", op: "set", target: '{"key":"X-Content-Type-Options"}', args: '"nosniff"' },
        { type: "response.headers", op: "set", target: '{"key":"X-Frame-Options"}', args: '"DENY"' },
      ],
    });
    // No primary action (dest / status) and no legacy `headers`: the rule must never end routing
    // for /api, whose dynamic routes live in the deployment.
    const r = route.inputs.route as Record<string, unknown>;
    for (const key of ["dest", "status", "headers", "continue"]) expect(r[key], key).toBeUndefined();
    expect(route.inputs.enabled).toBe(true);
    expect(route.inputs.position).toEqual({ placement: "start" });
  });

  it("header transforms are the JSON documents the provider parses into Vercel's transform object", () => {
    const [t] = apiHeaderTransforms({ "X-Frame-Options": "DENY" });
    expect(t).toBeDefined();
    expect({ ...t, target: JSON.parse(t?.target ?? ""), args: JSON.parse(t?.args ?? "") }).toEqual({
      type: "response.headers",
      op: "set",
      target: { key: "X-Frame-Options" },
      args: "DENY",
    });
    // Values with quotes survive the round trip.
    expect(JSON.parse(apiHeaderTransforms({ A: 'x"y' })[0]?.args ?? "")).toBe('x"y');
  });

  it("serves the apex and redirects www to it (308), matching the edge's DNS targets", async () => {
    const { resources, result } = await recordApp();
    const apex = one(resources, T.domain, "-domain-apex");
    const www = one(resources, T.domain, "-domain-www");
    expect(apex.inputs).toMatchObject({ domain: "promptandpause-staging.com" });
    expect(apex.inputs.redirect).toBeUndefined();
    expect(www.inputs).toMatchObject({ domain: "www.promptandpause-staging.com", redirect: "promptandpause-staging.com", redirectStatusCode: 308 });
    expect(await unwrap(result.composed.outputs.domains)).toEqual(["promptandpause-staging.com", "www.promptandpause-staging.com"]);
    expect(result.composed.outputs.dnsTargets).toEqual({ apexIpv4: "76.76.21.21", cname: "cname.vercel-dns.com" });
    expect(result.composed.outputs.healthCheckPath).toBe("/api/health");
  });

  it("wires NEXT_PUBLIC_SUPABASE_* from the database layer's outputs (dependencies, not copied strings) to every target", async () => {
    const { resources, result } = await recordApp();
    for (const [key, value] of [
      ["NEXT_PUBLIC_SUPABASE_URL", "https://abcdefghijklmnopqrst.supabase.co"],
      ["NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", "sb_publishable_fake_public_key"],
    ] as const) {
      const v = envVar(resources, key);
      expect(v.inputs).toMatchObject({ value, sensitive: false, targets: ["production", "preview", "development"] });
      expect(v.propertyDependencies.value).toContain(result.dbUrn);
    }
    const serviceRole = envVar(resources, "SUPABASE_SECRET_KEY");
    expect(serviceRole.propertyDependencies.value).toContain(result.dbUrn);
  });

  it.each([
    ["SUPABASE_SECRET_KEY", SECRETS.serviceRole],
    ["STRIPE_SECRET_KEY", SECRETS.stripe],
    ["RESEND_API_KEY", SECRETS.resend],
    ["REDIS_URL", SECRETS.redis],
    ["OPENAI_API_KEY", SECRETS.openai],
    ["ANTHROPIC_API_KEY", SECRETS.anthropic],
  ])("%s is sensitive, secret in the plan, and only on production + preview", async (key, value) => {
    const { resources } = await recordApp();
    const v = envVar(resources, key);
    expect(v.inputs).toMatchObject({ key, value, sensitive: true, targets: ["production", "preview"] });
    expect(v.secretPaths).toContain("value");
    expect(v.maskedInputs.value).toBe("[secret]");
  });

  it("creates one key per configured AI provider, none for the others", async () => {
    const { resources } = await recordApp(testConfig({ aiProviders: ["openai"] }));
    const keys = ofType(resources, T.envVar).map((r) => r.inputs.key);
    expect(keys).toContain("OPENAI_API_KEY");
    expect(keys).not.toContain("ANTHROPIC_API_KEY");
    expect(keys).not.toContain("GOOGLE_GENERATIVE_AI_API_KEY");
  });

  it("registers the Stripe webhook for the app's route and feeds its signing secret into STRIPE_WEBHOOK_SECRET as a secret", async () => {
    const { resources } = await recordApp();
    const webhook = one(resources, T.stripe);
    expect(webhook.inputs).toMatchObject({
      url: "https://promptandpause-staging.com/api/webhooks/stripe",
      enabledEvents: appConfigSchema.shape.stripe.parse(undefined).events,
    });
    expect(webhook.secretPaths).toContain("apiKey");
    const v = envVar(resources, "STRIPE_WEBHOOK_SECRET");
    expect(v.inputs.value).toMatch(/^whsec_mock/);
    expect(v.secretPaths).toContain("value");
    expect(v.inputs).toMatchObject({ sensitive: true, targets: ["production", "preview"] });
    expect(v.propertyDependencies.value).toContain(webhook.urn);
  });

  it("no secret value reaches a NEXT_PUBLIC_ variable; every server-only variable is sensitive", async () => {
    const { resources } = await recordApp();
    const vars = ofType(resources, T.envVar);
    expect(vars.length).toBeGreaterThan(8);
    for (const v of vars) {
      const key = String(v.inputs.key);
      if (key.startsWith("NEXT_PUBLIC_")) {
        expect(v.inputs.sensitive, key).toBe(false);
        for (const s of Object.values(SECRETS)) expect(String(v.inputs.value), key).not.toContain(s);
        expect(String(v.inputs.value), key).not.toMatch(/^whsec_/);
      }
      // The provider schema marks every env var `value` secret in the state; `sensitive` is what
      // keeps it write-only in Vercel, and it is set exactly on the secret sources.
      expect(v.secretPaths, key).toContain("value");
      expect(v.inputs.sensitive, key).toBe(!key.startsWith("NEXT_PUBLIC_"));
      expect(PLATFORM_ENV_VAR_NAMES as readonly string[], key).toContain(key);
    }
  });

  it("log drain: configured HTTPS endpoint, scoped to the project, signed with a generated secret", async () => {
    const { resources, result, warnings } = await recordApp();
    expect(warnings.filter((w) => w.includes("no log drain"))).toEqual([]);
    const drain = one(resources, T.logDrain);
    const project = one(resources, T.project);
    expect(drain.inputs).toMatchObject({ endpoint: "https://logs.example.com/vercel", deliveryFormat: "json", environments: ["production", "preview"] });
    expect(drain.propertyDependencies.projectIds).toContain(project.urn);
    expect(drain.secretPaths).toContain("secret");
    const password = one(resources, "random:index/randomPassword:RandomPassword");
    expect(drain.propertyDependencies.secret).toContain(password.urn);
    expect(await isSecretOutput(result.composed.stackOutputs.logDrainSecret as pulumi.Output<string>)).toBe(true);
    expect(await unwrap(result.composed.stackOutputs.logDrainId as pulumi.Output<string>)).toMatch(/^ld_/);
  });

  it("exports the team's endpoint verification code (the aggregator's x-vercel-verify value), not secret, read through the component's Vercel provider", async () => {
    const call = vi.spyOn(PlatformMocks.prototype, "call");
    const { result, outputs } = await recordApp();
    const invokes = call.mock.calls.map(([args]) => args).filter((args) => args.token === "vercel:index/getEndpointVerification:getEndpointVerification");
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.provider).toMatch(/pulumi:providers:vercel::vercel::/);
    call.mockRestore();
    const code = result.composed.stackOutputs.logDrainVerificationCode as pulumi.Output<string>;
    expect(await unwrap(code)).toBe("mockverify0000000000000000000000");
    expect(await isSecretOutput(code)).toBe(false);
    expect(outputs).toMatchObject({ composed: { stackOutputs: { logDrainVerificationCode: "mockverify0000000000000000000000" } } });
  });

  it("without app.logDrain: no drain, no drain secret, a warning naming the prerequisite, and the verification code still exported", async () => {
    const { resources, result, warnings } = await recordApp(testConfig({ logDrain: undefined }));
    expect(ofType(resources, T.logDrain)).toEqual([]);
    expect(ofType(resources, "random:index/randomPassword:RandomPassword")).toEqual([]);
    expect(Object.keys(result.composed.stackOutputs)).not.toContain("logDrainId");
    expect(Object.keys(result.composed.stackOutputs)).not.toContain("logDrainSecret");
    expect(await unwrap(result.composed.stackOutputs.logDrainVerificationCode as pulumi.Output<string>)).toBe("mockverify0000000000000000000000");
    expect(warnings).toEqual([
      'App "app": no log drain (logDrain is not set), so Vercel\'s runtime and build logs are kept by Vercel only. To forward them, run the log aggregator so that it answers 200 with `x-vercel-verify: <stack output logDrainVerificationCode>`, then set promptandpause:app.logDrain.endpoint.',
    ]);
  });

  it("every child is parented to the App component, named app-<role>", async () => {
    const { resources } = await recordApp();
    const app = one(resources, T.app);
    const children = resources.filter((r) => r.parent === app.urn);
    expect(children.length).toBe(resources.filter((r) => r.name.startsWith("app-") && r.type !== T.app && !r.type.startsWith("pulumi:providers:")).length);
    for (const child of children) expect(child.name).toMatch(/^app-[a-z0-9-]+$/);
    expect(ofType(resources, T.project)[0]?.provider).toMatch(/pulumi:providers:vercel::vercel::/);
  });

  it("typed outputs: project id, production URL, domains", async () => {
    const { result } = await recordApp();
    expect(await unwrap(result.composed.outputs.projectId)).toMatch(/^prj_/);
    expect(await unwrap(result.composed.stackOutputs.productionUrl as pulumi.Output<string>)).toBe("https://promptandpause-staging.com");
  });
});

describe("secretness at the source (independent of the provider's own schema)", () => {
  it("every secret env var value handed to the component is a secret Output; public ones are not secret-wrapped by us", async () => {
    const { result } = await recordProgram(() => appEnvironmentVariables(testConfig(), fakeDatabase().outputs));
    for (const spec of result) {
      if (spec.secret) expect(await isSecretOutput(pulumi.output(spec.value)), spec.key).toBe(true);
      else expect(spec.key.startsWith("NEXT_PUBLIC_"), spec.key).toBe(true);
    }
    expect(result.filter((s) => s.secret).map((s) => s.key).sort()).toEqual(
      ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "REDIS_URL", "RESEND_API_KEY", "STRIPE_SECRET_KEY", "SUPABASE_SECRET_KEY"],
    );
  });

  it("the Stripe signing secret output and the webhook env var value are secret Outputs", async () => {
    const { result } = await recordProgram(() => {
      const app = new App("app", {
        projectName: "p",
        domain: "promptandpause-staging.com",
        gitRepository: { type: "github", repo: "promptandpause/web" },
        functionRegions: ["lhr1"],
        environmentVariables: [],
        stripe: { apiKey: pulumi.secret(SECRETS.stripe), events: ["invoice.paid"] },
        logDrain: { endpoint: "https://logs.example.com/vercel" },
      }, { providers: [new FakeProvider("vercel", "vercel", {}), new FakeProvider("random", "random", {})] });
      return app;
    });
    const envVar = result.environmentVariables.STRIPE_WEBHOOK_SECRET;
    expect(envVar).toBeDefined();
    expect(await isSecretOutput(envVar?.value as pulumi.Output<string | undefined>)).toBe(true);
    expect(await unwrap(envVar?.value as pulumi.Output<string | undefined>)).toMatch(/^whsec_mock/);
    expect(result.logDrainSecret).toBeDefined();
    expect(await isSecretOutput(result.logDrainSecret as pulumi.Output<string>)).toBe(true);
  });
});

describe("bad environment variables fail before anything is registered", () => {
  it("a secret under a NEXT_PUBLIC_ name stops the component with a clear error and no resource", async () => {
    const registered: string[] = [];
    const { result: error } = await recordProgram(
      () => {
        const config = testConfig();
        const vars = appEnvironmentVariables(config, fakeDatabase().outputs);
        try {
          new App("app", {
            projectName: "p",
            domain: "promptandpause-staging.com",
            gitRepository: { type: "github", repo: "promptandpause/web" },
            functionRegions: ["lhr1"],
            environmentVariables: [...vars, { key: "NEXT_PUBLIC_STRIPE_SECRET_KEY", value: config.secrets.required.stripeSecretKey, targets: ["production"], secret: true, comment: "" }],
            stripe: { apiKey: config.secrets.required.stripeSecretKey, events: ["invoice.paid"] },
            logDrain: { endpoint: "https://logs.example.com/vercel" },
          });
          return undefined;
        } catch (err) {
          return err;
        }
      },
      { onRegister: (r) => registered.push(r.type) },
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain("NEXT_PUBLIC_STRIPE_SECRET_KEY): is a secret under a NEXT_PUBLIC_ name");
    expect((error as Error).message).not.toContain(SECRETS.stripe);
    expect(registered.filter((t) => t.startsWith("vercel:") || t.startsWith("promptandpause:app"))).toEqual([]);
  });
});

describe("defaults live in one place (APP_DEFAULTS in stacks/schema/app.ts)", () => {
  it("the schema fills in APP_DEFAULTS", () => {
    const app = testConfig({ aiProviders: undefined }).app;
    expect({
      productionBranch: app.productionBranch,
      nodeVersion: app.nodeVersion,
      functionMaxDurationSeconds: app.functionMaxDurationSeconds,
      deploymentProtection: app.deploymentProtection,
      skewProtection: app.skewProtection,
      aiProviders: app.aiProviders,
      secretTargets: app.secretTargets,
      stripe: { webhookPath: app.stripe.webhookPath, events: app.stripe.events },
      logDrain: { sources: app.logDrain?.sources, environments: app.logDrain?.environments, deliveryFormat: app.logDrain?.deliveryFormat, samplingRate: app.logDrain?.samplingRate },
    }).toEqual(APP_DEFAULTS);
  });

  it("an App given only its required args registers what the composition registers from a default config", async () => {
    const providers = () => [new FakeProvider("vercel", "vercel", {}), new FakeProvider("random", "random", {})];
    const standalone = await recordProgram(
      () =>
        new App(
          "app",
          {
            projectName: "promptandpause-staging",
            domain: "promptandpause-staging.com",
            gitRepository: { type: "github", repo: "promptandpause/web" },
            functionRegions: ["lhr1"],
            environmentVariables: [],
            stripe: { apiKey: pulumi.secret(SECRETS.stripe), events: [...DEFAULT_STRIPE_EVENTS] },
            logDrain: { endpoint: "https://logs.example.com/vercel" },
          },
          { providers: providers() },
        ),
    );
    const composed = await recordApp();
    const drainFields = (r: PlannedResource) => {
      const { endpoint, sources, environments, deliveryFormat, samplingRate, name } = r.inputs;
      return { endpoint, sources, environments, deliveryFormat, samplingRate, name };
    };
    expect(one(standalone.resources, T.project).inputs).toEqual(one(composed.resources, T.project).inputs);
    expect(drainFields(one(standalone.resources, T.logDrain))).toEqual(drainFields(one(composed.resources, T.logDrain)));
    expect(one(standalone.resources, T.stripe).inputs.url).toBe(one(composed.resources, T.stripe).inputs.url);
    expect(envVar(standalone.resources, "STRIPE_WEBHOOK_SECRET").inputs.targets).toEqual(envVar(composed.resources, "STRIPE_WEBHOOK_SECRET").inputs.targets);
    expect(standalone.result.healthCheckPath).toBe(composed.result.composed.outputs.healthCheckPath);
  });
});
