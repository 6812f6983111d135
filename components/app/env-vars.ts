import type * as pulumi from "@pulumi/pulumi";
import type { ConfigIssue } from "../shared/errors";
import { PUBLIC_FORBIDDEN_NAME_PATTERNS } from "../../policies/guide";

/**
 * The app's environment variables as data, and the rules they must follow. The `App` component
 * validates them before registering anything, then creates one `ProjectEnvironmentVariable`
 * per entry (never inline `Project.environments`: mixing both makes the provider fight itself).
 */

/** Vercel deployment targets. */
export const VERCEL_TARGETS = ["production", "preview", "development"] as const;
export type VercelTarget = (typeof VERCEL_TARGETS)[number];

/** One environment variable of the Vercel project. */
export interface EnvVarSpec {
  /** Variable name, UPPER_SNAKE_CASE. `NEXT_PUBLIC_` names are inlined into the browser bundle. */
  key: string;
  /** Value; an Output from another layer or a secret Output from config, never a plain secret string. */
  value: pulumi.Input<string>;
  /** Targets that receive it. */
  targets: VercelTarget[];
  /**
   * Holds a secret (API key, signing secret, service-role key, URL with a password). Secret
   * variables are created `sensitive` (write-only in Vercel), must not be `NEXT_PUBLIC_`, and
   * cannot target `development` (Vercel refuses sensitive variables there).
   */
  secret: boolean;
  /** Shown in the Vercel dashboard: what it is and where it comes from. */
  comment: string;
}

/**
 * The environment-variable naming rule, defined once: upper case, digits and underscores,
 * starting with a letter (portable across shells). `validateEnvVars` applies it to the
 * component's variables and the `promptandpause:app.publicEnv` schema to configured keys.
 */
export const ENV_VAR_NAME = {
  pattern: /^[A-Z][A-Z0-9_]*$/,
  problem: "must be an UPPER_SNAKE_CASE environment variable name",
} as const;

/** True when `key` follows {@link ENV_VAR_NAME}. */
export function isEnvVarName(key: string): boolean {
  return ENV_VAR_NAME.pattern.test(key);
}

/**
 * Name fragments that mark a secret; a `NEXT_PUBLIC_` name containing one is refused. The policy
 * pack's list, so the config check and the `vercel-env-secrets` policy refuse the same names.
 */
export const SECRET_NAME_FRAGMENTS = new RegExp(`(${PUBLIC_FORBIDDEN_NAME_PATTERNS.join("|")})`, "i");

/** The browser-visible variables the app needs; the only `NEXT_PUBLIC_` names the platform sets. */
export const PLATFORM_PUBLIC_ENV_VARS = ["NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", "NEXT_PUBLIC_SITE_URL"] as const;

export function isPublicName(key: string): boolean {
  return key.startsWith("NEXT_PUBLIC_");
}

/**
 * The `NEXT_PUBLIC_` secret validator and Vercel's own rules, all problems at once:
 * - a secret never sits behind a `NEXT_PUBLIC_` name, and no `NEXT_PUBLIC_` name says "secret";
 * - secrets are sensitive, so they cannot target `development`;
 * - names are UPPER_SNAKE_CASE, each (key, target) is defined once, every variable has a target.
 * @param component the component's name, for the issue path
 */
export function validateEnvVars(vars: readonly EnvVarSpec[], component = "app"): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  vars.forEach((v, i) => {
    const path = `${component}.environmentVariables[${i}] (${v.key})`;
    if (!isEnvVarName(v.key)) {
      issues.push({ path, problem: ENV_VAR_NAME.problem, got: v.key, fix: "Rename the variable." });
    }
    if (isPublicName(v.key) && v.secret) {
      issues.push({
        path,
        problem: "is a secret under a NEXT_PUBLIC_ name: Next.js would inline it into the JavaScript every visitor downloads",
        got: v.key,
        fix: `Expose it to server code only: drop the prefix (${v.key.slice("NEXT_PUBLIC_".length)}).`,
      });
    } else if (isPublicName(v.key) && SECRET_NAME_FRAGMENTS.test(v.key.slice("NEXT_PUBLIC_".length))) {
      issues.push({
        path,
        problem: "NEXT_PUBLIC_ names ship to every browser but this one names a secret",
        got: v.key,
        fix: "If it is a secret, drop the NEXT_PUBLIC_ prefix and pass it as a secret; otherwise rename it.",
      });
    }
    if (v.targets.length === 0) {
      issues.push({ path, problem: "has no target", got: v.targets, fix: `Give it one or more of ${VERCEL_TARGETS.join(", ")}.` });
    }
    if (v.secret && v.targets.includes("development")) {
      issues.push({
        path,
        problem: "is sensitive and Vercel refuses sensitive variables on the development target",
        got: v.targets,
        fix: "Target production and/or preview only; developers use their own test keys locally.",
      });
    }
    for (const target of v.targets) {
      const key = `${v.key}@${target}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({ path, problem: `is defined twice for the ${target} target (also entry ${first})`, got: v.key, fix: "Keep one definition per target." });
      } else {
        seen.set(key, i);
      }
    }
  });
  return issues;
}

/** Logical-name role of a variable: `NEXT_PUBLIC_SUPABASE_URL` → `env-next-public-supabase-url`. */
export function envVarRole(key: string): string {
  return `env-${key.toLowerCase().replace(/_/g, "-")}`;
}
