import { z } from "zod";
import type { ConfigIssue } from "../../components/shared/errors";
import { safeText } from "./common";
import { logRetentionDays } from "./aws";

/**
 * `promptandpause:monitoring`: the log intake, the audit trail's retention, and whether this
 * stack owns the account-wide detectors. Alarm thresholds come from the scale preset
 * (`scale.alarms`, overridable under `scale.overrides.alarms`). Every key has a default, so the
 * section may be left out.
 */
export const MONITORING_DEFAULTS = {
  logIntake: { enabled: true, retentionDays: 90 },
  audit: { bucketRetentionDays: 365, logRetentionDays: 90 },
} as const;

const accountWideSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("create") }),
  /** Another stack in the same account owns it; optionally name the GuardDuty detector (32 hex). */
  z.strictObject({
    mode: z.literal("existing"),
    // GuardDuty API: DetectorId, 1–300 characters; detectors' ids are 32 lowercase hex.
    detectorId: safeText({ max: 32, pattern: /^[0-9a-f]{32}$/, problem: "must be the detector id: 32 lowercase hex characters (GuardDuty → Settings → Detector ID)" }).optional(),
  }),
]);

export const monitoringConfigSchema = z
  .strictObject({
    /** The Vercel log drain's intake on `logs.<domain>` (components/monitoring/log-intake.ts). */
    logIntake: z
      .strictObject({
        /** @default true: the drain needs an intake that exists */
        enabled: z.boolean().default(MONITORING_DEFAULTS.logIntake.enabled),
        /** Days the app's log lines are kept (CloudWatch Logs retention). @default 90 */
        retentionDays: logRetentionDays(MONITORING_DEFAULTS.logIntake.retentionDays),
        /**
         * Reserved concurrency of the intake function, a cap (AWS refuses one that leaves the account
         * under 100 unreserved). Dedupe is shared (DynamoDB), so none is needed. @default none
         */
        concurrency: z.number().int().min(1).max(1000).optional(),
      })
      .prefault({}),
    audit: z
      .strictObject({
        /** Days CloudTrail's log files stay in S3, 90–3650 (investigations start late). @default 365 */
        bucketRetentionDays: z.number().int().min(90).max(3650).default(MONITORING_DEFAULTS.audit.bucketRetentionDays),
        /** Days CloudTrail events stay in CloudWatch Logs (what the alarms read). @default 90 */
        logRetentionDays: logRetentionDays(MONITORING_DEFAULTS.audit.logRetentionDays),
      })
      .prefault({}),
    /** GuardDuty (one detector per account and region). @default { mode: "create" } */
    guardDuty: accountWideSchema.default({ mode: "create" }),
    /** Amazon Inspector (account-wide). @default { mode: "create" } */
    inspector: z.strictObject({ mode: z.enum(["create", "existing"]) }).default({ mode: "create" }),
  })
  .prefault({});

export type MonitoringSettings = z.output<typeof monitoringConfigSchema>;

/** The intake needs the app's drain pointed at it, and the drain at this stack's own intake. */
/** The keys the monitoring check reads (no import of stacks/config.ts: no cycle). */
export interface MonitoringCheckContext {
  domain: string;
  monitoring: MonitoringSettings;
  app: { logDrain?: { endpoint: string } };
}

export function checkMonitoringConfig(all: MonitoringCheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const drain = all.app.logDrain;
  if (all.monitoring.logIntake.enabled && drain) {
    const expected = `logs.${all.domain}`;
    const host = new URL(drain.endpoint).hostname;
    if (host !== expected) {
      issues.push({
        path: "promptandpause:app.logDrain.endpoint",
        problem: `must point at this stack's own log intake (${expected}); each stack's drain goes to its own logs.<domain>`,
        got: drain.endpoint,
        fix: `Set it to https://${expected}/vercel.`,
      });
    }
  }
  return issues;
}
