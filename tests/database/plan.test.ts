import { beforeAll, describe, expect, it } from "vitest";
import { markdownReport } from "../../scripts/lib/plan-report";
import type { PlanDocument } from "../../scripts/lib/run-plan";
import { leakedSecrets, planSecrets } from "../helpers/plan-secrets";
import { one, type PlannedResource, planStack } from "../helpers/pulumi";

/**
 * The database layer inside the whole program (index.ts → stacks/platform.ts), through the
 * offline plan of the real stack files: what the plan document shows for Supabase, how the app
 * is wired to it, and that no secret reaches the document.
 */

const T = {
  project: "pulumi-nodejs:dynamic/supabase:Project",
  settings: "pulumi-nodejs:dynamic/supabase:Settings",
  envVar: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
} as const;

type Stack = "staging" | "prod";
interface Planned {
  document: PlanDocument;
  resources: PlannedResource[];
}

const plans = {} as Record<Stack, Planned>;
beforeAll(async () => {
  for (const stack of ["prod", "staging"] as const) {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(`${stack} did not plan:\n${outcome.problems.join("\n")}`);
    plans[stack] = outcome;
  }
});

/** Document documents by stack, keyed for readable failures. */
const documentOf = (stack: Stack) => plans[stack].document;
const settingsIn = (stack: Stack) => documentOf(stack).resources.filter((r) => r.type === T.settings);

describe.each(["prod", "staging"] as const)("the %s plan document's Supabase settings", (stack) => {
  it("show the guide's pool size 20, max connections 100, JWT 3600 s and 50 MB file limit", () => {
    const settings = settingsIn(stack);
    expect(settings).toHaveLength(1);
    const inputs = settings[0]?.inputs as Record<string, Record<string, unknown>>;
    expect(inputs.pooler).toMatchObject({ defaultPoolSize: 20 });
    expect(inputs.postgres).toMatchObject({ maxConnections: 100 });
    expect(inputs.auth).toMatchObject({ jwtExpirySeconds: 3600 });
    expect(inputs.storage).toMatchObject({ fileSizeLimitBytes: 52_428_800 });
  });
});

describe("redirect allow-lists in the plan documents", () => {
  it("prod redirects only to https://promptandpause.com/auth/callback (no localhost)", () => {
    const auth = settingsIn("prod")[0]?.inputs.auth as Record<string, unknown>;
    expect(auth.redirectUrls).toEqual(["https://promptandpause.com/auth/callback"]);
  });

  it("staging keeps the localhost callback for local development", () => {
    const auth = settingsIn("staging")[0]?.inputs.auth as Record<string, unknown>;
    expect(auth.redirectUrls).toContain("http://localhost:3000/auth/callback");
  });
});

describe.each(["prod", "staging"] as const)("the %s stack wires the app to the database layer", (stack) => {
  it("NEXT_PUBLIC_SUPABASE_URL is fed by the Supabase project, so Pulumi creates the project first", () => {
    const { resources, document } = plans[stack];
    const project = one(resources, T.project);
    const envVar = resources.filter((r) => r.type === T.envVar && r.maskedInputs.key === "NEXT_PUBLIC_SUPABASE_URL");
    expect(envVar).toHaveLength(1);
    const url = envVar[0] as PlannedResource;
    expect(url.propertyDependencies.value).toContain(project.urn);
    expect(url.dependencies).toContain(project.urn);
    // The JSON document carries the same edge.
    expect(document.resources.find((r) => r.urn === url.urn)?.dependencies).toContain(project.urn);
  });

  it("exports the project ref, API URL and Postgres version as stack outputs, and no key", () => {
    const database = documentOf(stack).outputs.database as Record<string, unknown>;
    expect(Object.keys(database).sort()).toEqual(["apiUrl", "postgresVersion", "projectRef"]);
    expect(database.apiUrl).toBe(`https://${String(database.projectRef)}.supabase.co`);
  });

  it("reports the Postgres 15-vs-17 warning in the plan", () => {
    const warnings = documentOf(stack).warnings.filter((w) => w.includes("PostgreSQL 15 is desired"));
    expect(warnings).toHaveLength(1);
  });

  it("raises no policy violation on a database resource", () => {
    const database = documentOf(stack).policies.violations.filter((v) => v.urn?.includes("promptandpause:database:Database"));
    expect(database.map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("shows no secret value in the masked document or its Markdown report (the publishable key may appear: it is public)", () => {
    const { resources, document } = plans[stack];
    const project = one(resources, T.project);
    const ref = String(document.outputs.database && (document.outputs.database as Record<string, unknown>).projectRef);
    expect(ref).toMatch(/^[a-z]{20}$/);
    const secrets = planSecrets(resources);
    // The database password, the access token and the mocked service-role key are among them (else the check proves nothing).
    expect(secrets.map((s) => s.where)).toEqual(expect.arrayContaining([`${project.name}.dbPassword`, `${project.name}.accessToken`]));
    // Booleans, not the values: a failing assertion must not print a secret.
    expect(secrets.some((s) => s.value === `sb_secret_mock${ref}`), "the mocked secret key is collected").toBe(true);
    expect(secrets.some((s) => s.value === `sb_publishable_mock${ref}`), "the public publishable key is not collected").toBe(false);
    // Only the places are reported, never the values.
    expect(leakedSecrets(secrets, { json: JSON.stringify(document), markdown: markdownReport(document) })).toEqual([]);
  });
});
