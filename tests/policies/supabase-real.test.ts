/**
 * The Supabase policies read the REAL dynamic resources: the `Database` component is run under the
 * offline plan's recorder (same mocks, same registration capture as `npm run plan`), and the
 * policies are evaluated on what it registered — type tokens `pulumi-nodejs:dynamic/supabase:*`,
 * its input names, `protect`. A compliant component passes; guide-violating arguments produce the
 * exact violations; and at compile time the component's args types fit the pack's shapes.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, expectTypeOf, it } from "vitest";
import { Database, type DatabaseArgs } from "../../components/database/database";
import type { SupabaseProjectArgs, SupabaseSettingsArgs } from "../../components/database/supabase";
import { TYPES } from "../../policies/guide";
import type { SupabaseProjectInputs, SupabaseSettingsInputs } from "../../policies/lib/shapes";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { evaluatePolicyPack } from "../../scripts/lib/policy-evaluator";
import { recordProgram } from "../helpers/pulumi";
import { compliantStack, SUPABASE_PROJECT_TYPE, SUPABASE_SETTINGS_TYPE } from "./fixtures";
import { violation } from "./helpers";

// Compile-time checks: the component's args types fit the pack's shapes. Enforced by
// `npm run typecheck` (tsc over tests/**; CI runs it before the tests), not by vitest: at run
// time expectTypeOf does nothing. A renamed or retyped arg makes tsc fail on these lines.
expectTypeOf<pulumi.Unwrap<SupabaseSettingsArgs>>().toExtend<SupabaseSettingsInputs>();
expectTypeOf<pulumi.Unwrap<SupabaseProjectArgs>>().toExtend<SupabaseProjectInputs>();

/** Arguments as stacks/compose/database.ts builds them for prod from the guide's defaults. */
function prodArgs(overrides: Partial<DatabaseArgs> = {}): DatabaseArgs {
  return {
    accessToken: "placeholder",
    organizationSlug: "promptandpause",
    projectName: "promptandpause-prod",
    region: "eu-west-2",
    desiredPostgresMajor: 15,
    computeSize: "small",
    readReplicas: 0,
    maxConnections: 100,
    poolSize: 20,
    poolMode: "transaction",
    auth: {
      siteUrl: "https://promptandpause.com",
      redirectUrls: ["https://promptandpause.com/auth/callback"],
      jwtExpirySeconds: 3600,
      refreshTokenExpirySeconds: 604800,
      refreshTokenReuseIntervalSeconds: 10,
      emailsPerHour: 30,
      tokenRefreshesPer5Minutes: 150,
      senderEmail: "no-reply@promptandpause.com",
      smtpPassword: "placeholder",
    },
    fileSizeLimitMb: 50,
    sslEnforcement: true,
    allowedCidrs: ["0.0.0.0/0", "::/0"],
    pointInTimeRecovery: true,
    backupTimeUtc: "02:00:00",
    protect: true,
    ...overrides,
  };
}

/** The Supabase resources the component registers, in place of the fixture's in a compliant stack. */
async function stackWith(args: DatabaseArgs): Promise<{ stack: PlannedResource[]; project: PlannedResource; settings: PlannedResource }> {
  const run = await recordProgram(() => {
    new Database("database", args);
  });
  const project = run.resources.find((r) => r.type === SUPABASE_PROJECT_TYPE);
  const settings = run.resources.find((r) => r.type === SUPABASE_SETTINGS_TYPE);
  if (!project || !settings) throw new Error(`Database registered no Supabase project/settings: ${run.resources.map((r) => r.type).join(", ")}`);
  const stack = [...compliantStack().filter((r) => r.type !== SUPABASE_PROJECT_TYPE && r.type !== SUPABASE_SETTINGS_TYPE), project, settings];
  return { stack, project, settings };
}

const SUPABASE_POLICIES = ["supabase-auth", "supabase-database", "supabase-hardening", "stateful-resources-protected"];

async function supabaseViolations(stack: PlannedResource[], env: "prod" | "staging" = "prod") {
  const report = await evaluatePolicyPack(stack, { project: "promptandpause", stack: env });
  return report.violations.filter((v) => SUPABASE_POLICIES.includes(v.policy));
}

describe("the real Database component against the Supabase policies", () => {
  it("registers the type tokens the pack matches on", async () => {
    const { project, settings } = await stackWith(prodArgs());
    expect([project.type, settings.type]).toEqual([TYPES.supabaseProject, TYPES.supabaseSettings]);
    expect(project.protect).toBe(true);
    expect(settings.inputs).not.toHaveProperty("resourceKind");
  });

  it("with the guide's values it passes every Supabase policy in prod", async () => {
    const { stack } = await stackWith(prodArgs());
    expect(await supabaseViolations(stack)).toEqual([]);
  });

  it("guide-violating arguments produce the exact violations, on the real resources", async () => {
    const { stack, project, settings } = await stackWith(
      prodArgs({
        poolSize: 40,
        maxConnections: 200,
        poolMode: "session",
        fileSizeLimitMb: 100,
        sslEnforcement: false,
        pointInTimeRecovery: false,
        protect: false,
        auth: { ...prodArgs().auth, jwtExpirySeconds: 7200, refreshTokenExpirySeconds: 0, redirectUrls: ["http://localhost:3000/auth/callback"] },
      }),
    );
    const name = `Supabase settings "${settings.name}"`;
    // In registration order: the project, then the settings.
    expect(await supabaseViolations(stack)).toEqual([
      violation(
        "stateful-resources-protected",
        `Supabase project "${project.name}" is not protected. Register it with protect: true (the stack's protection setting) so \`pulumi destroy\` or a replacement cannot delete it.`,
        project.urn,
      ),
      violation("supabase-auth", `${name} sets auth.jwtExpirySeconds to 7200; the guide allows at most 3600.`, settings.urn),
      violation("supabase-auth", `${name} sets auth.sessionTimeboxHours to 0, which means sessions never expire; set it above 0 and at most 168 h (604800 s) (the guide's refresh_token_expiry).`, settings.urn),
      violation("supabase-auth", `${name}: redirect URL "http://localhost:3000/auth/callback" points at the local machine; it is only allowed where allowHttpLocalhost is true (staging).`, settings.urn),
      violation("supabase-database", `${name} must set sslEnforcement to true so the database rejects unencrypted connections (got false).`, settings.urn),
      violation("supabase-database", `${name} sets pooler.defaultPoolSize to 40; the guide allows at most 20.`, settings.urn),
      violation("supabase-database", `${name} sets postgres.maxConnections to 200; the guide allows at most 100.`, settings.urn),
      violation("supabase-database", `${name} sets storage.fileSizeLimitBytes to 104857600 (100 MB); the guide allows at most 52428800 (50 MB).`, settings.urn),
      violation(
        "supabase-database",
        `${name} sets pitr.enabled to false; set pitr.enabled to true. The guide's recovery point objective is 15 minutes and only point-in-time recovery meets it (daily backups can lose a day of data).`,
        settings.urn,
      ),
      violation("supabase-hardening", `${name} sets pooler.poolMode to "session"; set it to "transaction".`, settings.urn, "advisory"),
    ]);
  });

  it("staging's config accepts an unprotected project without PITR", async () => {
    const { stack } = await stackWith(prodArgs({ pointInTimeRecovery: false, protect: false }));
    expect(await supabaseViolations(stack, "staging")).toEqual([]);
  });

  it("never puts a secret input into a message", async () => {
    const secret = ["sb", "secret", "abcdefghij0123456789"].join("_");
    const { stack } = await stackWith(prodArgs({ accessToken: secret, sslEnforcement: false, auth: { ...prodArgs().auth, smtpPassword: secret } }));
    const found = await supabaseViolations(stack);
    expect(found).toHaveLength(1);
    expect(JSON.stringify(found)).not.toContain(secret);
  });
});
