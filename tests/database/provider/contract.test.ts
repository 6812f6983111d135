/**
 * Contract with the OpenAPI document: every endpoint the client can call exists there with that
 * method, and the test server's validation really rejects non-conforming requests (so the other
 * tests' "no invalid request" assertions mean something). The document is the pinned copy in
 * tests/fixtures/supabase/; the drift test fails when the original beside the repo has changed
 * (skipped by name where it is not there).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPABASE_ENDPOINTS, SupabaseClient } from "../../../components/database/supabase/client";
import { VENDORED_SUPABASE_SPEC } from "../../helpers/vendored";
import { vendoredCopyTest } from "../../helpers/vendored-test";
import { OpenApiValidator, type SupabaseApiServer, loadSpec, startSupabaseApiServer } from "../../helpers/supabase-api-server";
import { TOKEN } from "./fixtures";

describe("the pinned OpenAPI document is the current one", () => {
  vendoredCopyTest(VENDORED_SUPABASE_SPEC);
});

describe("contract: Supabase Management API v1 OpenAPI document", () => {
  const spec = loadSpec();
  const validator = new OpenApiValidator(spec);
  let server: SupabaseApiServer;

  beforeAll(async () => {
    server = await startSupabaseApiServer({ token: TOKEN, comingUpPolls: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(Object.entries(SUPABASE_ENDPOINTS))("client call %s (%o) exists in the document with that method", (_name, ep) => {
    expect(validator.hasOperation(ep.method, ep.path)).toBe(true);
    expect(spec.paths[ep.path][ep.method.toLowerCase()].deprecated ?? false).toBe(false);
  });

  it("every path template of the client resolves to itself (no shadowing by another template)", () => {
    for (const ep of Object.values(SUPABASE_ENDPOINTS)) {
      const concrete = ep.path.replace("{ref}", "abcdefghijklmnopqrst").replace("{addon_variant}", "pitr_7");
      expect(validator.match(concrete)?.template).toBe(ep.path);
    }
  });

  it.each([
    ["a misspelled auth field", "PATCH", "/config/auth", { jwt_expiry: 3600 }, /must NOT have additional properties/],
    ["jwt_exp above the spec's maximum", "PATCH", "/config/auth", { jwt_exp: 9_999_999 }, /jwt_exp must be <= 604800/],
    ["a pool mode the spec does not know", "PATCH", "/config/database/pooler", { pool_mode: "statement" }, /pool_mode must be equal to one of the allowed values/],
    ["storage limit as a string", "PATCH", "/config/storage", { fileSizeLimit: "50MB" }, /fileSizeLimit must be integer/],
    ["ssl body without requestedConfig", "PUT", "/ssl-enforcement", { database: true }, /must have required property 'requestedConfig'/],
    ["a method the path does not have", "DELETE", "/config/auth", undefined, /DELETE is not defined/],
  ])("the server rejects %s with 400", async (_what, method, suffix, body, problem) => {
    const res = await fetch(`${server.url}/v1/projects/abcdefghijklmnopqrst${suffix}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(server.invalid.at(-1)?.problems.join("; ")).toMatch(problem);
  });

  it("rejects a create body with the deprecated-only shape missing organization_slug, and a bad ref", async () => {
    const v1 = validator.validate({
      method: "POST",
      pathname: "/v1/projects",
      query: new URLSearchParams(),
      body: JSON.stringify({ name: "x", db_pass: "pass", organization_id: "org" }),
      contentType: "application/json",
      authorization: "Bearer t",
    });
    expect(v1.problems.join("; ")).toContain("must have required property 'organization_slug'");
    const v2 = validator.validate({ method: "GET", pathname: "/v1/projects/NOT-A-REF", query: new URLSearchParams(), body: "", contentType: undefined, authorization: "Bearer t" });
    expect(v2.problems.join("; ")).toContain('path parameter "ref"');
  });

  it("an invalid request reaches the client as a 400 naming the call", async () => {
    const client = new SupabaseClient({ accessToken: TOKEN, baseUrl: server.url, maxAttempts: 1 });
    await expect(client.call("updatePoolerConfig", { params: { ref: "abcdefghijklmnopqrst" }, body: { pool_mode: "statement" } })).rejects.toThrow(
      /PATCH \/v1\/projects\/\{ref\}\/config\/database\/pooler .*HTTP 400: Request does not conform to the OpenAPI document/,
    );
  });
});
