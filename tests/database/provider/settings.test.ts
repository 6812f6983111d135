/**
 * SupabaseSettings' provider against the local OpenAPI-validating server: the bodies each area
 * sends, update touching only changed areas, diff, read, delete leaving Supabase as it is.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { supabaseProjectProvider } from "../../../components/database/supabase/project";
import { supabaseSettingsProvider } from "../../../components/database/supabase/settings";
import { useSupabaseApiServer } from "../../helpers/supabase-api-server";
import { SMTP_PASSWORD, TOKEN, leakedSecrets, projectInputs } from "./fixtures";

// biome-ignore lint/suspicious/noExplicitAny: provider methods take untyped property bags
type Bag = any;
const s = supabaseSettingsProvider as Required<typeof supabaseSettingsProvider>;
const server = useSupabaseApiServer({ token: TOKEN, comingUpPolls: 0 });
let ref: string;

function settingsInputs(overrides: Record<string, unknown> = {}): Bag {
  return {
    accessToken: TOKEN,
    projectRef: ref,
    projectName: "promptandpause-staging",
    requestTimeoutMs: 2_000,
    maxAttempts: 2,
    smtpPassword: SMTP_PASSWORD,
    auth: {
      siteUrl: "https://promptandpause.com",
      redirectUrls: ["https://promptandpause.com/auth/callback", "http://localhost:3000/auth/callback"],
      rateLimits: { emailsPerHour: 30, tokenRefreshesPer5MinutesPerIp: 150 },
      smtp: { senderEmail: "no-reply@promptandpause.com" },
    },
    postgres: {},
    pooler: {},
    storage: {},
    sslEnforcement: true,
    networkRestrictions: { ipv4Cidrs: ["203.0.113.0/24"], ipv6Cidrs: ["2001:db8::/32"] },
    pitr: { enabled: true },
    backups: { dailyScheduleUtc: "03:00:00" },
    ...overrides,
  };
}

beforeAll(async () => {
  const created = await (supabaseProjectProvider as Required<typeof supabaseProjectProvider>).create(projectInputs());
  ref = created.id;
});

describe("SupabaseSettings provider", () => {
  let outs: Bag;

  it("create applies every area with the guide's values, as the spec defines each endpoint", async () => {
    const before = server.requests.length;
    const created = await s.create(settingsInputs());
    outs = created.outs;
    expect(created.id).toBe(`${ref}-settings`);
    const writes = server.requests.slice(before).filter((r) => r.method !== "GET");
    const byOp = Object.fromEntries(writes.map((r) => [r.operation, r.body]));
    expect(writes.map((r) => r.operation)).toEqual([
      "PUT /v1/projects/{ref}/config/database/postgres",
      "PATCH /v1/projects/{ref}/config/database/pooler",
      "PATCH /v1/projects/{ref}/config/auth",
      "PATCH /v1/projects/{ref}/config/storage",
      "PUT /v1/projects/{ref}/ssl-enforcement",
      "POST /v1/projects/{ref}/network-restrictions/apply",
      "PATCH /v1/projects/{ref}/billing/addons",
      "PATCH /v1/projects/{ref}/database/backups/schedule",
    ]);
    // merged with the existing override (shared_buffers) because PUT replaces the custom config
    expect(byOp["PUT /v1/projects/{ref}/config/database/postgres"]).toEqual({ shared_buffers: "128MB", max_connections: 100 });
    expect(byOp["PATCH /v1/projects/{ref}/config/database/pooler"]).toEqual({ default_pool_size: 20, pool_mode: "transaction" });
    expect(byOp["PATCH /v1/projects/{ref}/config/auth"]).toEqual({
      site_url: "https://promptandpause.com",
      uri_allow_list: "https://promptandpause.com/auth/callback,http://localhost:3000/auth/callback",
      jwt_exp: 3600,
      refresh_token_rotation_enabled: true,
      security_refresh_token_reuse_interval: 10,
      sessions_timebox: 168,
      rate_limit_email_sent: 30,
      rate_limit_token_refresh: 150,
      smtp_host: "smtp.resend.com",
      smtp_port: "587",
      smtp_user: "resend",
      smtp_admin_email: "no-reply@promptandpause.com",
      smtp_sender_name: "Prompt & Pause",
      smtp_pass: SMTP_PASSWORD,
    });
    expect(byOp["PATCH /v1/projects/{ref}/config/storage"]).toEqual({ fileSizeLimit: 52428800 });
    expect(byOp["PUT /v1/projects/{ref}/ssl-enforcement"]).toEqual({ requestedConfig: { database: true } });
    expect(byOp["POST /v1/projects/{ref}/network-restrictions/apply"]).toEqual({ dbAllowedCidrs: ["203.0.113.0/24"], dbAllowedCidrsV6: ["2001:db8::/32"] });
    expect(byOp["PATCH /v1/projects/{ref}/billing/addons"]).toEqual({ addon_type: "pitr", addon_variant: "pitr_7" });
    expect(byOp["PATCH /v1/projects/{ref}/database/backups/schedule"]).toEqual({ schedule_for: "03:00:00" });
  });

  it("the state keeps the applied bodies but never the SMTP password inside them", () => {
    expect(outs.areas.auth.jwt_exp).toBe(3600);
    expect(JSON.stringify(outs.areas)).not.toContain(SMTP_PASSWORD);
  });

  it("diff: nothing changed -> no changes", async () => {
    expect(await s.diff(`${ref}-settings`, outs, settingsInputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it.each([
    ["projectRef", { projectRef: "abcdefghijklmnopqrst" }, ["projectRef"]],
    ["auth.jwtExpirySeconds", { auth: { ...settingsInputs().auth, jwtExpirySeconds: 1800 } }, []],
    ["smtpPassword", { smtpPassword: "re_rotated_key_1234" }, []],
    ["pooler.defaultPoolSize", { pooler: { defaultPoolSize: 25 } }, []],
    ["accessToken", { accessToken: "sbp_rotated_0000" }, []],
    ["pitr removed from inputs", { pitr: undefined }, []],
  ])("diff: %s -> changes, replaces %j", async (_what, overrides, replaces) => {
    const d = await s.diff(`${ref}-settings`, outs, settingsInputs(overrides));
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual(replaces);
  });

  it("update applies only the areas that changed", async () => {
    const before = server.requests.length;
    const { outs: updated } = await s.update(`${ref}-settings`, outs, settingsInputs({ pooler: { defaultPoolSize: 25 }, storage: { fileSizeLimitBytes: 10485760 } }));
    const writes = server.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => [r.operation, r.body])).toEqual([
      ["PATCH /v1/projects/{ref}/config/database/pooler", { default_pool_size: 25, pool_mode: "transaction" }],
      ["PATCH /v1/projects/{ref}/config/storage", { fileSizeLimit: 10485760 }],
    ]);
    outs = updated;
  });

  it("a new SMTP password alone re-sends the auth config (the API cannot tell us the old one)", async () => {
    const before = server.requests.length;
    const { outs: updated } = await s.update(`${ref}-settings`, outs, settingsInputs({ pooler: { defaultPoolSize: 25 }, storage: { fileSizeLimitBytes: 10485760 }, smtpPassword: "re_rotated_key_1234" }));
    const writes = server.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.operation)).toEqual(["PATCH /v1/projects/{ref}/config/auth"]);
    expect((writes[0]?.body as Bag)?.smtp_pass).toBe("re_rotated_key_1234");
    outs = updated;
  });

  it("pitr enabled:false removes the add-on", async () => {
    const before = server.requests.length;
    await s.update(`${ref}-settings`, outs, { ...outs, pitr: { enabled: false }, areas: undefined });
    const writes = server.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.operation)).toContain("DELETE /v1/projects/{ref}/billing/addons/{addon_variant}");
    expect(server.projects.get(ref)?.addons.some((a) => a.type === "pitr")).toBe(false);
  });

  it("read returns the live values of the managed areas (drift shows up)", async () => {
    const proj = server.projects.get(ref);
    if (!proj) throw new Error("project missing");
    proj.pooler.default_pool_size = 99; // changed in the dashboard
    const r = await s.read(`${ref}-settings`, outs);
    expect(r.props?.areas.pooler).toEqual({ default_pool_size: 99, pool_mode: "transaction" });
    expect(r.props?.areas.ssl).toEqual({ requestedConfig: { database: true } });
    expect(r.props?.areas.network).toEqual({ dbAllowedCidrs: ["203.0.113.0/24"], dbAllowedCidrsV6: ["2001:db8::/32"] });
  });

  it("delete changes nothing in Supabase (settings cannot be deleted; resetting would loosen security)", async () => {
    const before = server.requests.length;
    await s.delete(`${ref}-settings`, outs);
    expect(server.requests.length).toBe(before);
    expect(server.projects.get(ref)?.ssl).toBe(true);
  });

  it("check lists every problem at once", async () => {
    const r = await s.check(
      {},
      settingsInputs({
        smtpPassword: undefined,
        pooler: { defaultPoolSize: 0 },
        pitr: { enabled: true, retentionDays: 30 },
        backups: { dailyScheduleUtc: "3am" },
        networkRestrictions: { ipv4Cidrs: ["10.0.0.0"] },
        auth: { siteUrl: "promptandpause.com", smtp: { senderEmail: "a@b.c" }, jwtExpirySeconds: 10 ** 7 },
      }),
    );
    expect(r.failures?.map((f) => f.property)).toEqual([
      "auth.siteUrl",
      "auth.jwtExpirySeconds",
      "smtpPassword",
      "pooler.defaultPoolSize",
      "pitr.retentionDays",
      "backups.dailyScheduleUtc",
      "networkRestrictions.ipv4Cidrs[0]",
    ]);
    expect((await s.check({}, settingsInputs())).failures).toEqual([]);
  });

  it("an API error on a settings call names the call and project and hides the SMTP password", async () => {
    server.inject({ operation: "PATCH /v1/projects/{ref}/config/auth", status: 400, body: { message: `smtp_pass ${SMTP_PASSWORD} is invalid` } });
    let message = "";
    try {
      await s.create(settingsInputs());
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`Supabase API PATCH /v1/projects/{ref}/config/auth for project "promptandpause-staging" (ref ${ref}) failed with HTTP 400: smtp_pass [secret] is invalid.`);
    expect(leakedSecrets([message])).toEqual([]);
  });
});
