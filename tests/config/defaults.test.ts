import { describe, expect, it } from "vitest";
import { decodeConfigValue, type PlatformConfig, requiredSecretKeys } from "../../stacks/config";
import { resolveScale } from "../../stacks/presets";
import { appConfigSchema } from "../../stacks/schema/app";
import { databaseConfigSchema } from "../../stacks/schema/database";
import { GUIDE } from "../../stacks/guide";
import { isSecretOutput, unwrap } from "../helpers/pulumi";
import { parse, validRaw } from "./support";

/**
 * The guide's numbers are the defaults. Each is asserted twice: against GUIDE (one source of
 * truth in code) and against the literal number the owner wrote in the guide, so a wrong edit
 * of GUIDE cannot silently change a default.
 */
const minimalDatabase = { organizationSlug: "promptandpause", region: "eu-west-2" };

describe("config defaults are the guide's numbers", () => {
  let cached: PlatformConfig | undefined;
  const config = (): PlatformConfig => {
    cached ??= parse(validRaw());
    return cached;
  };

  it.each([
    ["database.postgresMajorVersion", (c: PlatformConfig) => c.database.postgresMajorVersion, GUIDE.database.postgresMajorVersion, 15],
    ["scale.database.poolSize (current)", (c: PlatformConfig) => c.scale.database.poolSize, GUIDE.database.poolSize, 20],
    ["scale.database.maxConnections (current)", (c: PlatformConfig) => c.scale.database.maxConnections, GUIDE.database.maxConnections, 100],
    ["database.auth.jwtExpirySeconds", (c: PlatformConfig) => c.database.auth.jwtExpirySeconds, GUIDE.database.jwtExpirySeconds, 3600],
    ["database.auth.refreshTokenExpirySeconds", (c: PlatformConfig) => c.database.auth.refreshTokenExpirySeconds, GUIDE.database.refreshTokenExpirySeconds, 604_800],
    ["database.storage.fileSizeLimitMb", (c: PlatformConfig) => c.database.storage.fileSizeLimitMb, GUIDE.database.fileSizeLimitMb, 50],
    ["app.functionMaxDurationSeconds", (c: PlatformConfig) => c.app.functionMaxDurationSeconds, GUIDE.app.functionMaxDurationSeconds, 30],
  ])("%s defaults to the guide", (_key, read, fromGuide, literal) => {
    const actual = read(config());
    expect(actual).toBe(fromGuide);
    expect(actual).toBe(literal);
  });

  it.each([
    ["database.postgresMajorVersion", () => databaseConfigSchema.parse(minimalDatabase).postgresMajorVersion, 15],
    ["database.auth.jwtExpirySeconds", () => databaseConfigSchema.parse(minimalDatabase).auth.jwtExpirySeconds, 3600],
    ["database.auth.refreshTokenExpirySeconds", () => databaseConfigSchema.parse(minimalDatabase).auth.refreshTokenExpirySeconds, 604_800],
    ["database.storage.fileSizeLimitMb", () => databaseConfigSchema.parse(minimalDatabase).storage.fileSizeLimitMb, 50],
    ["scale current poolSize", () => resolveScale("current").database.poolSize, 20],
    ["scale current maxConnections", () => resolveScale("current").database.maxConnections, 100],
    ["app.functionMaxDurationSeconds", () => appConfigSchema.shape.functionMaxDurationSeconds.parse(undefined), 30],
  ])("layer schema alone: %s defaults to the guide number", (_key, read, literal) => {
    expect(read()).toBe(literal);
  });

  it("keeps the guide's pool 20 / max_connections 100 at every scale preset", () => {
    for (const preset of ["current", "10x", "100x"]) {
      const c = parse(validRaw({ "promptandpause:scale": { preset } }));
      expect(c.scale.database, preset).toMatchObject({ poolSize: 20, maxConnections: 100 });
    }
  });

  it("defaults the safe choices when a stack does not set them", () => {
    const raw = validRaw();
    const db = { ...(raw.values["promptandpause:database"] as Record<string, unknown>) };
    delete db.auth;
    delete db.pointInTimeRecovery;
    raw.values["promptandpause:database"] = db;
    delete raw.values["promptandpause:protectStatefulResources"];
    delete raw.values["promptandpause:scale"];
    const c = parse(raw);
    expect(c.database.auth.allowLocalhostRedirect).toBe(false);
    expect(c.database.sslEnforcement).toBe(true);
    expect(c.protectStatefulResources).toBe(false);
    expect(c.scalePreset).toBe("current");
    expect(c.database.auth.extraRedirectUrls).toEqual([]);
  });

  it("hands secrets to the platform as secret Outputs only", async () => {
    const secrets = config().secrets.required;
    expect(Object.keys(secrets).sort()).toEqual(["cloudflareApiToken", "resendApiKey", "stripeSecretKey", "supabaseAccessToken", "vercelApiToken"]);
    for (const [name, output] of Object.entries(secrets)) {
      expect(await isSecretOutput(output), name).toBe(true);
    }
    // Without app.secureCompute the app's Redis is the stack secret.
    expect(await isSecretOutput(config().secrets.redisUrl as never)).toBe(true);
    expect(Object.keys(config().secrets.aiApiKeys).sort()).toEqual(["anthropic", "openai"]);
    expect(await isSecretOutput(config().secrets.aiApiKeys.openai as never)).toBe(true);
    // The value passes through unchanged (here: the offline placeholder).
    expect(await unwrap(secrets.stripeSecretKey)).toBe(validRaw().values["promptandpause:stripeSecretKey"]);
  });

  it("carries the project name and the preset name", () => {
    expect(config().project).toBe("promptandpause");
    expect(config().scalePreset).toBe("current");
    expect(config().environment).toBe("staging");
  });
});

describe("the guide's literal numbers in GUIDE", () => {
  it.each([
    ["auth", 10, 20],
    ["api", 100, 200],
    ["ai", 30, 50],
  ] as const)("rate limit %s: %i rpm, burst %i", (cls, rpm, burst) => {
    expect(GUIDE.rateLimits[cls]).toEqual({ requestsPerMinute: rpm, burst });
  });

  it("cache TTLs are 300 / 60 / 86400 / 31536000 seconds", () => {
    expect(GUIDE.cacheRules.map((r) => [r.pattern, r.ttlSeconds])).toEqual([
      ["/api/prompts/today", 300],
      ["/api/user/profile", 60],
      ["/static/*", 86_400],
      ["/*.js", 31_536_000],
    ]);
  });

  it("database scaling is 2 read replicas, pool 20, max 100, failover 30 s", () => {
    expect(GUIDE.databaseScaling).toEqual({ readReplicas: 2, connectionPoolSize: 20, maxConnections: 100, failoverTimeoutSeconds: 30 });
  });

  it("recovery targets are RTO 4 h, RPO 15 min", () => {
    expect(GUIDE.recovery).toEqual({ rtoHours: 4, rpoMinutes: 15, incrementalBackupMinutes: 15 });
  });
});

describe("edge.rateLimits defaults are the guide's rate limits", () => {
  /** The staging stack sets no rate limits, so the parsed classes are the defaults. */
  const limitsOf = (classes: Record<string, { requestsPerMinute: number; burst: number }>) =>
    Object.fromEntries(Object.entries(classes).map(([name, { requestsPerMinute, burst }]) => [name, { requestsPerMinute, burst }]));

  it("the parsed config's classes are exactly auth 10/20, api 100/200, ai 30/50 (= GUIDE.rateLimits)", () => {
    const raw = validRaw();
    expect(Object.keys(raw.values["promptandpause:edge"] as object)).not.toContain("rateLimits");
    const classes = limitsOf(parse(raw).edge.rateLimits.classes);
    expect(classes).toEqual(GUIDE.rateLimits);
    expect(classes).toEqual({
      auth: { requestsPerMinute: 10, burst: 20 },
      api: { requestsPerMinute: 100, burst: 200 },
      ai: { requestsPerMinute: 30, burst: 50 },
    });
  });
});

describe("decodeConfigValue: config text as the language host passes it", () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ["[1,2]", [1, 2]],
    ["true", true],
    ["false", false],
    ["42", 42],
    ["-1.5", -1.5],
    ["staging", "staging"],
    ["{not json", "{not json"],
    ["2025-06-30", "2025-06-30"],
  ])("%s → %j", (text, expected) => {
    expect(decodeConfigValue(text)).toEqual(expected);
  });
});

describe("requiredSecretKeys", () => {
  it("lists the six required secrets plus one per listed AI provider", () => {
    expect(requiredSecretKeys({ "promptandpause:app": { aiProviders: ["google"] } })).toEqual([
      "cloudflare:apiToken",
      "vercel:apiToken",
      "promptandpause:supabaseAccessToken",
      "promptandpause:stripeSecretKey",
      "promptandpause:resendApiKey",
      "promptandpause:redisUrl",
      "promptandpause:googleApiKey",
    ]);
  });

  it("uses the schema default (openai) when no providers are listed", () => {
    expect(requiredSecretKeys({})).toContain("promptandpause:openaiApiKey");
    expect(requiredSecretKeys({})).not.toContain("promptandpause:anthropicApiKey");
  });
});
