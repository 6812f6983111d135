import { describe, expect, it } from "vitest";
import { validateEnvVars } from "../../components/app/env-vars";
import { PUBLIC_FORBIDDEN_NAME_PATTERNS } from "../../policies/guide";
import { envVar } from "./fixtures";
import { violationsOf } from "./helpers";

/**
 * The config check (components/app/env-vars.ts) and the `vercel-env-secrets` policy must refuse
 * the same NEXT_PUBLIC_ names: a name one lets through and the other refuses would pass review
 * in one place and fail it in the other.
 */
describe("secret-looking NEXT_PUBLIC_ names are refused by both the config check and the policy", () => {
  it.each(PUBLIC_FORBIDDEN_NAME_PATTERNS.map((fragment) => [fragment, `NEXT_PUBLIC_PAYMENTS_${fragment}`]))("%s: %s", async (_fragment, key) => {
    const configProblems = validateEnvVars([{ key, value: "harmless", targets: ["production"], secret: false, comment: "test" }]);
    expect(configProblems.map((p) => p.problem)).toContain("NEXT_PUBLIC_ names ship to every browser but this one names a secret");

    const violations = await violationsOf("vercel-env-secrets", [envVar("app-env-x", key, "harmless", false)]);
    expect(violations.map((v) => v.policy)).toContain("vercel-env-secrets");
  });

  it("the browser-visible names the app needs pass both", async () => {
    for (const key of ["NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", "NEXT_PUBLIC_SITE_URL"]) {
      expect(validateEnvVars([{ key, value: "https://example.com", targets: ["production"], secret: false, comment: "test" }])).toEqual([]);
      expect(await violationsOf("vercel-env-secrets", [envVar("app-env-x", key, "https://example.com", false)])).toEqual([]);
    }
  });
});
