import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { Database, type DatabaseArgs } from "../../components/database/database";
import { normalizeSettings, type SettingsInputs } from "../../components/database/supabase/settings-ops";
import type { RecordedRun } from "../../scripts/lib/record-program";
import { composeDatabase } from "../../stacks/compose/database";
import { isSecretOutput, one, ofType, type PlannedResource, platformConfigFor, rawStackConfig, recordProgram, unwrap } from "../helpers/pulumi";

/**
 * The Database component (components/database/database.ts) as the stacks build it: composed from
 * the real Pulumi.staging.yaml / Pulumi.prod.yaml through `composeDatabase`, recorded under the
 * mocks. What each stack's Supabase project, settings and replicas receive, what stays secret,
 * and what the app layer gets back.
 */

const T = {
  component: "promptandpause:database:Database",
  password: "random:index/randomPassword:RandomPassword",
  project: "pulumi-nodejs:dynamic/supabase:Project",
  settings: "pulumi-nodejs:dynamic/supabase:Settings",
  replicas: "pulumi-nodejs:dynamic/supabase:ReadReplicas",
} as const;

type Stack = "staging" | "prod";

interface DatabaseRun {
  run: RecordedRun<unknown>;
  secret: { publishableKey: boolean; secretKey: boolean; poolerConnectionString: boolean };
  apiUrl: string;
  projectRef: string;
}

/** `promptandpause:database` of a stack file with some keys replaced (the rest kept). */
function databaseConfig(stack: Stack, changes: Record<string, unknown>): Record<string, unknown> {
  const current = rawStackConfig(stack).values["promptandpause:database"] as Record<string, unknown>;
  return { ...current, ...changes };
}

/** Records the database layer of a real stack file, as `stacks/platform.ts` composes it. */
async function recordDatabase(stack: Stack, overrides: Record<string, unknown> = {}): Promise<DatabaseRun> {
  const config = platformConfigFor(stack, overrides);
  let secret: DatabaseRun["secret"] | undefined;
  let apiUrl = "";
  let projectRef = "";
  const run = await recordProgram(async () => {
    const randomProvider = new random.Provider("random");
    const { outputs } = composeDatabase({ config, providers: { random: randomProvider } });
    secret = {
      publishableKey: await isSecretOutput(outputs.publishableKey),
      secretKey: await isSecretOutput(outputs.secretKey),
      poolerConnectionString: await isSecretOutput(outputs.poolerConnectionString),
    };
    apiUrl = await unwrap(outputs.apiUrl);
    projectRef = await unwrap(outputs.projectRef);
  });
  if (!secret) throw new Error("the program did not run");
  return { run, secret, apiUrl, projectRef };
}

const supabaseResources = (resources: readonly PlannedResource[]) => resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/supabase:"));

/** The request bodies the settings provider sends to the Management API for these recorded inputs. */
const settingsBodies = (settings: PlannedResource) => normalizeSettings(settings.inputs as unknown as SettingsInputs);

const STACKS = {
  staging: { domain: "promptandpause-staging.com", protect: false, pitr: false },
  prod: { domain: "promptandpause.com", protect: true, pitr: true },
} as const;

const runs = {} as Record<Stack, DatabaseRun>;
beforeAll(async () => {
  runs.staging = await recordDatabase("staging");
  runs.prod = await recordDatabase("prod");
});

describe.each(["staging", "prod"] as const)("the %s stack's Database component", (stack) => {
  const expected = STACKS[stack];
  const resources = () => runs[stack].run.resources;

  it("registers its password, project and settings as children named database-*, and no read replicas at preset current", () => {
    const component = one(resources(), T.component);
    expect(component.name).toBe("database");
    const children = resources().filter((r) => r.parent === component.urn);
    expect(children.map((r) => [r.type, r.name]).sort()).toEqual(
      [
        [T.password, "database-db-password"],
        [T.project, "database-project"],
        [T.settings, "database-settings"],
      ].sort(),
    );
    // Nothing of the database layer sits outside the component.
    const strays = resources().filter((r) => r.name.startsWith("database-") && r.parent !== component.urn);
    expect(strays.map((r) => r.name)).toEqual([]);
    expect(ofType(resources(), T.replicas)).toEqual([]);
  });

  it("generates the database password (≥ 32 alphanumeric characters) and hands it to the project only as a secret", () => {
    const password = one(resources(), T.password, "-db-password");
    expect(password.inputs.length).toBeGreaterThanOrEqual(32);
    // Alphanumeric: the password goes into connection strings unescaped.
    expect(password.inputs.special).toBe(false);
    const project = one(resources(), T.project);
    expect(project.secretPaths).toContain("dbPassword");
    expect(project.maskedInputs.dbPassword).toBe("[secret]");
    // It is the generated password (wired from the RandomPassword), not a typed one.
    expect(project.propertyDependencies.dbPassword).toEqual([password.urn]);
    // (Length compared as numbers so a failure never prints the password.)
    expect(String(project.inputs.dbPassword).length).toBe(password.inputs.length);
  });

  it("passes the Supabase access token to every Supabase resource as a secret, and the Resend key to the settings as a secret", () => {
    const supabase = supabaseResources(resources());
    expect(supabase.length).toBeGreaterThanOrEqual(2);
    for (const resource of supabase) {
      expect({ name: resource.name, secret: resource.secretPaths.includes("accessToken"), shown: resource.maskedInputs.accessToken }).toEqual({
        name: resource.name,
        secret: true,
        shown: "[secret]",
      });
    }
    const settings = one(resources(), T.settings);
    expect(settings.secretPaths).toContain("smtpPassword");
    expect(settings.maskedInputs.smtpPassword).toBe("[secret]");
  });

  it("sets the guide's pool, connection, JWT, session and file-size numbers and enforces SSL", () => {
    const settings = one(resources(), T.settings).maskedInputs as Record<string, Record<string, unknown>>;
    expect(settings.postgres).toEqual({ maxConnections: 100 });
    expect(settings.pooler).toEqual({ defaultPoolSize: 20, poolMode: "transaction" });
    expect(settings.auth).toMatchObject({ jwtExpirySeconds: 3600, sessionTimeboxHours: 168, refreshTokenRotation: true });
    expect(settings.storage).toEqual({ fileSizeLimitBytes: 52_428_800 });
    expect(settings.sslEnforcement).toBe(true);
  });

  it("makes the Management API receive those numbers, with auth e-mail through Resend's SMTP on port 587", () => {
    const settings = one(resources(), T.settings);
    // The component sets only the sender; host, port and user are the provider's defaults.
    expect((settings.maskedInputs.auth as Record<string, unknown>).smtp).toEqual({ senderEmail: `no-reply@${expected.domain}` });
    const bodies = settingsBodies(settings);
    expect(bodies.postgres).toEqual({ max_connections: 100 });
    expect(bodies.pooler).toEqual({ default_pool_size: 20, pool_mode: "transaction" });
    expect(bodies.storage).toEqual({ fileSizeLimit: 52_428_800 });
    expect(bodies.ssl).toEqual({ requestedConfig: { database: true } });
    expect(bodies.auth).toMatchObject({
      site_url: `https://${expected.domain}`,
      jwt_exp: 3600,
      refresh_token_rotation_enabled: true,
      smtp_host: "smtp.resend.com",
      smtp_port: "587",
      smtp_user: "resend",
      smtp_admin_email: `no-reply@${expected.domain}`,
    });
    // The settings bodies (kept in the state in plain text) never carry the SMTP password.
    expect(Object.keys(bodies.auth ?? {}).filter((key) => /pass/i.test(key))).toEqual([]);
  });

  it("sends every auth duration in the unit the Management API takes: jwt_exp and the reuse interval in seconds, sessions_timebox in hours (168 h = the guide's 604800 s)", () => {
    // Supabase CLI pkg/config/auth.go: `SessionsTimebox = float32(s.Timebox.Hours())` on push and
    // `time.Duration(remote.SessionsTimebox) * time.Hour` on pull; jwt_exp and
    // security_refresh_token_reuse_interval are plain seconds (config.toml "in seconds").
    const bodies = settingsBodies(one(resources(), T.settings));
    expect(bodies.auth).toMatchObject({ jwt_exp: 3600, security_refresh_token_reuse_interval: 10, sessions_timebox: 168 });
  });

  it(`${expected.protect ? "protects" : "does not protect"} the Supabase project (protect + retainOnDelete)`, () => {
    const project = one(resources(), T.project);
    expect({ protect: project.protect, retainOnDelete: project.retainOnDelete }).toEqual({ protect: expected.protect, retainOnDelete: expected.protect });
  });

  it(`${expected.pitr ? "turns on" : "leaves off"} point-in-time recovery`, () => {
    const settings = one(resources(), T.settings);
    expect(settings.maskedInputs.pitr).toEqual({ enabled: expected.pitr });
    expect(settingsBodies(settings).pitr).toEqual({ addon_variant: expected.pitr ? "pitr_7" : null });
  });

  it(
    expected.pitr
      ? "does not send the daily backup schedule (with PITR on Supabase takes no daily backups) and says so in the plan's warnings"
      : "sends the daily backup schedule (02:00 UTC) without a backup warning",
    () => {
      const settings = one(resources(), T.settings);
      const backupWarnings = runs[stack].run.warnings.filter((w) => w.includes("daily backup"));
      if (expected.pitr) {
        expect(settings.maskedInputs.backups).toBeUndefined();
        expect(settingsBodies(settings).backups).toBeUndefined();
        expect(backupWarnings).toHaveLength(1);
        expect(backupWarnings[0]).toContain("point-in-time recovery is on");
        expect(backupWarnings[0]).toContain("backupTimeUtc");
        expect(backupWarnings[0]).toContain("https://supabase.com/docs/guides/platform/backups");
      } else {
        expect(settingsBodies(settings).backups).toEqual({ schedule_for: "02:00:00" });
        expect(backupWarnings).toEqual([]);
      }
    },
  );

  it("exports the secret key and the pooler connection string as secrets, the publishable key as public, and the API URL of the project", () => {
    const { secret, apiUrl, projectRef } = runs[stack];
    expect(secret).toEqual({ secretKey: true, poolerConnectionString: true, publishableKey: false });
    expect(projectRef).toMatch(/^[a-z]{20}$/);
    expect(apiUrl).toBe(`https://${projectRef}.supabase.co`);
  });
});

describe("auth redirect allow-list", () => {
  it("prod allows only https://promptandpause.com/auth/callback", () => {
    const auth = one(runs.prod.run.resources, T.settings).maskedInputs.auth as Record<string, unknown>;
    expect(auth.redirectUrls).toEqual(["https://promptandpause.com/auth/callback"]);
    expect(settingsBodies(one(runs.prod.run.resources, T.settings)).auth?.uri_allow_list).toBe("https://promptandpause.com/auth/callback");
  });

  it("staging allows its own callback and the guide's http://localhost:3000/auth/callback for local development", () => {
    const auth = one(runs.staging.run.resources, T.settings).maskedInputs.auth as Record<string, unknown>;
    expect(auth.redirectUrls).toEqual(["https://promptandpause-staging.com/auth/callback", "http://localhost:3000/auth/callback"]);
  });
});

describe("read replicas from the scale preset", () => {
  it.each([
    ["10x", 2, "large"],
    ["100x", 4, "4xlarge"],
  ] as const)("preset %s: one SupabaseReadReplicas child asking for %i replicas next to a %s primary", async (preset, count, computeSize) => {
    const { run } = await recordDatabase("prod", { "promptandpause:scale": { preset } });
    const component = one(run.resources, T.component);
    const project = one(run.resources, T.project);
    const replicas = one(run.resources, T.replicas);
    expect(replicas.name).toBe("database-read-replicas");
    expect(replicas.parent).toBe(component.urn);
    expect(replicas.maskedInputs).toMatchObject({ count, region: "eu-west-2", accessToken: "[secret]" });
    expect(replicas.secretPaths).toContain("accessToken");
    // Replicas follow the project they replicate.
    expect(replicas.propertyDependencies.projectRef).toEqual([project.urn]);
    expect(project.maskedInputs.instanceSize).toBe(computeSize);
  });

  it("preset current: a small primary and no SupabaseReadReplicas resource at all (a count of 0 would still call the API)", () => {
    expect(one(runs.prod.run.resources, T.project).maskedInputs.instanceSize).toBe("small");
    expect(ofType(runs.prod.run.resources, T.replicas)).toEqual([]);
  });

  it("an override of the replica count alone wins over the preset", async () => {
    const { run } = await recordDatabase("staging", { "promptandpause:scale": { preset: "10x", overrides: { database: { readReplicas: 1 } } } });
    expect(one(run.resources, T.replicas).maskedInputs.count).toBe(1);
    expect(one(run.resources, T.project).maskedInputs.instanceSize).toBe("large");
  });
});

describe("the PostgreSQL version check", () => {
  it("warns when the project runs 17 while the guide's 15 is desired", () => {
    const warnings = runs.staging.run.warnings.filter((w) => w.includes("PostgreSQL"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Supabase project "promptandpause-staging"');
    expect(warnings[0]).toContain("runs PostgreSQL 17");
    expect(warnings[0]).toContain("PostgreSQL 15 is desired");
    expect(one(runs.staging.run.resources, T.project).maskedInputs.desiredPostgresMajor).toBe(15);
  });

  it("is silent once the stack acknowledges 17 with postgresMajorVersion: 17", async () => {
    const { run } = await recordDatabase("staging", { "promptandpause:database": databaseConfig("staging", { postgresMajorVersion: 17 }) });
    expect(one(run.resources, T.project).maskedInputs.desiredPostgresMajor).toBe(17);
    expect(run.warnings.filter((w) => w.includes("PostgreSQL"))).toEqual([]);
  });
});

describe("Database built directly", () => {
  // Recognisable fakes, deliberately passed as plain strings: the component must make them secret.
  const FAKE_TOKEN = "sbp_fake_access_token_0000000000000000";
  const FAKE_RESEND = "re_fake_resend_key_00000000";

  function args(): DatabaseArgs {
    return {
      accessToken: FAKE_TOKEN,
      organizationSlug: "acme",
      projectName: "acme-test",
      region: "eu-west-1",
      desiredPostgresMajor: 15,
      computeSize: "small",
      readReplicas: 2,
      maxConnections: 100,
      poolSize: 20,
      poolMode: "transaction",
      auth: {
        siteUrl: "https://acme.example",
        redirectUrls: ["https://acme.example/auth/callback"],
        jwtExpirySeconds: 3600,
        refreshTokenExpirySeconds: 604_800,
        refreshTokenReuseIntervalSeconds: 10,
        emailsPerHour: 30,
        tokenRefreshesPer5Minutes: 150,
        senderEmail: "no-reply@acme.example",
        smtpPassword: FAKE_RESEND,
      },
      fileSizeLimitMb: 50,
      sslEnforcement: true,
      allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"],
      pointInTimeRecovery: true,
      backupTimeUtc: "02:00:00",
      protect: true,
    };
  }

  let run: RecordedRun<unknown>;
  beforeAll(async () => {
    run = await recordProgram(() => {
      new Database("primary", args(), { providers: [new random.Provider("random")] });
    });
  });

  it("names every child after the component's own name, with the component as parent", () => {
    const component = one(run.resources, T.component, "primary");
    const children = run.resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => r.name).sort()).toEqual(["primary-db-password", "primary-project", "primary-read-replicas", "primary-settings"]);
    expect(run.resources.filter((r) => r.name.startsWith("database-"))).toEqual([]);
  });

  it("never shows a plain-string access token or SMTP password in any resource's inputs", () => {
    const shown = JSON.stringify(run.resources.map((r) => r.maskedInputs));
    expect(shown.includes(FAKE_TOKEN)).toBe(false);
    expect(shown.includes(FAKE_RESEND)).toBe(false);
    for (const resource of supabaseResources(run.resources)) expect([resource.name, resource.secretPaths.includes("accessToken")]).toEqual([resource.name, true]);
  });

  it("splits the allowed CIDRs into the IPv4 and IPv6 lists Supabase takes, and converts the file limit from MB to bytes", () => {
    const settings = one(run.resources, T.settings);
    expect(settings.maskedInputs.networkRestrictions).toEqual({ ipv4Cidrs: ["203.0.113.0/24"], ipv6Cidrs: ["2001:db8::/32"] });
    expect(settings.maskedInputs.storage).toEqual({ fileSizeLimitBytes: 50 * 1024 * 1024 });
  });

  it("protects the project (protect + retainOnDelete) when asked, and turns on point-in-time recovery when asked", () => {
    const project = one(run.resources, T.project);
    expect({ protect: project.protect, retainOnDelete: project.retainOnDelete }).toEqual({ protect: true, retainOnDelete: true });
    expect(one(run.resources, T.settings).maskedInputs.pitr).toEqual({ enabled: true });
  });
});
