/**
 * `promptandpause:backups` in the stack files: both stacks' retention is valid and differs by
 * data only (GOVERNANCE in staging, COMPLIANCE in prod); figures that break AWS's limits, an
 * unknown mode, a bad repository or an alarm past the RTO's restore budget are refused with the
 * key, the value and the fix — every problem at once.
 */
import { describe, expect, it } from "vitest";
import { platformConfigFor } from "../helpers/pulumi";
import { configErrorOf, patched, problemLines, validRaw } from "../config/support";

const KEY = "promptandpause:backups";
const backups = (patch: Record<string, unknown>) => ({ [KEY]: patched(KEY, patch) });

describe("stack files", () => {
  it("staging locks in GOVERNANCE mode, prod in COMPLIANCE, both within AWS's limits", () => {
    expect(platformConfigFor("staging").backups.retention).toEqual({ objectLockMode: "GOVERNANCE", objectLockDays: 7, coldAfterDays: 30, expireAfterDays: 210 });
    expect(platformConfigFor("prod").backups.retention).toEqual({ objectLockMode: "COMPLIANCE", objectLockDays: 35, coldAfterDays: 30, expireAfterDays: 400 });
  });
});

describe("refused settings", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["cold storage under 30 days", backups({ retention: { coldAfterDays: 10 } }), "promptandpause:backups.retention.coldAfterDays: must be at least 30 days"],
    ["expiry inside Deep Archive's minimum", backups({ retention: { expireAfterDays: 200 } }), "promptandpause:backups.retention.expireAfterDays: must be at least coldAfterDays + 180 = 210"],
    ["expiry before the lock ends", backups({ retention: { objectLockDays: 300 } }), "promptandpause:backups.retention.expireAfterDays: must be at least objectLockDays (300)"],
    ["an unknown lock mode", backups({ retention: { objectLockMode: "governance" } }), "promptandpause:backups.retention.objectLockMode:"],
    ["a repository that is not owner/repo", backups({ github: { repository: "infrastructure" } }), 'promptandpause:backups.github.repository: must be owner/repo as GitHub spells it (got "infrastructure")'],
    ["versioning turned off", backups({ versioning: false }), "promptandpause:backups.versioning: cannot be turned off: the backup buckets are always versioned"],
    ["object lock turned off", backups({ objectLock: false }), "promptandpause:backups.objectLock: cannot be turned off: every backup object is Object-Locked"],
    ["the DR replica turned off", backups({ drReplica: false }), "promptandpause:backups.drReplica: cannot be turned off: the backups are always replicated"],
    ["the DR region equal to the primary", { "promptandpause:aws": patched("promptandpause:aws", { drRegion: "eu-west-2" }) }, "promptandpause:aws.drRegion: must differ from aws.region"],
    ["a drill alarm past the restore budget", backups({ drillRestoreAlarmMinutes: 200 }), "promptandpause:backups.drillRestoreAlarmMinutes:"],
  ])("%s", (_what, overrides, line) => {
    const lines = problemLines(configErrorOf(validRaw(overrides)));
    expect(lines).toContainEqual(expect.stringContaining(line));
  });

  it("reports every retention problem at once, each naming where to fix it", () => {
    const lines = problemLines(configErrorOf(validRaw(backups({ retention: { coldAfterDays: 10, expireAfterDays: 5 } }))));
    const ours = lines.filter((l) => l.startsWith(`${KEY}.retention`));
    expect(ours).toHaveLength(3);
    for (const l of ours) expect(l).toContain("Set it in Pulumi.<stack>.yaml under promptandpause:backups.retention.");
  });

  it("requires the section in every stack", () => {
    expect(problemLines(configErrorOf(validRaw({ [KEY]: undefined })))).toContainEqual(expect.stringMatching(/^promptandpause:backups: /));
  });
});
