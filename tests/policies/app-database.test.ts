/** App, database and protection policies: compliant passes, one changed field → the exact violation. */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { compliantStack, envVar, fakeStripeSecret, replace, supabaseProject, supabaseSettings, urnOf, vercelProject, zone } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const PROJECT_URN = urnOf("vercel:index/project:Project", "app-project");
const ENV = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
const DYN = "pulumi-nodejs:dynamic:Resource";
const SETTINGS_URN = urnOf(DYN, "database-settings");

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
  const auth = (a: Record<string, unknown>) => ({ auth: { siteUrl: "https://promptandpause.com", redirectUrls: ["https://promptandpause.com/auth/callback"], jwtExpirySeconds: 3600, ...a } });
  it.each<[string, Record<string, unknown>, string[]]>([
    ["JWT expiry 7200", auth({ jwtExpirySeconds: 7200 }), [`Supabase settings "database-settings" sets auth.jwtExpirySeconds to 7200; the guide allows at most 3600.`]],
    ["http site URL", auth({ siteUrl: "http://promptandpause.com" }), [`Supabase settings "database-settings" must set auth.siteUrl to an https:// URL (got "http://promptandpause.com").`]],
    ["redirect to another domain", auth({ redirectUrls: ["https://evil.example/auth/callback"] }), [`Supabase settings "database-settings": redirect URL "https://evil.example/auth/callback" leaves the site's domain (allowed hosts: promptandpause.com).`]],
    ["http redirect on the site", auth({ redirectUrls: ["http://promptandpause.com/auth/callback"] }), [`Supabase settings "database-settings": redirect URL "http://promptandpause.com/auth/callback" must use https.`]],
    ["localhost redirect in prod", auth({ redirectUrls: ["http://localhost:3000/auth/callback"] }), [`Supabase settings "database-settings": redirect URL "http://localhost:3000/auth/callback" points at the local machine; it is only allowed where allowHttpLocalhost is true (staging).`]],
    ["wildcard host", auth({ redirectUrls: ["https://*.promptandpause.com/**"] }), [`Supabase settings "database-settings": redirect URL "https://*.promptandpause.com/**" has a wildcard host; list exact hosts.`]],
  ])("%s", async (_t, overrides, messages) => {
    const found = await violationsOf("supabase-auth", replace(compliantStack(), supabaseSettings(overrides)));
    expect(found).toEqual(messages.map((m) => violation("supabase-auth", m, SETTINGS_URN)));
  });

  it("an absent JWT expiry is a violation", async () => {
    const a = auth({}).auth as Record<string, unknown>;
    delete a.jwtExpirySeconds;
    const found = await violationsOf("supabase-auth", replace(compliantStack(), supabaseSettings({ auth: a })));
    expect(found).toEqual([violation("supabase-auth", `Supabase settings "database-settings" does not set auth.jwtExpirySeconds; set it to at most 3600.`, SETTINGS_URN)]);
  });

  it("an unknown JWT expiry (preview) becomes an advisory 'can't run' diagnostic, not a pass", async () => {
    const found = await violationsOf("supabase-auth", replace(compliantStack(), supabaseSettings(auth({ jwtExpirySeconds: undefined }))));
    // jwtExpirySeconds: undefined is an unknown preview value (plan-types contract).
    expect(found).toEqual([
      {
        policy: "supabase-auth",
        level: "advisory",
        urn: SETTINGS_URN,
        message: "can't run policy 'supabase-auth' from policy pack 'promptandpause-guide@v0.1.0' during preview: string value at .auth.jwtExpirySeconds can't be known during preview",
      },
    ]);
  });

  it("staging config accepts the guide's localhost callback", async () => {
    const stack = replace(compliantStack(), supabaseSettings(auth({ redirectUrls: ["https://promptandpause.com/auth/callback", "http://localhost:3000/auth/callback"] })));
    expect(await violationsOf("supabase-auth", stack, "policies/config/staging.json")).toEqual([]);
    expect(await violationsOf("supabase-auth", stack, "policies/config/prod.json")).toHaveLength(1);
  });
});

describe("supabase-database", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["SSL off", { sslEnforcement: false }, [`Supabase settings "database-settings" must set sslEnforcement to true so the database rejects unencrypted connections (got false).`]],
    ["pool 40", { pooler: { defaultPoolSize: 40, poolMode: "transaction" } }, [`Supabase settings "database-settings" sets pooler.defaultPoolSize to 40; the guide allows at most 20.`]],
    ["max connections 200", { postgres: { maxConnections: 200 } }, [`Supabase settings "database-settings" sets postgres.maxConnections to 200; the guide allows at most 100.`]],
    ["pool unset", { pooler: {} }, [`Supabase settings "database-settings" does not set pooler.defaultPoolSize; set it to at most 20.`]],
  ])("%s", async (_t, overrides, messages) => {
    const found = await violationsOf("supabase-database", replace(compliantStack(), supabaseSettings(overrides)));
    expect(found).toEqual(messages.map((m) => violation("supabase-database", m, SETTINGS_URN)));
  });

  it("ignores dynamic resources of other kinds", async () => {
    const other = { ...supabaseSettings({ resourceKind: "other:Thing", sslEnforcement: false }), name: "other", urn: urnOf(DYN, "other") };
    expect(await violationsOf("supabase-database", [...compliantStack(), other])).toEqual([]);
  });
});

describe("stateful-resources-protected", () => {
  const unprotectedZone = { ...zone(), protect: false };
  it("prod requires protection of the zone and the Supabase project", async () => {
    const stack = replace(replace(compliantStack(), unprotectedZone), supabaseProject(false));
    expect(await violationsOf("stateful-resources-protected", stack)).toEqual([
      violation("stateful-resources-protected", 'Cloudflare zone "edge-zone" is not protected. Register it with protect: true (the stack\'s protection setting) so `pulumi destroy` or a replacement cannot delete it.', urnOf("cloudflare:index/zone:Zone", "edge-zone")),
      violation("stateful-resources-protected", 'Supabase project "database-project" is not protected. Register it with protect: true (the stack\'s protection setting) so `pulumi destroy` or a replacement cannot delete it.', urnOf(DYN, "database-project")),
    ]);
  });

  it("staging does not", async () => {
    const stack = replace(replace(compliantStack(), unprotectedZone), supabaseProject(false));
    expect(await violationsOf("stateful-resources-protected", stack, "policies/config/staging.json")).toEqual([]);
  });
});
