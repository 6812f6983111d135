/** What tests/config/capped-plans.ts reports per settings file, and how its lines are marked on stdout. */

/** Marks the result lines, apart from anything the SDK or the program prints. */
export const RESULT_PREFIX = "@@capped-plan ";

export interface CappedPlanResult {
  file: string;
  code: number | null;
  stderr: string;
  ms: number;
}
