/**
 * The guide's RTO (4 h) split over its six recovery steps (docs/runbooks/disaster-recovery.md).
 * The restore step gets what the other five leave; the restore drill measures against it and the
 * drill-duration alarm stays below it.
 */
export const RTO_MINUTES = 240;

/** Budget of each recovery step, minutes (restore = the rest). */
export const STEP_BUDGET_MINUTES = {
  detect: 15,
  initiateFailover: 30,
  verify: 15,
  updateDns: 10,
  monitor: 5,
} as const;

/** Minutes of the RTO left for step 3, the restore itself: 240 − 75 = 165. */
export const RESTORE_BUDGET_MINUTES = RTO_MINUTES - Object.values(STEP_BUDGET_MINUTES).reduce((a, b) => a + b, 0);
