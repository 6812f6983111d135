/**
 * vercel-deployment-isolation: a stack's Vercel project deploys to production only from the branch
 * the stack's policy config names (`productionBranch`: prod `main`, staging `staging`), so staging
 * has its own branch and is a gate before prod instead of deploying the same commits at the same
 * time; and where `allowSecretsOnPreview` is false (prod), no sensitive variable targets `preview`:
 * preview deployments build unreviewed branches, and with prod's keys they would charge live Stripe
 * (`sk_live`), bypass row-level security (the Supabase secret key) and read prod's Redis and AI
 * accounts. Prod's previews get only the public variables; previews with secrets belong to staging.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../guide";
import type { VercelEnvVarInputs } from "../lib/shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    productionBranch: {
      type: "string",
      minLength: 1,
      description: "The only branch the stack's Vercel project may deploy to production (prod: main, staging: staging).",
      default: "main",
    },
    allowSecretsOnPreview: {
      type: "boolean",
      description: "Whether sensitive variables may target preview deployments (staging: true; prod: false).",
      default: false,
    },
  },
} as const;

interface Config {
  productionBranch: string;
  allowSecretsOnPreview: boolean;
}

interface VercelProjectGitInputs {
  name?: string;
  gitRepository?: { repo?: string; productionBranch?: string };
}

export const vercelDeploymentIsolation: ResourceValidationPolicy = {
  name: "vercel-deployment-isolation",
  description:
    "Each stack's Vercel project deploys production from its own branch (staging is a gate before prod), and prod's preview deployments receive no sensitive variables.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  // One function for both resource types (the evaluator counts one applicability per policy).
  validateResource: (args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
    if (args.type === TYPES.vercelProject) {
      const project = args.props as VercelProjectGitInputs;
      const branch = project.gitRepository?.productionBranch;
      if (project.gitRepository && branch !== cfg.productionBranch) {
        reportViolation(
          `Vercel project "${project.name ?? args.name}" deploys production from branch ${branch === undefined ? "(the repository default)" : `"${branch}"`}; this stack must deploy only "${cfg.productionBranch}". Set promptandpause:app.productionBranch to "${cfg.productionBranch}".`,
        );
      }
      return;
    }
    if (args.type === TYPES.vercelEnvVar) {
      const envVar = args.props as VercelEnvVarInputs;
      if (cfg.allowSecretsOnPreview || envVar.sensitive !== true) return;
      if ((envVar.targets ?? []).includes("preview")) {
        reportViolation(
          `${envVar.key} is sensitive and targets preview deployments; this stack's secrets must reach production only. Set promptandpause:app.secretTargets to ["production"].`,
        );
      }
      return;
    }
    args.notApplicable(`not a Vercel project or environment variable (${args.type})`);
  },
};
