/** App, database and protection policies: compliant passes, one changed field → the exact violation. */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { compliantStack, envVar, fakeStripeSecret, replace, SUPABASE_PROJECT_TYPE, SUPABASE_SETTINGS_TYPE, supabaseAuth, supabaseProject, supabaseSettings, urnOf, vercelProject, zone } from "./fixtures";
import { cannotRun, violation, violationsOf } from "./helpers";

const PROJECT_URN = urnOf("vercel:index/project:Project", "app-project");
const ENV = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
const SETTINGS_URN = urnOf(SUPABASE_SETTINGS_TYPE, "database-settings");

describe("vercel-function-timeout", () => {
  it.each<[string, number | null, ReturnType<typeof violation>[]]>([
    ["30 s passes", 30, []],
    ["10 s passes", 10, []],
    ["60 s is too long", 60, [violation("vercel-function-timeout", `Vercel project "app-project" sets resourceConfig.functionDefaultTimeout to 60 s; the guide allows at most 30 s.`, PROJECT_URN)]],
    ["unset takes the plan default", null, [violation("vercel-function-timeout", `Vercel project "app-project" does not set resourceConfig.functionDefaultTimeout; set it to at most 30 seconds.`, PROJECT_URN)]],
  ])("%s", async (_t, timeout, expected) => {
    expect(await violationsOf("vercel-function-timeout", replace(compliantStack(), vercelProject(timeout)))).toEqual(expected);
  });
});

describe("vercel-env-secrets", () => {
  const header = (h: string, p: string, v: string) => [h, p, v].join(".");
  const serviceRoleJwt = header(
    Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url"),
    Buffer.from(JSON.stringify({ role: "service_role", iss: "supabase" })).toString("base64url"),
    "c2lnbmF0dXJl",
  );
  const anonJwt = header(
    Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url"),
    Buffer.from(JSON.stringify({ role: "anon", iss: "supabase" })).toString("base64url"),
    "c2lnbmF0dXJl",
  );
  it.each<[string, () => PlannedResource, (urn: string) => ReturnType<typeof violation>[]]>([
    ["public anon key passes", () => envVar("app-env-x", "NEXT_PUBLIC_SUPABASE_ANON_KEY", anonJwt, false), () => []],
    [
      "public variable holding a Stripe secret",
      () => envVar("app-env-x", "NEXT_PUBLIC_STRIPE_KEY", fakeStripeSecret(), false),
      (urn) => [violation("vercel-env-secrets", "NEXT_PUBLIC_STRIPE_KEY holds a value that looks like a Stripe secret or restricted key, but NEXT_PUBLIC_ variables are inlined into the browser bundle. Move it to a variable without the NEXT_PUBLIC_ prefix, mark it sensitive, and rotate the secret.", urn)],
    ],
    [
      "public variable holding the service-role JWT",
      () => envVar("app-env-x", "NEXT_PUBLIC_SUPABASE_KEY", serviceRoleJwt, false),
      (urn) => [violation("vercel-env-secrets", "NEXT_PUBLIC_SUPABASE_KEY holds a value that looks like a Supabase service-role JWT, but NEXT_PUBLIC_ variables are inlined into the browser bundle. Move it to a variable without the NEXT_PUBLIC_ prefix, mark it sensitive, and rotate the secret.", urn)],
    ],
    [
      "public variable named like a secret",
      () => envVar("app-env-x", "NEXT_PUBLIC_SERVICE_ROLE_KEY", "placeholder", false),
      (urn) => [violation("vercel-env-secrets", "NEXT_PUBLIC_SERVICE_ROLE_KEY is named like a secret (matches /SERVICE_ROLE/i) but the NEXT_PUBLIC_ prefix exposes it to the browser. Rename it without the prefix and mark it sensitive.", urn)],
    ],
    [
      "secret-named variable not sensitive",
      () => envVar("app-env-x", "RESEND_API_KEY", "placeholder", false),
      (urn) => [violation("vercel-env-secrets", "RESEND_API_KEY is named like a secret (matches /API_KEY/i) but sensitive is false. Set sensitive: true on the ProjectEnvironmentVariable.", urn)],
    ],
    [
      "secret value under a harmless name, not sensitive",
      () => envVar("app-env-x", "PAYMENTS", fakeStripeSecret(), false),
      (urn) => [violation("vercel-env-secrets", "PAYMENTS holds a value that looks like a Stripe secret or restricted key but sensitive is false. Set sensitive: true on the ProjectEnvironmentVariable.", urn)],
    ],
    ["secret-named variable marked sensitive passes", () => envVar("app-env-x", "STRIPE_WEBHOOK_SECRET", "placeholder", true), () => []],
  ])("%s", async (_t, make, expected) => {
    const r = make();
    const found = await violationsOf("vercel-env-secrets", [...compliantStack(), r]);
    expect(found).toEqual(expected(urnOf(ENV, r.name)));
  });

  it("never puts the secret value into a message", async () => {
    const found = await violationsOf("vercel-env-secrets", [...compliantStack(), envVar("app-env-x", "NEXT_PUBLIC_STRIPE_KEY", fakeStripeSecret(), false)]);
    expect(found).toHaveLength(1);
    expect(JSON.stringify(found)).not.toContain(fakeStripeSecret());
  });
});

describe("supabase-auth", () => {
  it("the compliant settings pass", async () => {
    expect(await violationsOf("supabase-auth", compliantStack())).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["JWT expiry 7200", { jwtExpirySeconds: 7200 }, [`Supabase settings "database-settings" sets auth.jwtExpirySeconds to 7200; the guide allows at most 3600.`]],
    [
      "session lifetime 30 days",
      { sessionTimeboxHours: 720 },
      [`Supabase settings "database-settings" sets auth.sessionTimeboxHours to 720 (2592000 s); the guide's refresh_token_expiry allows at most 168 h (604800 s).`],
    ],
    [
      "session lifetime 604800 sent as hours (69 years: the unit mistake)",
      { sessionTimeboxHours: 604800 },
      [`Supabase settings "database-settings" sets auth.sessionTimeboxHours to 604800 (2177280000 s); the guide's refresh_token_expiry allows at most 168 h (604800 s).`],
    ],
    [
      "session lifetime 0 (unlimited)",
      { sessionTimeboxHours: 0 },
      [`Supabase settings "database-settings" sets auth.sessionTimeboxHours to 0, which means sessions never expire; set it above 0 and at most 168 h (604800 s) (the guide's refresh_token_expiry).`],
    ],
    [
      "session lifetime unset",
      { _drop: "sessionTimeboxHours" },
      [`Supabase settings "database-settings" does not set auth.sessionTimeboxHours (the guide's refresh_token_expiry); set it to at most 168 h (604800 s).`],
    ],
    ["JWT expiry unset", { _drop: "jwtExpirySeconds" }, [`Supabase settings "database-settings" does not set auth.jwtExpirySeconds; set it to at most 3600.`]],
    ["http site URL", { siteUrl: "http://promptandpause.com" }, [`Supabase settings "database-settings" must set auth.siteUrl to an https:// URL (got "http://promptandpause.com").`]],
    ["redirect to another domain", { redirectUrls: ["https://evil.example/auth/callback"] }, [`Supabase settings "database-settings": redirect URL "https://evil.example/auth/callback" leaves the site's domain (allowed hosts: promptandpause.com).`]],
    ["http redirect on the site", { redirectUrls: ["http://promptandpause.com/auth/callback"] }, [`Supabase settings "database-settings": redirect URL "http://promptandpause.com/auth/callback" must use https.`]],
    ["localhost redirect in prod", { redirectUrls: ["http://localhost:3000/auth/callback"] }, [`Supabase settings "database-settings": redirect URL "http://localhost:3000/auth/callback" points at the local machine; it is only allowed where allowHttpLocalhost is true (staging).`]],
    ["wildcard host", { redirectUrls: ["https://*.promptandpause.com/**"] }, [`Supabase settings "database-settings": redirect URL "https://*.promptandpause.com/**" has a wildcard host; list exact hosts.`]],
  ])("%s", async (_t, fields, messages) => {
    const { _drop, ...changed } = fields;
    const settings = supabaseAuth(changed);
    if (typeof _drop === "string") delete (settings.inputs.auth as Record<string, unknown>)[_drop];
    const found = await violationsOf("supabase-auth", replace(compliantStack(), settings));
    expect(found).toEqual(messages.map((m) => violation("supabase-auth", m, SETTINGS_URN)));
  });

  it("no auth block is a violation", async () => {
    const settings = supabaseSettings();
    delete settings.inputs.auth;
    expect(await violationsOf("supabase-auth", replace(compliantStack(), settings))).toEqual([
      violation("supabase-auth", `Supabase settings "database-settings" has no auth block; set auth.siteUrl, auth.redirectUrls, auth.jwtExpirySeconds and auth.sessionTimeboxHours.`, SETTINGS_URN),
    ]);
  });

  it("an unknown JWT expiry (preview) becomes an advisory 'can't run' diagnostic, not a pass", async () => {
    // jwtExpirySeconds: undefined is an unknown preview value (plan-types contract).
    const found = await violationsOf("supabase-auth", replace(compliantStack(), supabaseAuth({ jwtExpirySeconds: undefined })));
    expect(found).toEqual([cannotRun("supabase-auth", SETTINGS_URN, "auth.jwtExpirySeconds")]);
  });

  it("staging config accepts the guide's localhost callback", async () => {
    const stack = replace(compliantStack(), supabaseAuth({ redirectUrls: ["https://promptandpause.com/auth/callback", "http://localhost:3000/auth/callback"] }));
    expect(await violationsOf("supabase-auth", stack, "policies/config/staging.json")).toEqual([]);
    expect(await violationsOf("supabase-auth", stack, "policies/config/prod.json")).toHaveLength(1);
  });

  it("matches by type token: the same inputs on another dynamic resource type are ignored", async () => {
    const other = { ...supabaseAuth({ jwtExpirySeconds: 7200 }), type: "pulumi-nodejs:dynamic/stripe:WebhookEndpoint", name: "other", urn: urnOf("pulumi-nodejs:dynamic/stripe:WebhookEndpoint", "other") };
    expect(await violationsOf("supabase-auth", [...compliantStack(), other])).toEqual([]);
  });
});

const RPO = "The guide's recovery point objective is 15 minutes and only point-in-time recovery meets it (daily backups can lose a day of data).";

describe("supabase-database", () => {
  it("the compliant settings pass", async () => {
    expect(await violationsOf("supabase-database", compliantStack())).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["SSL off", { sslEnforcement: false }, [`Supabase settings "database-settings" must set sslEnforcement to true so the database rejects unencrypted connections (got false).`]],
    ["SSL unmanaged", { sslEnforcement: null }, [`Supabase settings "database-settings" must set sslEnforcement to true so the database rejects unencrypted connections (got undefined).`]],
    ["pool 40", { pooler: { defaultPoolSize: 40, poolMode: "transaction" } }, [`Supabase settings "database-settings" sets pooler.defaultPoolSize to 40; the guide allows at most 20.`]],
    ["pool unset", { pooler: { poolMode: "transaction" } }, [`Supabase settings "database-settings" does not set pooler.defaultPoolSize; set it to at most 20.`]],
    ["max connections 200", { postgres: { maxConnections: 200 } }, [`Supabase settings "database-settings" sets postgres.maxConnections to 200; the guide allows at most 100.`]],
    ["max connections unset", { postgres: {} }, [`Supabase settings "database-settings" does not set postgres.maxConnections; set it to at most 100.`]],
    ["upload limit 100 MB", { storage: { fileSizeLimitBytes: 104857600 } }, [`Supabase settings "database-settings" sets storage.fileSizeLimitBytes to 104857600 (100 MB); the guide allows at most 52428800 (50 MB).`]],
    ["upload limit one byte over", { storage: { fileSizeLimitBytes: 52428801 } }, [`Supabase settings "database-settings" sets storage.fileSizeLimitBytes to 52428801; the guide allows at most 52428800 (50 MB).`]],
    ["upload limit unset", { storage: {} }, [`Supabase settings "database-settings" does not set storage.fileSizeLimitBytes; set it to at most 52428800 (50 MB).`]],
    ["PITR off in prod", { pitr: { enabled: false } }, [`Supabase settings "database-settings" sets pitr.enabled to false; set pitr.enabled to true. ${RPO}`]],
    ["PITR unmanaged in prod", { pitr: null }, [`Supabase settings "database-settings" does not manage pitr; set pitr.enabled to true. ${RPO}`]],
  ])("%s", async (_t, overrides, messages) => {
    const settings = supabaseSettings(overrides);
    // null in a row means "leave the area out" (an absent optional input is an absent key).
    for (const [k, v] of Object.entries(overrides)) if (v === null) delete settings.inputs[k];
    const found = await violationsOf("supabase-database", replace(compliantStack(), settings));
    expect(found).toEqual(messages.map((m) => violation("supabase-database", m, SETTINGS_URN)));
  });

  it("staging (requirePointInTimeRecovery false) accepts PITR off; prod does not", async () => {
    const stack = replace(compliantStack(), supabaseSettings({ pitr: { enabled: false } }));
    expect(await violationsOf("supabase-database", stack, "policies/config/staging.json")).toEqual([]);
    expect(await violationsOf("supabase-database", stack, "policies/config/prod.json")).toHaveLength(1);
  });

  it("matches by type token: the same inputs on another dynamic resource type are ignored", async () => {
    const type = "pulumi-nodejs:dynamic/stripe:WebhookEndpoint";
    const other = { ...supabaseSettings({ sslEnforcement: false }), type, name: "other", urn: urnOf(type, "other") };
    expect(await violationsOf("supabase-database", [...compliantStack(), other])).toEqual([]);
  });
});

describe("supabase-hardening (advisory)", () => {
  const advisory = (m: string) => violation("supabase-hardening", m, SETTINGS_URN, "advisory");

  it("the compliant settings pass", async () => {
    expect(await violationsOf("supabase-hardening", compliantStack())).toEqual([]);
  });

  it.each<[string, () => PlannedResource, string[]]>([
    ["refresh-token rotation off", () => supabaseAuth({ refreshTokenRotation: false }), [`Supabase settings "database-settings" sets auth.refreshTokenRotation to false; set it to true so a reused refresh token ends the session.`]],
    [
      "refresh-token rotation unset",
      () => {
        const s = supabaseSettings();
        delete (s.inputs.auth as Record<string, unknown>).refreshTokenRotation;
        return s;
      },
      [`Supabase settings "database-settings" does not set auth.refreshTokenRotation; set it to true so a reused refresh token ends the session.`],
    ],
    ["session pool mode", () => supabaseSettings({ pooler: { defaultPoolSize: 20, poolMode: "session" } }), [`Supabase settings "database-settings" sets pooler.poolMode to "session"; set it to "transaction".`]],
    ["pool mode unset", () => supabaseSettings({ pooler: { defaultPoolSize: 20 } }), [`Supabase settings "database-settings" does not set pooler.poolMode; set it to "transaction".`]],
    [
      "empty network allow-list",
      () => supabaseSettings({ networkRestrictions: { ipv4Cidrs: [], ipv6Cidrs: [] } }),
      [
        `Supabase settings "database-settings" sets networkRestrictions with no CIDR, which blocks every database client (the app included). List the allowed CIDRs (["0.0.0.0/0"] and ["::/0"] allow all, with SSL enforced), or leave networkRestrictions out.`,
      ],
    ],
    [
      "network allow-list without any list",
      () => supabaseSettings({ networkRestrictions: {} }),
      [
        `Supabase settings "database-settings" sets networkRestrictions with no CIDR, which blocks every database client (the app included). List the allowed CIDRs (["0.0.0.0/0"] and ["::/0"] allow all, with SSL enforced), or leave networkRestrictions out.`,
      ],
    ],
    ["an IPv4-only allow-list passes", () => supabaseSettings({ networkRestrictions: { ipv4Cidrs: ["203.0.113.0/24"], ipv6Cidrs: [] } }), []],
    [
      "unmanaged network restrictions pass (Supabase allows all)",
      () => {
        const s = supabaseSettings();
        delete s.inputs.networkRestrictions;
        return s;
      },
      [],
    ],
  ])("%s", async (_t, make, messages) => {
    const found = await violationsOf("supabase-hardening", replace(compliantStack(), make()));
    expect(found).toEqual(messages.map(advisory));
  });

  it("is advisory: its findings do not fail the plan", async () => {
    const found = await violationsOf("supabase-hardening", replace(compliantStack(), supabaseSettings({ pooler: { defaultPoolSize: 20, poolMode: "session" } })));
    expect(found.map((v) => v.level)).toEqual(["advisory"]);
  });
});

describe("stateful-resources-protected", () => {
  const unprotectedZone = { ...zone(), protect: false };
  it("prod requires protection of the zone and the Supabase project", async () => {
    const stack = replace(replace(compliantStack(), unprotectedZone), supabaseProject(false));
    expect(await violationsOf("stateful-resources-protected", stack)).toEqual([
      violation("stateful-resources-protected", 'Cloudflare zone "edge-zone" is not protected. Register it with protect: true (the stack\'s protection setting) so `pulumi destroy` or a replacement cannot delete it.', urnOf("cloudflare:index/zone:Zone", "edge-zone")),
      violation("stateful-resources-protected", 'Supabase project "database-project" is not protected. Register it with protect: true (the stack\'s protection setting) so `pulumi destroy` or a replacement cannot delete it.', urnOf(SUPABASE_PROJECT_TYPE, "database-project")),
    ]);
  });

  it("the protected zone and project pass", async () => {
    expect(await violationsOf("stateful-resources-protected", compliantStack())).toEqual([]);
  });

  it("staging does not", async () => {
    const stack = replace(replace(compliantStack(), unprotectedZone), supabaseProject(false));
    expect(await violationsOf("stateful-resources-protected", stack, "policies/config/staging.json")).toEqual([]);
  });

  it("the settings resource is not stateful", async () => {
    const stack = replace(compliantStack(), { ...supabaseSettings(), protect: false });
    expect(await violationsOf("stateful-resources-protected", stack)).toEqual([]);
  });
});
