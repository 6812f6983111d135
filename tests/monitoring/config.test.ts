/** `promptandpause:monitoring` and `scale.alarms`: defaults, and every bad value named with its key, value and fix. */
import { describe, expect, it } from "vitest";
import { ALARM_DEFAULTS } from "../../components/monitoring/alarms";
import { formatIssue } from "../../components/shared/errors";
import { resolveScale } from "../../stacks/presets";
import { configErrorOf, parse, validRaw } from "../config/support";

const K = "promptandpause:monitoring";

describe("defaults", () => {
  it("an absent section creates the intake, owns the detectors, keeps 90 days of logs and a year of trail files", () => {
    expect(parse(validRaw({ [K]: undefined })).monitoring).toEqual({
      logIntake: { enabled: true, retentionDays: 90 },
      audit: { bucketRetentionDays: 365, logRetentionDays: 90 },
      guardDuty: { mode: "create" },
      inspector: { mode: "create" },
    });
  });

  it("alarm thresholds follow the scale preset and may be overridden one by one", () => {
    expect(resolveScale("current").alarms).toEqual({ appErrors: ALARM_DEFAULTS.appErrors, failedSignIns: ALARM_DEFAULTS.failedSignIns, intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx });
    expect(resolveScale("10x").alarms.appErrors).toBe(ALARM_DEFAULTS.appErrors * 10);
    const config = parse(validRaw({ "promptandpause:scale": { preset: "100x", overrides: { alarms: { failedSignIns: 50 } } } }));
    expect(config.scale.alarms).toEqual({ ...resolveScale("100x").alarms, failedSignIns: 50 });
  });

  it("a second stack in the account references the detector", () => {
    expect(parse(validRaw({ [K]: { guardDuty: { mode: "existing", detectorId: "12abc34d567e8fa901bc2d34e56789f0" }, inspector: { mode: "existing" } } })).monitoring.guardDuty).toEqual({
      mode: "existing",
      detectorId: "12abc34d567e8fa901bc2d34e56789f0",
    });
  });
});

describe("bad values", () => {
  it.each([
    ["retention not a CloudWatch value", { logIntake: { retentionDays: 45 } }, `${K}.logIntake.retentionDays: must be a CloudWatch Logs retention`],
    ["concurrency 0", { logIntake: { concurrency: 0 } }, `${K}.logIntake.concurrency: must be >= 1 (got 0)`],
    ["trail files kept 30 days", { audit: { bucketRetentionDays: 30 } }, `${K}.audit.bucketRetentionDays: must be >= 90 (got 30)`],
    ["detector id not 32 hex", { guardDuty: { mode: "existing", detectorId: "abc" } }, `${K}.guardDuty.detectorId: must be the detector id: 32 lowercase hex characters (GuardDuty → Settings → Detector ID) (got "abc")`],
    ["unknown mode", { inspector: { mode: "shared" } }, `${K}.inspector.mode: must be one of "create", "existing" (got "shared")`],
    ["unknown key", { dashboards: 2 }, `${K}.dashboards`],
  ])("%s", (_label, value, message) => {
    const messages = configErrorOf(validRaw({ [K]: value })).issues.map(formatIssue);
    expect(messages.some((m) => m.startsWith(message)), messages.join("\n")).toBe(true);
  });

  it("the drain of staging pointed at prod's intake is refused with the fix", () => {
    const raw = validRaw();
    const app = raw.values["promptandpause:app"] as Record<string, unknown>;
    raw.values["promptandpause:app"] = { ...app, logDrain: { endpoint: "https://logs.promptandpause.com/vercel/staging" } };
    expect(configErrorOf(raw).issues.map(formatIssue)).toContain(
      'promptandpause:app.logDrain.endpoint: must point at this stack\'s own log intake (logs.promptandpause-staging.com); each stack\'s drain goes to its own logs.<domain> (got "https://logs.promptandpause.com/vercel/staging"). Set it to https://logs.promptandpause-staging.com/vercel.',
    );
  });
});
