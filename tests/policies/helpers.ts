import { packName, packVersion, policies } from "../../policies/pack";
import type { PlannedResource, PolicyViolation } from "../../scripts/lib/plan-types";
import { evaluatePolicyPack } from "../../scripts/lib/policy-evaluator";

/** The exact violation the server reports: the policy's description, a newline, the message. */
export function violation(policy: string, message: string, urn: string | null = null, level: "mandatory" | "advisory" = "mandatory"): PolicyViolation {
  const p = policies.find((x) => x.name === policy);
  if (!p) throw new Error(`no policy ${policy}`);
  return { policy, level, urn, message: `${p.description}\n${message}` };
}

/** Evaluates the given policy alone (the prod config file unless `config`) and returns its violations. */
export async function violationsOf(policy: string, resources: PlannedResource[], config?: Record<string, unknown> | string): Promise<PolicyViolation[]> {
  const report = await evaluatePolicyPack(resources, { project: "promptandpause", stack: "prod", only: [policy], ...(config === undefined ? {} : { config }) });
  return report.violations;
}

/**
 * The advisory the server reports when a policy reads a value unknown in a preview (its
 * UnknownValueError): at `path` of the resource `urn`, or of no resource (null) for a stack policy.
 */
export function cannotRun(policy: string, urn: string | null, path: string): PolicyViolation {
  return { policy, level: "advisory", urn, message: `can't run policy '${policy}' from policy pack '${packName}@v${packVersion}' during preview: string value at .${path} can't be known during preview` };
}
