import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { planStack } from "../helpers/pulumi";
import { envVar, vercelProject } from "./fixtures";
import { violation, violationsOf } from "./helpers";

/**
 * Staging is a gate and prod's previews hold no secrets: each stack's Vercel project deploys
 * production from its own branch, and prod's sensitive variables target production only.
 */
const POLICY = "vercel-deployment-isolation";

function project(productionBranch: string | undefined): PlannedResource {
  const p = vercelProject();
  return { ...p, inputs: { ...p.inputs, gitRepository: { type: "github", repo: "promptandpause/web", ...(productionBranch === undefined ? {} : { productionBranch }) } } };
}
function secret(targets: string[]): PlannedResource {
  const v = envVar("app-env-stripe-secret-key", "STRIPE_SECRET_KEY", "placeholder", true);
  return { ...v, inputs: { ...v.inputs, targets } };
}

describe(POLICY, () => {
  it("prod: a project on main with production-only secrets passes", async () => {
    expect(await violationsOf(POLICY, [project("main"), secret(["production"])])).toEqual([]);
  });

  it.each([
    ["a secret on preview", [project("main"), secret(["production", "preview"])], `STRIPE_SECRET_KEY is sensitive and targets preview deployments; this stack's secrets must reach production only. Set promptandpause:app.secretTargets to ["production"].`],
    ["the staging branch", [project("staging"), secret(["production"])], `Vercel project "promptandpause" deploys production from branch "staging"; this stack must deploy only "main". Set promptandpause:app.productionBranch to "main".`],
    ["no production branch", [project(undefined), secret(["production"])], `Vercel project "promptandpause" deploys production from branch (the repository default); this stack must deploy only "main". Set promptandpause:app.productionBranch to "main".`],
  ])("prod: %s is refused", async (_label, resources, message) => {
    const found = await violationsOf(POLICY, resources);
    expect(found.map((v) => v.message)).toEqual([violation(POLICY, message).message]);
  });

  it("staging's config: its own branch, and secrets may reach its previews; main is refused there", async () => {
    const staging = "policies/config/staging.json";
    expect(await violationsOf(POLICY, [project("staging"), secret(["production", "preview"])], staging)).toEqual([]);
    const found = await violationsOf(POLICY, [project("main")], staging);
    expect(found.map((v) => v.message)).toEqual([
      violation(POLICY, `Vercel project "promptandpause" deploys production from branch "main"; this stack must deploy only "staging". Set promptandpause:app.productionBranch to "staging".`).message,
    ]);
  });
});

describe("the real stacks", () => {
  it("deploy different branches (staging first, then main to prod), and prod's previews get no secret", async () => {
    const branches: Record<string, unknown> = {};
    for (const stack of ["staging", "prod"] as const) {
      const outcome = await planStack(stack);
      if (outcome.kind !== "planned") throw new Error(outcome.problems.join("\n"));
      const doc = outcome.document;
      expect(doc.policies.violations.filter((v) => v.policy === POLICY)).toEqual([]);
      const proj = doc.resources.find((r) => r.type === "vercel:index/project:Project");
      branches[stack] = (proj?.inputs.gitRepository as { productionBranch?: string } | undefined)?.productionBranch;
      if (stack === "prod") {
        const onPreview = doc.resources
          .filter((r) => r.type === "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable" && r.inputs.sensitive === true)
          .filter((r) => (r.inputs.targets as string[]).includes("preview"))
          .map((r) => r.inputs.key);
        expect(onPreview).toEqual([]);
      }
    }
    expect(branches).toEqual({ staging: "staging", prod: "main" });
  });
});
