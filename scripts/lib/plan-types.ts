/**
 * The data the offline plan works on: what the Pulumi engine would have received for every
 * resource registration, recorded from the mock monitor. Shared by the plan script, the policy
 * evaluator, the benchmark and the tests so that all of them see exactly the same thing.
 */

/** What the plan shows in place of every secret value (`maskedInputs`, the `--json` document, outputs). */
export const MASKED_SECRET = "[secret]";

/** The Pulumi project (Pulumi.yaml's `name`) every plan records under. */
export const PROJECT = "promptandpause";

/** One resource registration, as the engine would see it. */
export interface PlannedResource {
  urn: string;
  /** Type token, e.g. `cloudflare:index/ruleset:Ruleset` or `promptandpause:edge:Edge`. */
  type: string;
  /** Logical name. */
  name: string;
  /** Custom (provider-backed) resource, as opposed to a component. */
  custom: boolean;
  /** URN of the parent resource, or null for the stack itself. */
  parent: string | null;
  protect: boolean;
  retainOnDelete: boolean;
  /** Explicit `dependsOn` plus every resource whose outputs feed the inputs (engine semantics). */
  dependencies: string[];
  /** Per input property, the resources it depends on. */
  propertyDependencies: Record<string, string[]>;
  /** Provider reference (`urn::id`) when an explicit provider is used, else null. */
  provider: string | null;
  /**
   * Inputs with secrets UNWRAPPED to their plain values. For policy evaluation only: never
   * print or write this field. Unknown values (computed during a preview) are `undefined`.
   */
  inputs: Record<string, unknown>;
  /** Inputs safe to show: every secret value replaced by "[secret]", unknowns by "[unknown]". */
  maskedInputs: Record<string, unknown>;
  /** Property paths (dot/bracket form, e.g. `value` or `secrets[0].value`) that hold secrets. */
  secretPaths: string[];
}

export type EnforcementLevel = "mandatory" | "advisory" | "disabled" | "remediate";

export interface PolicyViolation {
  policy: string;
  level: "mandatory" | "advisory";
  urn: string | null;
  message: string;
}

export interface PolicyReport {
  /** Policy pack name, as in `policies/PulumiPolicy.yaml`/`new PolicyPack(name)`. */
  pack: string;
  /** Number of (policy, resource) evaluations plus stack-policy evaluations that ran. */
  evaluated: number;
  violations: PolicyViolation[];
}
