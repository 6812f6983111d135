/**
 * .github/workflows/backup.yml beyond the suite's generic workflow checks (tests/workflows): the
 * jobs assume their roles through OIDC in their own environment, install pg_dump of the
 * server's major before dumping, publish the heartbeat only after a successful dump, and the
 * drill's metrics step (run for real with a fake `aws`) reports success, failure and a crash.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKUP_HEARTBEATS } from "../../components/backups/backup-alarms";
import { ghExpr, type Job, parseWorkflow } from "../workflows/checks";
import { REPO_ROOT } from "./support";

const wf = parseWorkflow(readFileSync(join(REPO_ROOT, ".github", "workflows", "backup.yml"), "utf8"));
const job = (id: string): Job => wf.jobs[id] as Job;
const stepIndex = (j: Job, name: string) => (j.steps ?? []).findIndex((s) => s.name === name || s.id === name);

describe("jobs", () => {
  it.each(["backup", "drill"])("%s: OIDC token only here, in the stack's backup environment, with the role from that environment", (id) => {
    const j = job(id);
    expect(j.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(j.environment).toBe(`backup-${ghExpr("matrix.stack")}`);
    const creds = (j.steps ?? []).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds?.with?.["role-to-assume"]).toBe(ghExpr(id === "backup" ? "vars.BACKUP_WRITER_ROLE_ARN" : "vars.BACKUP_DRILL_ROLE_ARN"));
    expect(wf.permissions).toEqual({ contents: "read" });
  });

  it("backup: installs pg_dump of the server's major before the dump, and beats only after it", () => {
    const j = job("backup");
    const install = stepIndex(j, "pg_dump of the server's major version");
    const dump = stepIndex(j, "database dump");
    const heartbeat = stepIndex(j, "heartbeat (dump succeeded)");
    expect(install).toBeGreaterThan(-1);
    expect(String(j.steps?.[install]?.run)).toContain('scripts/backup/install-pg-client.sh "$major"');
    expect(dump).toBeGreaterThan(install);
    expect(heartbeat).toBe(dump + 1);
    expect(j.steps?.[heartbeat]?.if).toBeUndefined();
    expect(String(j.steps?.[heartbeat]?.run)).toContain("--metric-name DatabaseDumpSucceeded --value 1");
  });

  it("backup: every success metric a step publishes has a heartbeat alarm, and every heartbeat's metric is published", () => {
    const published = (job("backup").steps ?? []).flatMap((s) => [...String(s.run ?? "").matchAll(/--metric-name (\w+Succeeded) --value 1\b/g)].map((m) => m[1]));
    expect(new Set(published)).toEqual(new Set(BACKUP_HEARTBEATS.map((h) => h.metricName)));
  });
});

describe("drill metrics step (bash with a fake aws)", () => {
  const script = String((job("drill").steps ?? []).find((s) => s.name === "drill metrics")?.run);

  function run(report: object | undefined): string[] {
    const dir = mkdtempSync(join(tmpdir(), "pp-wf-"));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "bin", "aws"), '#!/usr/bin/env bash\necho "$*" >> "$FAKE_LOG"\n');
    chmodSync(join(dir, "bin", "aws"), 0o755);
    if (report) {
      writeFileSync(join(dir, "out", "drill.json"), JSON.stringify(report));
      writeFileSync(join(dir, "out", "drill.txt"), "restore drill report\n");
    }
    writeFileSync(join(dir, "step.sh"), script);
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", join(dir, "step.sh")], {
      cwd: dir,
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`, FAKE_LOG: join(dir, "aws.log"), GITHUB_STEP_SUMMARY: join(dir, "summary.md"), METRIC_NAMESPACE: "PromptAndPause/Backups", STACK: "prod" },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(join(dir, "aws.log"), "utf8").trim().split("\n");
  }
  const call = (metric: string, value: string, unit: string) =>
    `cloudwatch put-metric-data --namespace PromptAndPause/Backups --dimensions Stack=prod --metric-name ${metric} --value ${value} --unit ${unit}`;

  it.each<[string, object | undefined, string, string]>([
    ["a passed drill", { ok: true, restoreSeconds: 12.3 }, "1", "12.3"],
    ["a drill with mismatches", { ok: false, restoreSeconds: 40 }, "0", "40"],
    ["a drill that crashed before its report", undefined, "0", "0"],
  ])("%s publishes success and restore time", (_what, report, ok, seconds) => {
    expect(run(report)).toEqual([call("RestoreDrillSucceeded", ok, "Count"), call("RestoreDrillRestoreSeconds", seconds, "Seconds")]);
  });
});
