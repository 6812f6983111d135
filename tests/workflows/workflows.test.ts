/**
 * The review pipeline (.github/workflows): schema-valid, secure, and doing what docs/ci.md says.
 * Every rule is checked against the real files and against a mutated copy, so each check is shown
 * to fail when the behaviour it guards breaks. The scripts embedded in the workflows (offline plan
 * loop, settings check, report comment) are executed for real: bash as a process with a fake `npm`,
 * the github-script body with a fake GitHub client.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  BASE_SHA,
  ciConsistencyProblems,
  commandsOf,
  deployProblems,
  ENVIRONMENT_OF,
  ghExpr,
  type Job,
  matrixVariants,
  type OidcExpectations,
  oidcProblems,
  parseWorkflow,
  permissionProblems,
  pinningProblems,
  previewProblems,
  pulumiVersionProblems,
  secretProblems,
  STACKS,
  type Step,
  validatorErrors,
  type Workflow,
} from "./checks";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const FILES = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const source = (file: string) => readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
const PREVIEW_SRC = source("preview.yml");
const DEPLOY_SRC = source("deploy.yml");
const CI_RUN = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
const SDK_VERSION = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies[
  "@pulumi/pulumi"
] as string;

const fresh = (src: string): Workflow => parseWorkflow(src);

function job(wf: Workflow, id: string): Job {
  const j = wf.jobs[id];
  if (!j) throw new Error(`test setup: no job ${id}`);
  return j;
}

function step(j: Job, match: (s: Step) => boolean): Step {
  const s = (j.steps ?? []).find(match);
  if (!s) throw new Error("test setup: no such step");
  return s;
}

const runScript = (j: Job, id: string): string => {
  const s = step(j, (x) => x.id === id);
  if (typeof s.run !== "string") throw new Error(`test setup: step ${id} has no run script`);
  return s.run;
};

const scratch: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `wf-${prefix}-`));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("schema validation (@action-validator/core)", () => {
  it("finds the two pipeline workflows", () => {
    expect(FILES).toEqual(expect.arrayContaining(["preview.yml", "deploy.yml"]));
  });

  it.each(FILES)("%s has no schema errors", (file) => {
    expect(validatorErrors(source(file))).toEqual([]);
  });

  // Each mutation breaks a copy in a way GitHub would reject; the validator must say so.
  it.each([
    ["a job without runs-on", PREVIEW_SRC, (s: string) => s.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"), /Additional property 'runs_on' is not allowed/],
    ["needs naming a job that does not exist", DEPLOY_SRC, (s: string) => s.replace("needs: [verify, staging]", "needs: [verify, stagin]"), /unresolved job stagin/],
    ["an invalid permission level", PREVIEW_SRC, (s: string) => s.replace("      pull-requests: write\n", "      pull-requests: writ\n"), /\/jobs\/comment\/permissions/],
    ["a misspelt steps key", DEPLOY_SRC, (s: string) => s.replace("    steps:\n", "    stepz:\n"), /Additional property 'stepz' is not allowed/],
    ["a step with both uses and run", PREVIEW_SRC, (s: string) => s.replace("      - name: npm ci\n", "      - name: npm ci\n        uses: actions/setup-node@v5\n"), /steps\/2/],
    ["YAML that does not parse", DEPLOY_SRC, (s: string) => s.replace("branches: [main]", "branches: [main"), /Parse Error/],
  ])("detects %s", (_what, original, mutate, expected) => {
    const broken = mutate(original);
    expect(broken).not.toBe(original);
    // The mutation must change the workflow itself, not just a comment in it.
    let parsed: unknown = "unparseable";
    try {
      parsed = parse(broken);
    } catch {}
    expect(parsed).not.toEqual(parse(original));
    const errors = validatorErrors(broken);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(expected);
  });
});

describe("rules for every workflow", () => {
  it.each(FILES)("%s: explicit least-privilege permissions, pinned actions, no inlined secrets", (file) => {
    const wf = fresh(source(file));
    expect(permissionProblems(wf)).toEqual([]);
    expect(pinningProblems(wf)).toEqual([]);
    expect(secretProblems(wf, source(file))).toEqual([]);
  });

  it.each(FILES)("%s: installs the Pulumi CLI matching @pulumi/pulumi in package.json", (file) => {
    expect(pulumiVersionProblems(fresh(source(file)), SDK_VERSION)).toEqual([]);
  });

  it.each(["preview.yml", "deploy.yml"])("%s: the gate job runs the npm commands of .ci/run in the same order", (file) => {
    expect(ciConsistencyProblems(fresh(source(file)), CI_RUN)).toEqual([]);
  });

  it("reads .ci/run's plan loop as one plan command per stack", () => {
    expect(commandsOf(CI_RUN).filter((c) => c.includes(" plan "))).toEqual([
      "npm run -s plan -- --stack staging --json out/plan-staging.json --markdown out/plan-staging.md",
      "npm run -s plan -- --stack prod --json out/plan-prod.json --markdown out/plan-prod.md",
    ]);
  });

  type Mutation = [string, string, (wf: Workflow) => void, string];
  const secretLiteral = ["pul", "-", "0123456789abcdef0123456789abcdef01234567"].join(""); // assembled so this file is not itself a finding
  it.each<Mutation>([
    ["no top-level permissions", PREVIEW_SRC, (wf) => delete wf.permissions, "workflow: no top-level `permissions`"],
    ["permissions: write-all at the top", DEPLOY_SRC, (wf) => (wf.permissions = "write-all"), 'workflow: permissions must be a map of scopes (got "write-all")'],
    ["a top-level write grant", PREVIEW_SRC, (wf) => (wf.permissions = { contents: "read", "pull-requests": "write" }), "grant pull-requests: write; grant writes per job only"],
    ["permissions: write-all on a job", DEPLOY_SRC, (wf) => (job(wf, "prod").permissions = "write-all"), 'job prod: permissions must be a map of scopes (got "write-all")'],
    ["a permission level GitHub does not know", PREVIEW_SRC, (wf) => (job(wf, "comment").permissions = { "pull-requests": "admin" }), 'job comment: permissions.pull-requests must be read, write or none (got "admin")'],
    ["an action on a branch", PREVIEW_SRC, (wf) => (step(job(wf, "preview"), (s) => s.uses?.startsWith("pulumi/") === true).uses = "pulumi/actions@main"), "uses pulumi/actions@main is not pinned"],
    ["an unversioned action", DEPLOY_SRC, (wf) => (step(job(wf, "verify"), (s) => s.uses?.startsWith("actions/checkout") === true).uses = "actions/checkout"), "uses actions/checkout is not pinned"],
  ])("permission and pinning checks catch %s", (_what, src, mutate, expected) => {
    const wf = fresh(src);
    mutate(wf);
    expect([...permissionProblems(wf), ...pinningProblems(wf)]).toContainEqual(expect.stringContaining(expected));
  });

  it.each<Mutation>([
    ["an inlined token value", DEPLOY_SRC, (wf) => (step(job(wf, "prod"), (s) => s.name === "pulumi up").env = { PULUMI_ACCESS_TOKEN: secretLiteral }), "PULUMI_ACCESS_TOKEN is a literal"],
    ["an inlined passphrase", PREVIEW_SRC, (wf) => (step(job(wf, "preview"), (s) => s.name === "pulumi preview").env = { PULUMI_CONFIG_PASSPHRASE: "hunter2" }), "PULUMI_CONFIG_PASSPHRASE is a literal"],
    ["a secret in workflow env", PREVIEW_SRC, (wf) => (wf.env = { PULUMI_ACCESS_TOKEN: ghExpr("secrets.PULUMI_ACCESS_TOKEN") }), "workflow env: references secrets"],
    ["a secret in job env", DEPLOY_SRC, (wf) => (job(wf, "staging").env = { PULUMI_ACCESS_TOKEN: ghExpr("secrets.PULUMI_ACCESS_TOKEN") }), "job staging env: references secrets"],
    ["a secret templated into a run script", DEPLOY_SRC, (wf) => (step(job(wf, "staging"), (s) => s.id === "settings").run = `pulumi login --token ${ghExpr("secrets.PULUMI_ACCESS_TOKEN")}`), "run script references secrets"],
    ["a secret tested in a step condition", DEPLOY_SRC, (wf) => (step(job(wf, "prod"), (s) => s.name === "pulumi up").if = "secrets.PULUMI_ACCESS_TOKEN != ''"), "if references secrets"],
    ["secrets in the env of npm ci", PREVIEW_SRC, (wf) => (step(job(wf, "preview"), (s) => s.name === "npm ci").env = { PULUMI_ACCESS_TOKEN: ghExpr("secrets.PULUMI_ACCESS_TOKEN") }), "runs npm with secrets in its env"],
  ])("secret checks catch %s", (_what, src, mutate, expected) => {
    const wf = fresh(src);
    mutate(wf);
    expect(secretProblems(wf, src)).toContainEqual(expect.stringContaining(expected));
  });

  it("secret checks catch a credential-shaped string anywhere in the file", () => {
    const src = PREVIEW_SRC.replace("# Read-only by default", `# ${secretLiteral} Read-only by default`);
    expect(secretProblems(fresh(src), src)).toContainEqual(expect.stringContaining("shaped like a Pulumi access token"));
  });

  it("version check catches a CLI that drifts from the SDK", () => {
    const wf = fresh(DEPLOY_SRC);
    wf.env = { PULUMI_CLI_VERSION: "3.100.0" };
    expect(pulumiVersionProblems(wf, SDK_VERSION)).toContainEqual(expect.stringContaining(`= 3.100.0 does not match @pulumi/pulumi ${SDK_VERSION}`));
  });

  it("consistency check catches a gate job that skips a .ci/run step", () => {
    const wf = fresh(PREVIEW_SRC);
    const plan = job(wf, "plan");
    plan.steps = (plan.steps ?? []).filter((s) => s.run !== "npm run lint");
    expect(ciConsistencyProblems(wf, CI_RUN)).toEqual(["job plan: does not run `npm run lint` (after the previous .ci/run command) as .ci/run does"]);
  });

  it("the scripts shared between jobs are identical copies", () => {
    const preview = fresh(PREVIEW_SRC);
    const deploy = fresh(DEPLOY_SRC);
    expect(runScript(job(deploy, "verify"), "plan")).toBe(runScript(job(preview, "plan"), "plan"));
    const settings = runScript(job(preview, "preview"), "settings");
    expect(runScript(job(deploy, "staging"), "settings")).toBe(settings);
    expect(runScript(job(deploy, "prod"), "settings")).toBe(settings);
  });
});

describe("preview.yml (pull requests)", () => {
  it("runs tests, the offline plan of both stacks, one report comment and policy-checked previews of both stacks", () => {
    expect(previewProblems(fresh(PREVIEW_SRC))).toEqual([]);
  });

  type Mutation = [string, (wf: Workflow) => void, string];
  const baseCheckout = (wf: Workflow) => step(job(wf, "plan"), (s) => s.with?.ref === BASE_SHA);
  const previewStep = (wf: Workflow) => step(job(wf, "preview"), (s) => s.uses?.startsWith("pulumi/actions@") === true);
  it.each<Mutation>([
    ["tests removed", (wf) => (job(wf, "plan").steps = (job(wf, "plan").steps ?? []).filter((s) => s.run !== "npm test")), "no job runs npm ci, npm test and the offline plan"],
    ["npm ci removed", (wf) => (job(wf, "plan").steps = (job(wf, "plan").steps ?? []).filter((s) => s.name !== "npm ci")), "no job runs npm ci, npm test and the offline plan"],
    ["the plan of prod dropped", (wf) => (step(job(wf, "plan"), (s) => s.id === "plan").run = runScript(job(wf, "plan"), "plan").replace("for stack in staging prod", "for stack in staging")), "no job runs npm ci, npm test and the offline plan"],
    ["prod left out of the preview matrix", (wf) => (job(wf, "preview").strategy = { matrix: { stack: ["staging"] } }), "no pulumi preview of organization/promptandpause/prod"],
    ["the policy pack left out", (wf) => delete previewStep(wf).with?.policyPacks, "pulumi preview of staging does not run the policy pack"],
    ["the wrong policy config", (wf) => ((previewStep(wf).with ?? {}).policyPackConfigs = "policies/config/prod.json"), "pulumi preview of staging uses policy config policies/config/prod.json"],
    ["a stack name without the org", (wf) => ((previewStep(wf).with ?? {})["stack-name"] = `promptandpause/${ghExpr("matrix.stack")}`), "no pulumi preview of organization/promptandpause/staging"],
    ["preview not waiting for the plan", (wf) => delete job(wf, "preview").needs, "pulumi preview of prod does not wait for the tests and offline plan"],
    ["pulumi/actions commenting too", (wf) => ((previewStep(wf).with ?? {})["comment-on-pr"] = true), "comment-on-pr is on"],
    ["pulumi up on a pull request", (wf) => ((previewStep(wf).with ?? {}).command = "up"), "a pull request must not run pulumi up"],
    ["the comment job without a write scope", (wf) => (job(wf, "comment").permissions = { "pull-requests": "read" }), "exactly one job may have pull-requests: write (got 0)"],
    ["the plan job with a write scope", (wf) => (job(wf, "plan").permissions = { contents: "read", "pull-requests": "write" }), "exactly one job may have pull-requests: write (got 2)"],
    ["a new comment on every push", (wf) => {
      const s = step(job(wf, "comment"), (x) => x.uses?.startsWith("actions/github-script@") === true);
      (s.with ?? {}).script = "await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body: 'report' });";
    }, "must update one marked comment"],
    ["no report when the plan fails", (wf) => (job(wf, "comment").if = "github.event.pull_request.head.repo.full_name == github.repository"), "must also run when the plan failed"],
    ["no cancel-in-progress", (wf) => (wf.concurrency = { group: `preview-${ghExpr("github.event.pull_request.number")}`, "cancel-in-progress": false }), "concurrency: must group by pull request number"],
    ["a global concurrency group", (wf) => (wf.concurrency = { group: "preview", "cancel-in-progress": true }), "concurrency: must group by pull request number"],
    ["a trigger for every branch", (wf) => (wf.on = { pull_request: {} }), "on.pull_request: must target branch main"],
    ["no checkout of the base branch", (wf) => (job(wf, "plan").steps = (job(wf, "plan").steps ?? []).filter((s) => s.with?.ref !== BASE_SHA)), "job plan: does not check out the base branch"],
    ["the base checked out over the pull request", (wf) => delete baseCheckout(wf).with?.path, "job plan: checks out the base branch over the pull request's files"],
    ["the base checkout keeping the token", (wf) => delete baseCheckout(wf).with?.["persist-credentials"], "the base checkout keeps the token in .git"],
    ["the base planned in the pull request's directory", (wf) => delete step(job(wf, "plan"), (s) => s.id === "base-plan")["working-directory"], "job plan: plans the base of staging outside the base checkout"],
    ["the base not installed", (wf) => (job(wf, "plan").steps = (job(wf, "plan").steps ?? []).filter((s) => s.id !== "base-install")), "job plan: does not install the base branch (npm ci in base)"],
    ["the diff of prod dropped", (wf) => (step(job(wf, "plan"), (s) => s.id === "diff").run = runScript(job(wf, "plan"), "diff").replace("for stack in staging prod", "for stack in staging")), "job plan: does not diff the plan of prod against its base"],
    ["the diff before the base plan", (wf) => {
      const steps = job(wf, "plan").steps ?? [];
      const diff = steps.findIndex((s) => s.id === "diff");
      const [moved] = steps.splice(diff, 1);
      if (moved) steps.splice(steps.findIndex((s) => s.id === "base-plan"), 0, moved);
    }, "job plan: diffs staging before its base is planned"],
    ["no diff when the plan finds violations", (wf) => (step(job(wf, "plan"), (s) => s.id === "diff").if = "success()"), 'step "plan diff against the base branch (staging, prod)" is skipped when the plan finds violations'],
  ])("detects %s", (_what, mutate, expected) => {
    const wf = fresh(PREVIEW_SRC);
    mutate(wf);
    expect(previewProblems(wf)).toContainEqual(expect.stringContaining(expected));
  });
});

describe("deploy.yml (merge to main)", () => {
  it("gates on tests and plan, deploys staging, then prod through the protected environment, one update per stack at a time", () => {
    expect(deployProblems(fresh(DEPLOY_SRC))).toEqual([]);
  });

  type Mutation = [string, (wf: Workflow) => void, string];
  it.each<Mutation>([
    ["prod not waiting for staging", (wf) => (job(wf, "prod").needs = ["verify"]), "job prod: deploys prod without needing staging"],
    ["prod through an unprotected environment", (wf) => (job(wf, "prod").environment = "prod"), "job prod: environment must be production (got prod)"],
    ["prod with no environment", (wf) => delete job(wf, "prod").environment, "job prod: environment must be production (got none)"],
    ["staging not waiting for the gate", (wf) => delete job(wf, "staging").needs, "job staging: pulumi up of staging does not wait for the tests and offline plan"],
    ["deploys that cancel each other", (wf) => (job(wf, "staging").concurrency = { group: "pulumi-up-staging", "cancel-in-progress": true }), "job staging: needs concurrency with a group for staging"],
    ["no concurrency on prod", (wf) => delete job(wf, "prod").concurrency, "job prod: needs concurrency with a group for prod"],
    ["one group for both stacks", (wf) => {
      job(wf, "staging").concurrency = { group: "deploy-staging-prod", "cancel-in-progress": false };
      job(wf, "prod").concurrency = { group: "deploy-staging-prod", "cancel-in-progress": false };
    }, "staging and prod share a concurrency group"],
    ["the policy pack left out of prod", (wf) => delete step(job(wf, "prod"), (s) => s.name === "pulumi up").with?.policyPacks, "job prod: pulumi up of prod does not run the policy pack"],
    ["deploying any branch", (wf) => delete job(wf, "prod").if, "job prod: must only deploy from main"],
    ["no manual trigger", (wf) => (wf.on = { push: { branches: ["main"] } }), "on: no workflow_dispatch"],
    ["deploying on every branch", (wf) => (wf.on = { push: {}, workflow_dispatch: null }), "on.push: must deploy on push to main"],
  ])("detects %s", (_what, mutate, expected) => {
    const wf = fresh(DEPLOY_SRC);
    mutate(wf);
    expect(deployProblems(wf)).toContainEqual(expect.stringContaining(expected));
  });
});

/** Runs a workflow `run:` script the way GitHub does (`bash --noprofile --norc -eo pipefail`). */
function bash(script: string, cwd: string, env: Record<string, string>) {
  const file = path.join(tempDir("script"), "step.sh");
  writeFileSync(file, script);
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the offline-plan step (run as a process with a fake npm)", () => {
  const FAKE_NPM = `#!/usr/bin/env bash
# fake npm: records its arguments; for \`run -s plan -- --stack S … --markdown M\` exits with $FAKE_EXIT_S
echo "$*" >> "$FAKE_LOG"
stack=""; md=""
while [ $# -gt 0 ]; do case "$1" in --stack) stack=$2; shift ;; --markdown) md=$2; shift ;; esac; shift; done
var="FAKE_EXIT_$stack"; code=\${!var:-0}
if [ "$code" -le 1 ]; then printf '## Offline plan: \`promptandpause/%s\`\\n' "$stack" > "$md"; fi
exit "$code"
`;
  const script = runScript(job(fresh(PREVIEW_SRC), "plan"), "plan");

  function runPlanStep(staging: number, prod: number) {
    const base = tempDir("plan");
    const bin = path.join(base, "bin");
    const work = path.join(base, "work");
    mkdirSync(bin);
    mkdirSync(work);
    writeFileSync(path.join(bin, "npm"), FAKE_NPM);
    chmodSync(path.join(bin, "npm"), 0o755);
    const summary = path.join(base, "summary.md");
    const log = path.join(base, "npm.log");
    const r = bash(script, work, {
      PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      GITHUB_STEP_SUMMARY: summary,
      FAKE_LOG: log,
      FAKE_EXIT_staging: String(staging),
      FAKE_EXIT_prod: String(prod),
    });
    const out = (f: string) => (existsSync(path.join(work, "out", f)) ? readFileSync(path.join(work, "out", f), "utf8").trim() : undefined);
    return { ...r, out, calls: readFileSync(log, "utf8").trim().split("\n"), summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
  }

  it("plans both stacks with the documented arguments and passes when both are clean", () => {
    const r = runPlanStep(0, 0);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(
      ["staging", "prod"].map((s) => `run -s plan -- --stack ${s} --json out/plan-${s}.json --markdown out/plan-${s}.md`),
    );
    expect([r.out("exit-staging.txt"), r.out("exit-prod.txt")]).toEqual(["0", "0"]);
    expect(r.summary).toContain("## Offline plan: `promptandpause/staging`");
    expect(r.summary).toContain("## Offline plan: `promptandpause/prod`");
  });

  it.each([
    [1, 0, "offline plan (staging)::mandatory policy violations (exit 1)"],
    [0, 1, "offline plan (prod)::mandatory policy violations (exit 1)"],
    [0, 2, "offline plan (prod)::invalid configuration (exit 2)"],
    [3, 0, "offline plan (staging)::the plan failed (exit 3)"],
  ])("staging exit %i, prod exit %i: fails, still plans both stacks and keeps each exit code and report", (staging, prod, annotation) => {
    const r = runPlanStep(staging, prod);
    expect(r.status).toBe(1);
    expect(r.calls).toHaveLength(2);
    expect(r.stdout).toContain(`::error title=${annotation}`);
    expect([r.out("exit-staging.txt"), r.out("exit-prod.txt")]).toEqual([String(staging), String(prod)]);
    expect(r.out("plan-staging.md") !== undefined).toBe(staging <= 1);
    expect(r.out("plan-prod.md") !== undefined).toBe(prod <= 1);
  });
});

describe("the base-branch plan and diff steps (run as processes with a fake npm)", () => {
  const FAKE_NPM = `#!/usr/bin/env bash
# fake npm: records its arguments and the directory it ran in. \`--json F\` (base plan) writes F
# unless $FAKE_BASE_EXIT_<stack> >= 2; \`--diff-against B --markdown M\` writes M (also on a crash,
# exit 3, to show the step drops a partial report) and exits $FAKE_DIFF_EXIT_<stack>.
echo "$(basename "$PWD"): $*" >> "$FAKE_LOG"
stack=""; json=""; md=""; against=""
while [ $# -gt 0 ]; do case "$1" in --stack) stack=$2; shift ;; --json) json=$2; shift ;; --markdown) md=$2; shift ;; --diff-against) against=$2; shift ;; esac; shift; done
if [ -n "$json" ]; then var="FAKE_BASE_EXIT_$stack"; code=\${!var:-0}; if [ "$code" -le 1 ]; then echo '{}' > "$json"; fi; exit "$code"; fi
if [ -n "$against" ]; then var="FAKE_DIFF_EXIT_$stack"; code=\${!var:-0}; [ -f "$against" ] || exit 9; printf '## diff %s\\n' "$stack" > "$md"; exit "$code"; fi
exit 0
`;
  const wf = fresh(PREVIEW_SRC);
  const basePlan = runScript(job(wf, "plan"), "base-plan");
  const diff = runScript(job(wf, "plan"), "diff");

  function runSteps(env: Record<string, string>) {
    const dir = tempDir("diff");
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    mkdirSync(bin);
    mkdirSync(path.join(work, "base"), { recursive: true });
    writeFileSync(path.join(bin, "npm"), FAKE_NPM);
    chmodSync(path.join(bin, "npm"), 0o755);
    const summary = path.join(dir, "summary.md");
    const log = path.join(dir, "npm.log");
    const common = { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, GITHUB_STEP_SUMMARY: summary, FAKE_LOG: log, ...env };
    const base = bash(basePlan, path.join(work, "base"), common);
    const head = bash(diff, work, common);
    const out = (f: string) => (existsSync(path.join(work, "out", f)) ? readFileSync(path.join(work, "out", f), "utf8").trim() : undefined);
    return { base, head, out, calls: readFileSync(log, "utf8").trim().split("\n"), summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
  }

  it("plans both stacks in the base checkout, then diffs each stack in the pull request's checkout", () => {
    const r = runSteps({});
    expect(r.calls).toEqual([
      "base: run -s plan -- --stack staging --json ../out/base-staging.json",
      "base: run -s plan -- --stack prod --json ../out/base-prod.json",
      "work: run -s plan -- --stack staging --diff-against out/base-staging.json --markdown out/diff-staging.md",
      "work: run -s plan -- --stack prod --diff-against out/base-prod.json --markdown out/diff-prod.md",
    ]);
    expect([r.out("diff-staging.md"), r.out("diff-prod.md")]).toEqual(["## diff staging", "## diff prod"]);
    expect(r.summary).toContain("## diff prod");
    expect([r.base.status, r.head.status]).toEqual([0, 0]);
  });

  it("keeps the diff of a plan with violations (exit 1) without a warning", () => {
    const r = runSteps({ FAKE_DIFF_EXIT_prod: "1" });
    expect(r.out("diff-prod.md")).toBe("## diff prod");
    expect(r.head.stdout).not.toContain("::warning");
    expect(r.head.status).toBe(0);
  });

  it.each([
    ["a base that does not plan", { FAKE_BASE_EXIT_prod: "2" }, "plan diff (prod)::the base branch could not be planned"],
    ["a diff that crashes", { FAKE_DIFF_EXIT_prod: "3" }, "plan diff (prod)::the diff failed (exit 3"],
  ])("%s: warns, leaves no diff report for that stack (the comment falls back to the full plan), still diffs the other, never fails", (_what, env, warning) => {
    const r = runSteps(env);
    expect(r.head.stdout).toContain(`::warning title=${warning}`);
    expect(r.out("diff-prod.md")).toBeUndefined();
    expect(r.out("diff-staging.md")).toBe("## diff staging");
    expect([r.base.status, r.head.status]).toEqual([0, 0]);
  });
});

describe("the CI-settings step (run as a process)", () => {
  const script = runScript(job(fresh(PREVIEW_SRC), "preview"), "settings");
  const ok = {
    STACK: "staging",
    ROLE_KIND: "preview",
    ROLE_ARN: "arn:aws:iam::210987654321:role/promptandpause-staging-ci-preview",
    ROLE_VARIABLE: "AWS_PREVIEW_ROLE_ARN_STAGING",
    BACKEND_URL: "s3://promptandpause-pulumi-state-210987654321?region=eu-west-2",
    BACKEND_VARIABLE: "PULUMI_BACKEND_URL_STAGING",
  };
  const PLAIN = "config:\n  promptandpause:environment: staging\n";
  const KMS = `secretsprovider: awskms://alias/promptandpause-pulumi?region=eu-west-2\nencryptedkey: AQICAH\n${PLAIN}`;
  const SALT = `encryptionsalt: v1:c2FsdA==:v1:aXY=:dGFn\n${PLAIN}`;
  const CLOUD = `secretsprovider: default\n${PLAIN}`;

  function run(stackFile: string | undefined, env: Partial<typeof ok>) {
    const dir = tempDir("settings");
    if (stackFile !== undefined) writeFileSync(path.join(dir, "Pulumi.staging.yaml"), stackFile);
    return bash(script, dir, { ...ok, ...env });
  }

  it.each([
    ["preview: awskms stack, role and backend set", KMS, {}],
    ["deploy: the environment's variables", KMS, { ROLE_KIND: "deploy", ROLE_ARN: "arn:aws:iam::210987654321:role/promptandpause-staging-ci-deploy", ROLE_VARIABLE: "AWS_DEPLOY_ROLE_ARN", BACKEND_VARIABLE: "PULUMI_BACKEND_URL" }],
  ])("passes: %s", (_what, file, env) => {
    const r = run(file, env);
    expect(r.stdout).toContain("settings for staging: ok");
    expect(r.status).toBe(0);
  });

  it.each([
    ["no role", KMS, { ROLE_ARN: "" }, ["vars.AWS_PREVIEW_ROLE_ARN_STAGING: must be an IAM role ARN (got nothing). Set it to the stack output ci.previewRoleArn (pulumi stack output ci -s staging)."]],
    ["a role name instead of its ARN", KMS, { ROLE_KIND: "deploy", ROLE_VARIABLE: "AWS_DEPLOY_ROLE_ARN", ROLE_ARN: "promptandpause-staging-ci-deploy" }, ["vars.AWS_DEPLOY_ROLE_ARN: must be an IAM role ARN (got promptandpause-staging-ci-deploy). Set it to the stack output ci.deployRoleArn"]],
    ["no backend", KMS, { BACKEND_URL: "" }, ["vars.PULUMI_BACKEND_URL_STAGING: must be the state bucket's s3:// URL (got nothing). Set it to the bootstrap's backendUrl output"]],
    ["Pulumi Cloud instead of the bucket", KMS, { BACKEND_URL: "https://api.pulumi.com" }, ["vars.PULUMI_BACKEND_URL_STAGING: must be the state bucket's s3:// URL (got https://api.pulumi.com)"]],
    ["passphrase secrets", SALT, {}, ["Pulumi.staging.yaml: secretsprovider must be awskms:// (got nothing). Create the stack with: pulumi stack init staging --secrets-provider 'awskms://alias/promptandpause-pulumi?region=<region>'"]],
    ["Pulumi Cloud secrets", CLOUD, {}, ["Pulumi.staging.yaml: secretsprovider must be awskms:// (got default)"]],
    ["no stack file", undefined, {}, ["Pulumi.staging.yaml: missing (got no file)"]],
    ["everything missing at once", SALT, { ROLE_ARN: "", BACKEND_URL: "" }, ["secretsprovider must be awskms://", "vars.PULUMI_BACKEND_URL_STAGING: must be", "vars.AWS_PREVIEW_ROLE_ARN_STAGING: must be"]],
  ])("fails with every problem named: %s", (_what, file, env, messages) => {
    const r = run(file, env);
    expect(r.status).toBe(1);
    const errors = r.stdout.split("\n").filter((l) => l.startsWith("::error title=CI settings::"));
    expect(errors).toHaveLength(messages.length);
    for (const m of messages) expect(r.stdout).toContain(m);
  });
});

describe("the report comment (github-script body run with a fake GitHub client)", () => {
  const MARKER = "<!-- promptandpause:plan-report -->";
  const commentStep = step(job(fresh(PREVIEW_SRC), "comment"), (s) => s.uses?.startsWith("actions/github-script@") === true);
  const script = String(commentStep.with?.script);
  type Comment = { id: number; body: string; user: { type: string } };
  type Call = { issue_number?: number; comment_id?: number; body: string };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

  async function post(reports: Record<string, string>, existing: Comment[], planResult = "success") {
    const dir = tempDir("comment");
    for (const [file, text] of Object.entries(reports)) writeFileSync(path.join(dir, file), text);
    // The step's environment (the workflow's `env:`), handed to the script as its `process`: the
    // body reads only process.env, and the test process's own environment stays untouched. Only
    // the step's own variables are here: a runner variable the body might read later would be
    // undefined, so add it here too.
    const stepProcess = { env: { REPORT_DIR: dir, PLAN_RESULT: planResult, RUN_URL: "https://github.com/o/r/actions/runs/1", HEAD_SHA: "0123456789abcdef" } };
    const created: Call[] = [];
    const updated: Call[] = [];
    const listed: number[] = [];
    const listComments = async () => ({ data: existing });
    const github = {
      paginate: async (fn: unknown, params: { issue_number: number }) => {
        if (fn !== listComments) throw new Error("paginate called with something other than issues.listComments");
        listed.push(params.issue_number);
        return existing;
      },
      rest: {
        issues: {
          listComments,
          createComment: async (p: Call) => {
            created.push(p);
            return { data: { id: 999 } };
          },
          updateComment: async (p: Call) => {
            updated.push(p);
            return { data: {} };
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 42 } };
    const core = { info: () => undefined };
    await new AsyncFunction("require", "github", "context", "core", "process", script)(createRequire(__filename), github, context, core, stepProcess);
    return { created, updated, listed };
  }

  const clean = { "exit-staging.txt": "0\n", "exit-prod.txt": "0\n", "plan-staging.md": "## Offline plan: `promptandpause/staging`\n\nS-REPORT\n", "plan-prod.md": "## Offline plan: `promptandpause/prod`\n\nP-REPORT\n" };

  it("creates one marked comment with both reports when none exists", async () => {
    const r = await post(clean, []);
    expect(r.listed).toEqual([42]);
    expect(r.updated).toEqual([]);
    expect(r.created).toHaveLength(1);
    const body = r.created[0]?.body ?? "";
    expect(r.created[0]?.issue_number).toBe(42);
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain("| `staging` | ✅ clean (exit 0) |");
    expect(body).toContain("| `prod` | ✅ clean (exit 0) |");
    expect(body.indexOf("S-REPORT")).toBeLessThan(body.indexOf("P-REPORT"));
    expect(body).toContain("Commit `0123456`");
  });

  it("updates its own earlier comment instead of adding another, and never edits a person's comment", async () => {
    const r = await post(clean, [
      { id: 5, body: `quoting ${MARKER}`, user: { type: "User" } },
      { id: 7, body: `${MARKER}\nold report`, user: { type: "Bot" } },
      { id: 8, body: "unrelated bot comment", user: { type: "Bot" } },
    ]);
    expect(r.created).toEqual([]);
    expect(r.updated.map((u) => u.comment_id)).toEqual([7]);
    expect(r.updated[0]?.body).toContain("S-REPORT");
  });

  it("creates a new comment when only a person quoted the marker", async () => {
    const r = await post(clean, [{ id: 5, body: MARKER, user: { type: "User" } }]);
    expect(r.updated).toEqual([]);
    expect(r.created).toHaveLength(1);
  });

  it("reports failures: violations with their report, invalid configuration without one", async () => {
    const r = await post({ "exit-staging.txt": "1", "plan-staging.md": "## staging\n\nVIOLATIONS\n", "exit-prod.txt": "2" }, [], "failure");
    const body = r.created[0]?.body ?? "";
    expect(body).toContain("| `staging` | ❌ mandatory policy violations (exit 1) |");
    expect(body).toContain("VIOLATIONS");
    expect(body).toContain("| `prod` | ❌ invalid configuration (exit 2) |");
    expect(body).toContain("## Offline plan: `prod`\n\n_No report was produced: see the job log._");
  });

  it("says the plan did not run when the job failed before it (and still posts, replacing a stale report)", async () => {
    const r = await post({}, [{ id: 7, body: `${MARKER}\n✅ clean`, user: { type: "Bot" } }], "failure");
    const body = r.updated[0]?.body ?? "";
    expect(body).toContain("| `staging` | ⚠️ not run (job result: failure;");
    expect(body).toContain("| `prod` | ⚠️ not run (job result: failure;");
    expect(body).not.toContain("✅");
  });

  it("shows each stack's diff against the base when there is one, else its full plan", async () => {
    const r = await post({ ...clean, "diff-prod.md": "## Offline plan: `promptandpause/prod` — what this pull request changes\n\nP-DIFF\n" }, []);
    const body = r.created[0]?.body ?? "";
    expect(body).toContain("P-DIFF");
    expect(body).not.toContain("P-REPORT");
    expect(body).toContain("S-REPORT");
  });

  it("stays under GitHub's 65536-character limit and closes a cut code block", async () => {
    const huge = `## staging\n\n\`\`\`mermaid\nflowchart LR\n${"  a --> b\n".repeat(20_000)}\`\`\`\n`;
    const r = await post({ ...clean, "plan-staging.md": huge }, []);
    const body = r.created[0]?.body ?? "";
    expect(huge.length).toBeGreaterThan(65_536);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("truncated: the full report is in the `plan-reports` artifact");
    expect((body.match(/```/g) ?? []).length % 2).toBe(0);
    expect(body).toContain("P-REPORT");
  });
});

describe("AWS through GitHub OIDC: the jobs match the roles' trust (components/ci)", () => {
  /** `promptandpause:ci.deployEnvironment` of each stack file: what its deploy role trusts. */
  const expectations = (): OidcExpectations => ({
    deployEnvironment: Object.fromEntries(
      STACKS.map((stack) => {
        const config = (parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, { deployEnvironment?: string }> }).config;
        return [stack, String(config["promptandpause:ci"]?.deployEnvironment)];
      }),
    ) as OidcExpectations["deployEnvironment"],
  });

  it("the stack files pin the environments deploy.yml uses", () => {
    expect(expectations().deployEnvironment).toEqual(ENVIRONMENT_OF);
  });

  it.each([["preview.yml", PREVIEW_SRC], ["deploy.yml", DEPLOY_SRC]])("%s: every job that assumes a role has id-token: write, the right role, backend and environment", (_file, src) => {
    expect(oidcProblems(fresh(src), expectations())).toEqual([]);
  });

  it("expands the preview matrix's include entries into one variant per stack", () => {
    expect(matrixVariants(job(fresh(PREVIEW_SRC), "preview")).map((v) => [v.stack, v["preview-role"]])).toEqual([
      ["staging", ghExpr("vars.AWS_PREVIEW_ROLE_ARN_STAGING")],
      ["prod", ghExpr("vars.AWS_PREVIEW_ROLE_ARN_PROD")],
    ]);
    expect(matrixVariants({ strategy: { matrix: { stack: ["a", "b"], include: [{ stack: "a", x: "1" }, { stack: "c" }] } } })).toEqual([{ stack: "a", x: "1" }, { stack: "b" }, { stack: "c" }]);
  });

  type Mutation = [string, string, (wf: Workflow) => void, string, OidcExpectations?];
  const creds = (j: Job) => step(j, (s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
  it.each<Mutation>([
    ["a deploy job without id-token: write", DEPLOY_SRC, (wf) => (job(wf, "staging").permissions = { contents: "read" }), "job staging: assumes an AWS role without permissions id-token: write"],
    ["id-token: write on a job that assumes nothing", PREVIEW_SRC, (wf) => (job(wf, "plan").permissions = { contents: "read", "id-token": "write" }), "job plan: has id-token: write but assumes no AWS role"],
    ["prod deployed from an environment its role does not trust", DEPLOY_SRC, (wf) => (job(wf, "prod").environment = "prod"), "job prod: pulumi up of prod runs in environment prod, but its deploy role trusts only production"],
    ["a stack file pinning another environment", DEPLOY_SRC, () => undefined, "job staging: pulumi up of staging runs in environment staging, but its deploy role trusts only stage", { deployEnvironment: { staging: "stage", prod: "production" } }],
    ["a preview job in an environment", PREVIEW_SRC, (wf) => (job(wf, "preview").environment = "staging"), "pulumi preview runs in environment staging; the preview role trusts only the pull_request subject"],
    ["the staging preview assuming prod's role", PREVIEW_SRC, (wf) => {
      const include = job(wf, "preview").strategy?.matrix?.include as Record<string, string>[];
      (include[0] as Record<string, string>)["preview-role"] = ghExpr("vars.AWS_PREVIEW_ROLE_ARN_PROD");
    }, `pulumi preview of staging must assume ${ghExpr("vars.AWS_PREVIEW_ROLE_ARN_STAGING")}`],
    ["a deploy assuming the preview role", DEPLOY_SRC, (wf) => ((creds(job(wf, "prod")).with ?? {})["role-to-assume"] = ghExpr("vars.AWS_PREVIEW_ROLE_ARN_PROD")), `pulumi up of prod must assume ${ghExpr("vars.AWS_DEPLOY_ROLE_ARN")}`],
    ["long-lived access keys", DEPLOY_SRC, (wf) => ((creds(job(wf, "prod")).with ?? {})["aws-access-key-id"] = ghExpr("secrets.AWS_ACCESS_KEY_ID")), "job prod: configure-aws-credentials with aws-access-key-id; use the OIDC role only"],
    ["credentials after the pulumi step", DEPLOY_SRC, (wf) => {
      const j = job(wf, "staging");
      const steps = j.steps ?? [];
      const c = steps.findIndex((s) => s.uses?.startsWith("aws-actions/") === true);
      const [moved] = steps.splice(c, 1);
      if (moved) steps.push(moved);
    }, "job staging: runs pulumi before assuming an AWS role"],
    ["the deploy logging in to another backend", DEPLOY_SRC, (wf) => ((step(job(wf, "prod"), (s) => s.name === "pulumi up").with ?? {})["cloud-url"] = ghExpr("vars.PULUMI_BACKEND_URL_STAGING")), `pulumi up of prod must log in to ${ghExpr("vars.PULUMI_BACKEND_URL")}`],
  ])("detects %s", (_what, src, mutate, expected, expectOverride) => {
    const wf = fresh(src);
    mutate(wf);
    expect(oidcProblems(wf, expectOverride ?? expectations())).toContainEqual(expect.stringContaining(expected));
  });

  it("the pipelines refuse a preview without the S3 backend", () => {
    const wf = fresh(PREVIEW_SRC);
    delete step(job(wf, "preview"), (s) => s.name === "pulumi preview").with?.["cloud-url"];
    expect(previewProblems(wf)).toContainEqual(expect.stringContaining(`must log in to the S3 state backend from a variable (cloud-url: ${ghExpr("vars.…")}; got none)`));
  });
});
