/**
 * Pure checks over GitHub Actions workflows: each returns the list of problems it finds (empty when
 * the workflow is right), so a test can feed it the real workflow and mutated copies alike.
 *
 * The schema is checked by `@action-validator/core` (SchemaStore's workflow schema plus job-graph
 * checks such as unresolved `needs`); everything here is what a schema cannot know: what the
 * pipeline must do for this project, and its security rules.
 */
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

/** One step as written in a workflow. */
export interface Step {
  name?: string;
  id?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One job as written in a workflow (only the keys the checks read are typed). */
export interface Job {
  name?: string;
  needs?: string | string[];
  if?: unknown;
  permissions?: unknown;
  environment?: string | { name?: string; url?: string };
  concurrency?: string | { group?: string; "cancel-in-progress"?: unknown };
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  steps?: Step[];
  [key: string]: unknown;
}

/** A parsed workflow. */
export interface Workflow {
  name?: string;
  on?: unknown;
  permissions?: unknown;
  concurrency?: string | { group?: string; "cancel-in-progress"?: unknown };
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
  [key: string]: unknown;
}

/** The stacks every pipeline must cover, in deploy order. */
export const STACKS = ["staging", "prod"] as const;

/** The GitHub environment each stack deploys through (`production` is the protected one). */
export const ENVIRONMENT_OF: Record<(typeof STACKS)[number], string> = { staging: "staging", prod: "production" };

/** Parses workflow YAML (YAML 1.2, so the `on:` key stays the string "on"). */
export function parseWorkflow(src: string): Workflow {
  const doc = parse(src) as unknown;
  if (typeof doc !== "object" || doc === null || !("jobs" in doc)) throw new Error("not a workflow: no top-level `jobs`");
  return doc as Workflow;
}

type ValidatorError = ReturnType<typeof validateWorkflow>["errors"][number];

/**
 * Errors from the schema validator, one line each: `<path>: <title> (<detail>)`. A `oneOf` error
 * is followed by the errors of each alternative it tried (indented), which is where the real
 * cause (`Additional property 'stepz' is not allowed`) is named.
 */
export function validatorErrors(src: string): string[] {
  const lines: string[] = [];
  const walk = (errors: ValidatorError[], depth: number) => {
    for (const e of errors) {
      lines.push(`${"  ".repeat(depth)}${"path" in e ? e.path : ""}: ${e.title}${e.detail ? ` (${e.detail})` : ""}`);
      for (const state of ("states" in e && e.states) || []) walk(state.errors, depth + 1);
    }
  };
  walk(validateWorkflow(src).errors, 0);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Reading helpers

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The job ids a job lists in `needs`. */
export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job that must finish before `jobId` starts (transitively). */
export function needsClosure(wf: Workflow, jobId: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const dep of needsOf(wf.jobs[id] ?? {})) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(jobId);
  return seen;
}

/** The environment name of a job, if any. */
export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/**
 * Every assignment of matrix values (`[{}]` for a job without a matrix), as GitHub expands it:
 * the cross product of the list keys, then each `include` entry extends every combination whose
 * original keys it does not contradict, or is added as its own combination when it extends none
 * (GitHub Docs, "Expanding or adding matrix configurations"). `exclude` is not used here.
 */
export function matrixVariants(job: Job): Record<string, string>[] {
  const matrix = job.strategy?.matrix;
  if (!matrix) return [{}];
  let variants: Record<string, string>[] = [{}];
  const listKeys: string[] = [];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === "include" || key === "exclude" || !Array.isArray(values)) continue;
    listKeys.push(key);
    variants = variants.flatMap((v) => values.map((value) => ({ ...v, [key]: String(value) })));
  }
  const original = listKeys.length === 0 ? [] : [...variants];
  if (listKeys.length === 0) variants = [];
  const include = Array.isArray(matrix.include) ? (matrix.include as Record<string, unknown>[]) : [];
  for (const entry of include) {
    const values = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)]));
    const pinned = Object.keys(values).filter((k) => listKeys.includes(k));
    const matching = original.filter((v) => pinned.every((k) => v[k] === values[k]));
    if (matching.length > 0) for (const v of matching) Object.assign(v, values);
    else variants.push(values);
  }
  return variants.length === 0 ? [{}] : variants;
}

/** Replaces `${{ matrix.x }}` with the variant's values. */
export function substituteMatrix(text: string, variant: Record<string, string>): string {
  return text.replace(/\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, key: string) => variant[key] ?? whole);
}

/**
 * The shell commands a script runs, one per line, with simple `for VAR in a b; do … done` loops
 * unrolled, quotes removed and `|| …` / `&& …` tails dropped. Good enough to find `npm` commands;
 * not a shell parser.
 */
export function commandsOf(script: string): string[] {
  const lines = script.split("\n").map((l) => l.trim());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const loop = /^for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([^;]+);\s*do$/.exec(line);
    if (!loop) {
      out.push(line);
      continue;
    }
    const [, name = "", list = ""] = loop;
    const end = lines.indexOf("done", i + 1);
    const body = lines.slice(i + 1, end === -1 ? lines.length : end);
    for (const value of list.trim().split(/\s+/)) {
      for (const b of body) out.push(b.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}\\b`, "g"), value));
    }
    i = end === -1 ? lines.length : end;
  }
  return out
    .map((l) => l.replace(/["']/g, "").split(/\s(?:\|\||&&)\s/)[0]?.trim() ?? "")
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Every command a job runs, in step order. */
export function jobCommands(job: Job): string[] {
  return (job.steps ?? []).flatMap((s) => (typeof s.run === "string" ? commandsOf(s.run) : []));
}

/** A `pulumi/actions` step, resolved for one matrix variant. */
export interface PulumiInvocation {
  jobId: string;
  command: string;
  stackName: string;
  policyPacks: string[];
  policyPackConfigs: string[];
  commentOnPr: boolean;
  pulumiVersion: string | undefined;
  /** `cloud-url` (the `pulumi login` URL), resolved for the variant. */
  cloudUrl: string | undefined;
  /** `role-to-assume` of the job's configure-aws-credentials step before this one, resolved for the variant. */
  roleToAssume: string | undefined;
}

const lineList = (v: unknown): string[] =>
  v === undefined
    ? []
    : String(v)
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);

/** Every `pulumi/actions` step of the workflow, one entry per matrix variant. */
export function pulumiInvocations(wf: Workflow): PulumiInvocation[] {
  const found: PulumiInvocation[] = [];
  for (const [jobId, job] of Object.entries(wf.jobs)) {
    for (const variant of matrixVariants(job)) {
      let roleToAssume: string | undefined;
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith(AWS_CREDENTIALS_ACTION) && step.with?.["role-to-assume"] !== undefined) {
          roleToAssume = substituteMatrix(String(step.with["role-to-assume"]), variant);
        }
        if (!step.uses?.startsWith("pulumi/actions@")) continue;
        const input = (key: string) => (step.with?.[key] === undefined ? undefined : substituteMatrix(String(step.with[key]), variant));
        found.push({
          cloudUrl: input("cloud-url"),
          roleToAssume,
          jobId,
          command: input("command") ?? "",
          stackName: input("stack-name") ?? "",
          policyPacks: lineList(input("policyPacks")),
          policyPackConfigs: lineList(input("policyPackConfigs")),
          commentOnPr: input("comment-on-pr") === "true",
          pulumiVersion: input("pulumi-version"),
        });
      }
    }
  }
  return found;
}

/** A GitHub expression as written in a workflow: `ghExpr("matrix.stack")` is `${{ matrix.stack }}`. */
export const ghExpr = (inner: string) => `\${{ ${inner} }}`;

/**
 * The fully qualified stack name the pipelines must use for `stack`: a DIY (S3) backend accepts
 * only the organization `organization` (pulumi/pulumi pkg/backend/diy/store.go ParseReference).
 */
export const qualifiedStack = (stack: string) => `organization/promptandpause/${stack}`;

/** The action that exchanges the job's OIDC token for AWS credentials. */
export const AWS_CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials@";

/** The offline-plan command of `.ci/run` for one stack (quotes removed, `-s` optional). */
const planCommand = (stack: string) =>
  new RegExp(`^npm run (-s )?plan -- --stack ${stack} --json out/plan-${stack}\\.json --markdown out/plan-${stack}\\.md$`);

/** Ids of the jobs that run `npm ci`, `npm test` and the offline plan of both stacks, in that order. */
export function gateJobs(wf: Workflow): string[] {
  return Object.entries(wf.jobs)
    .filter(([, job]) => {
      const cmds = jobCommands(job);
      const at = (re: RegExp) => cmds.findIndex((c) => re.test(c));
      const ci = at(/^npm ci\b/);
      const test = at(/^npm (run )?test\b/);
      const plans = STACKS.map((s) => at(planCommand(s)));
      return ci !== -1 && test > ci && plans.every((p) => p > test);
    })
    .map(([id]) => id);
}

// ---------------------------------------------------------------------------------------------
// Rules for every workflow

/** Top-level `permissions` must be an explicit read-only map; no job may use `write-all`/`read-all` shorthands. */
export function permissionProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  if (wf.permissions === undefined) problems.push("workflow: no top-level `permissions` (the token would get the repository default)");
  else if (!isRecord(wf.permissions)) problems.push(`workflow: permissions must be a map of scopes (got ${JSON.stringify(wf.permissions)})`);
  else {
    for (const [scope, level] of Object.entries(wf.permissions)) {
      if (level === "write") problems.push(`workflow: top-level permissions grant ${scope}: write; grant writes per job only`);
    }
  }
  for (const [id, job] of Object.entries(wf.jobs)) {
    if (job.permissions !== undefined && !isRecord(job.permissions)) {
      problems.push(`job ${id}: permissions must be a map of scopes (got ${JSON.stringify(job.permissions)})`);
    }
    for (const [scope, level] of Object.entries(isRecord(job.permissions) ? job.permissions : {})) {
      if (!["read", "write", "none"].includes(String(level))) problems.push(`job ${id}: permissions.${scope} must be read, write or none (got ${JSON.stringify(level)})`);
    }
  }
  return problems;
}

/** `owner/repo[/path]@v<major>[.<minor>[.<patch>]]` or a full commit SHA; local (`./`) and `docker://` are exempt. */
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

/** Every `uses:` is pinned to a version tag or a commit SHA (never a branch such as `@main`). */
export function pinningProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const uses = [job.uses, ...(job.steps ?? []).map((s) => s.uses)].filter((u): u is string => typeof u === "string");
    for (const u of uses) {
      if (u.startsWith("./") || u.startsWith("docker://")) continue;
      if (!PINNED.test(u)) problems.push(`job ${id}: uses ${u} is not pinned to a version tag (vN) or a commit SHA`);
    }
  }
  return problems;
}

/** Keys whose value is a credential. */
const SECRET_KEY = /TOKEN|PASSWORD|PASSPHRASE|SECRET|PRIVATE_KEY|API_KEY|ACCESS_KEY/i;
/** A value that is one expression and nothing else (`${{ secrets.X }}`, `${{ github.token }}`, `${{ secrets.X != '' }}`). */
const ONLY_EXPRESSION = /^\$\{\{[^}]*\}\}$/;
/** Shapes of real credentials that must never appear in a workflow file. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
  ["Pulumi access token", /\bpul-[0-9a-f]{40}\b/],
  ["GitHub token", /\b(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/],
  ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["Stripe key", /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/**
 * Secrets are referenced, never inlined, and reach only the steps that need them:
 * - a credential-named env var or input holds a single `${{ … }}` expression, never a literal;
 * - `secrets.*` appears only in a step's own `env`/`with`, never in workflow/job `env`, in a `run`
 *   script (it would be templated into the script text) or in a step that runs `npm` (dependency
 *   install scripts and tests must not see credentials);
 * - nothing shaped like a real credential appears anywhere in the file.
 */
export function secretProblems(wf: Workflow, src: string): string[] {
  const problems: string[] = [];
  // A secret is used through an expression (`${{ secrets.X }}`); an `if:` may also be a bare expression.
  const mentionsSecret = (v: unknown) => /\$\{\{[^}]*\bsecrets\./.test(JSON.stringify(v ?? null));
  const ifMentionsSecret = (v: unknown) => /\bsecrets\./.test(JSON.stringify(v ?? null));
  const checkMap = (where: string, map: Record<string, unknown> | undefined) => {
    for (const [key, value] of Object.entries(map ?? {})) {
      if (key === "github-token" || !SECRET_KEY.test(key)) continue;
      if (!ONLY_EXPRESSION.test(String(value).trim())) problems.push(`${where}: ${key} is a literal; reference a secret (\${{ secrets.${key.toUpperCase().replace(/-/g, "_")} }}) instead`);
    }
  };
  if (mentionsSecret(wf.env)) problems.push("workflow env: references secrets (every job and step would see them); move them to the step that needs them");
  checkMap("workflow env", wf.env);
  for (const [id, job] of Object.entries(wf.jobs)) {
    if (ifMentionsSecret(job.if)) problems.push(`job ${id}: if references secrets (not allowed by GitHub); test a variable instead`);
    if (mentionsSecret(job.env)) problems.push(`job ${id} env: references secrets (every step would see them); move them to the step that needs them`);
    checkMap(`job ${id} env`, job.env);
    for (const [i, step] of (job.steps ?? []).entries()) {
      const where = `job ${id} step ${step.name ?? step.id ?? step.uses ?? i}`;
      checkMap(`${where} env`, step.env);
      checkMap(`${where} with`, step.with);
      if (mentionsSecret(step.run)) problems.push(`${where}: run script references secrets; pass them through the step's env instead`);
      if (ifMentionsSecret(step.if)) problems.push(`${where}: if references secrets (not allowed by GitHub); test a variable instead`);
      if (typeof step.run === "string" && /\bnpm\b/.test(step.run) && mentionsSecret(step.env)) {
        problems.push(`${where}: runs npm with secrets in its env; dependency scripts would see them`);
      }
    }
  }
  for (const [what, shape] of CREDENTIAL_SHAPES) {
    if (shape.test(src)) problems.push(`file: contains something shaped like a ${what}; remove it and rotate it`);
  }
  return problems;
}

/** Every `pulumi/actions` step installs the CLI version that matches the SDK in package.json. */
export function pulumiVersionProblems(wf: Workflow, sdkVersion: string): string[] {
  const pinned = wf.env?.PULUMI_CLI_VERSION;
  return pulumiInvocations(wf)
    .filter((p) => p.pulumiVersion !== sdkVersion && !(p.pulumiVersion === ghExpr("env.PULUMI_CLI_VERSION") && String(pinned) === sdkVersion))
    .map((p) => `job ${p.jobId}: pulumi CLI ${p.pulumiVersion ?? "(latest)"}${p.pulumiVersion?.includes("env.") ? ` = ${pinned}` : ""} does not match @pulumi/pulumi ${sdkVersion}`);
}

/**
 * The gate job runs the npm commands of `.ci/run` (the project's CI), in the same order, with
 * the same arguments.
 */
export function ciConsistencyProblems(wf: Workflow, ciRun: string): string[] {
  const expected = commandsOf(ciRun).filter((c) => c.startsWith("npm "));
  if (expected.length === 0) return [".ci/run: no npm commands found (cannot compare)"];
  const gates = gateJobs(wf);
  if (gates.length === 0) return ["workflow: no job runs npm ci, npm test and the offline plan of both stacks"];
  const problems: string[] = [];
  for (const id of gates) {
    const cmds = jobCommands(wf.jobs[id] ?? {});
    let from = 0;
    for (const want of expected) {
      const at = cmds.indexOf(want, from);
      if (at === -1) problems.push(`job ${id}: does not run \`${want}\` (after the previous .ci/run command) as .ci/run does`);
      else from = at + 1;
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// What each pipeline must do

const triggers = (wf: Workflow): Record<string, unknown> =>
  typeof wf.on === "string" ? { [wf.on]: null } : Array.isArray(wf.on) ? Object.fromEntries(wf.on.map((t) => [t, null])) : isRecord(wf.on) ? wf.on : {};

const branchesOf = (trigger: unknown): unknown[] | undefined => (isRecord(trigger) && Array.isArray(trigger.branches) ? trigger.branches : undefined);

function stackInvocationProblems(wf: Workflow, command: string, gates: string[]): string[] {
  const problems: string[] = [];
  const invocations = pulumiInvocations(wf).filter((p) => p.command === command);
  for (const stack of STACKS) {
    const mine = invocations.filter((p) => p.stackName === qualifiedStack(stack));
    if (mine.length === 0) {
      problems.push(`no pulumi ${command} of ${qualifiedStack(stack)}`);
      continue;
    }
    for (const p of mine) {
      if (!p.policyPacks.includes("policies")) problems.push(`job ${p.jobId}: pulumi ${command} of ${stack} does not run the policy pack (policyPacks: policies)`);
      const at = p.policyPacks.indexOf("policies");
      if (at !== -1 && p.policyPackConfigs[at] !== `policies/config/${stack}.json`) {
        problems.push(`job ${p.jobId}: pulumi ${command} of ${stack} uses policy config ${p.policyPackConfigs[at] ?? "(none)"}, not policies/config/${stack}.json`);
      }
      if (!gates.some((g) => needsClosure(wf, p.jobId).has(g))) problems.push(`job ${p.jobId}: pulumi ${command} of ${stack} does not wait for the tests and offline plan`);
      if (!p.cloudUrl || !/^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/.test(p.cloudUrl)) {
        problems.push(`job ${p.jobId}: pulumi ${command} of ${stack} must log in to the S3 state backend from a variable (cloud-url: \${{ vars.… }}; got ${p.cloudUrl ?? "none"})`);
      }
    }
  }
  return problems;
}

/** The pull request's base commit, as the workflows must name it. */
export const BASE_SHA = ghExpr("github.event.pull_request.base.sha");

const basePlanCommand = (stack: string) => new RegExp(`^npm run (-s )?plan -- --stack ${stack} --json (\\S*/)?out/base-${stack}\\.json(\\s|$)`);
const diffCommand = (stack: string) => new RegExp(`^npm run (-s )?plan -- --stack ${stack} --diff-against out/base-${stack}\\.json --markdown out/diff-${stack}\\.md(\\s|$)`);
/** A step condition that also holds when the offline plan step failed (mandatory violations). */
const runsAfterFailedPlan = (cond: unknown) => typeof cond === "string" && /failure|always\(\)/.test(cond);

/**
 * What the pull request changes: the gate job checks out the base commit in a second directory,
 * installs and plans both stacks there (`--json …/out/base-<stack>.json`), then diffs each
 * stack's plan against it (`--diff-against out/base-<stack>.json --markdown out/diff-<stack>.md`),
 * also when the plan found violations.
 */
export function baseDiffProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const id of gateJobs(wf)) {
    const steps = wf.jobs[id]?.steps ?? [];
    const checkoutAt = steps.findIndex((s) => s.uses?.startsWith("actions/checkout@") === true && s.with?.ref === BASE_SHA);
    const checkout = steps[checkoutAt];
    if (!checkout) {
      problems.push(`job ${id}: does not check out the base branch (actions/checkout with ref: ${BASE_SHA}) to plan it`);
      continue;
    }
    const dir = String(checkout.with?.path ?? "").replace(/\/$/, "");
    if (dir === "" || dir === ".") problems.push(`job ${id}: checks out the base branch over the pull request's files; give it a second directory (with.path)`);
    if (checkout.with?.["persist-credentials"] !== false) problems.push(`job ${id}: the base checkout keeps the token in .git (set persist-credentials: false)`);
    const commands = steps.flatMap((s, i) => (typeof s.run === "string" ? commandsOf(s.run).map((c) => ({ c, i, dir: String(s["working-directory"] ?? "").replace(/\/$/, ""), step: s })) : []));
    const install = commands.find((x) => /^npm ci\b/.test(x.c) && x.dir === dir && x.i > checkoutAt);
    for (const stack of STACKS) {
      const base = commands.find((x) => basePlanCommand(stack).test(x.c));
      if (!base) problems.push(`job ${id}: does not plan ${stack} on the base branch (npm run plan -- --stack ${stack} --json ../out/base-${stack}.json)`);
      else if (base.dir !== dir) problems.push(`job ${id}: plans the base of ${stack} outside the base checkout (working-directory: ${dir || "(none)"})`);
      else if (!install || install.i > base.i) problems.push(`job ${id}: does not install the base branch (npm ci in ${dir}) before planning it`);
      const diff = commands.find((x) => diffCommand(stack).test(x.c));
      if (!diff) {
        problems.push(`job ${id}: does not diff the plan of ${stack} against its base (npm run plan -- --stack ${stack} --diff-against out/base-${stack}.json --markdown out/diff-${stack}.md)`);
        continue;
      }
      if (base && diff.i <= base.i) problems.push(`job ${id}: diffs ${stack} before its base is planned`);
      if (diff.dir !== "" && diff.dir !== ".") problems.push(`job ${id}: diffs ${stack} in ${diff.dir}, not in the pull request's checkout`);
      for (const x of [base, install, diff]) {
        if (x && !runsAfterFailedPlan(x.step.if)) problems.push(`job ${id}: step "${x.step.name ?? x.step.id}" is skipped when the plan finds violations (if: must also hold on failure)`);
      }
    }
  }
  return [...new Set(problems)];
}

/** The pull-request workflow: tests, offline plan, one report comment, policy-checked previews of both stacks. */
export function previewProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  const pr = triggers(wf).pull_request;
  if (!("pull_request" in triggers(wf))) problems.push("on: not triggered by pull_request");
  else if (!branchesOf(pr)?.includes("main")) problems.push("on.pull_request: must target branch main");

  const gates = gateJobs(wf);
  if (gates.length === 0) problems.push("no job runs npm ci, npm test and the offline plan of both stacks (in that order)");
  problems.push(...stackInvocationProblems(wf, "preview", gates));
  problems.push(...baseDiffProblems(wf));
  for (const p of pulumiInvocations(wf)) {
    if (p.command !== "preview") problems.push(`job ${p.jobId}: a pull request must not run pulumi ${p.command}`);
    if (p.commentOnPr) problems.push(`job ${p.jobId}: comment-on-pr is on; the report comment already covers the pull request (one comment, not three)`);
  }

  const commenters = Object.entries(wf.jobs).filter(([, j]) => isRecord(j.permissions) && j.permissions["pull-requests"] === "write");
  if (commenters.length !== 1) problems.push(`exactly one job may have pull-requests: write (got ${commenters.length})`);
  for (const [id, job] of commenters) {
    const script = (job.steps ?? []).find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.script;
    if (typeof script !== "string" || !script.includes("updateComment") || !script.includes("<!--")) {
      problems.push(`job ${id}: must update one marked comment (actions/github-script with a <!-- marker --> and updateComment)`);
    }
    if (jobCommands(job).some((c) => c.startsWith("npm "))) problems.push(`job ${id}: runs npm with a write token; keep code execution in read-only jobs`);
    if (!gates.some((g) => needsClosure(wf, id).has(g))) problems.push(`job ${id}: does not wait for the offline plan it reports`);
    if (typeof job.if !== "string" || !/cancelled\(\)|always\(\)/.test(job.if)) problems.push(`job ${id}: must also run when the plan failed (if: \${{ !cancelled() }})`);
  }

  const c = wf.concurrency;
  if (!isRecord(c) || !String(c.group).includes("github.event.pull_request.number") || c["cancel-in-progress"] !== true) {
    problems.push("concurrency: must group by pull request number with cancel-in-progress: true");
  }
  return problems;
}

/** The deploy workflow: gate, staging, then prod through the protected environment, one update per stack at a time. */
export function deployProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  const on = triggers(wf);
  if (!branchesOf(on.push)?.includes("main")) problems.push("on.push: must deploy on push to main");
  if (!("workflow_dispatch" in on)) problems.push("on: no workflow_dispatch (manual re-deploy)");

  const gates = gateJobs(wf);
  if (gates.length === 0) problems.push("no job runs npm ci, npm test and the offline plan of both stacks (in that order)");
  problems.push(...stackInvocationProblems(wf, "up", gates));

  const upJob = (stack: string) => pulumiInvocations(wf).find((p) => p.command === "up" && p.stackName === qualifiedStack(stack))?.jobId;
  const staging = upJob("staging");
  const prod = upJob("prod");
  if (staging && prod && !needsClosure(wf, prod).has(staging)) problems.push(`job ${prod}: deploys prod without needing ${staging} (staging first)`);

  for (const stack of STACKS) {
    const id = upJob(stack);
    const job = id === undefined ? undefined : wf.jobs[id];
    if (id === undefined || job === undefined) continue;
    if (environmentOf(job) !== ENVIRONMENT_OF[stack]) problems.push(`job ${id}: environment must be ${ENVIRONMENT_OF[stack]} (got ${environmentOf(job) ?? "none"})`);
    const c = job.concurrency;
    if (!isRecord(c) || typeof c.group !== "string" || !c.group.includes(stack) || c["cancel-in-progress"] !== false) {
      problems.push(`job ${id}: needs concurrency with a group for ${stack} and cancel-in-progress: false`);
    }
    if (typeof job.if !== "string" || !job.if.includes("github.ref == 'refs/heads/main'")) problems.push(`job ${id}: must only deploy from main (if: github.ref == 'refs/heads/main')`);
  }
  const groups = STACKS.map((s) => upJob(s)).map((id) => (id === undefined ? undefined : wf.jobs[id]?.concurrency));
  if (groups[0] && groups[1] && JSON.stringify(groups[0]) === JSON.stringify(groups[1])) problems.push("staging and prod share a concurrency group");
  if (isRecord(wf.concurrency) && wf.concurrency["cancel-in-progress"] === true) problems.push("workflow concurrency cancels running deploys");
  return problems;
}

// ---------------------------------------------------------------------------------------------
// AWS through GitHub OIDC (components/ci): the jobs and the roles' trust must agree

/** What the CI roles' trust policies pin, per stack (from `promptandpause:ci` in each stack file). */
export interface OidcExpectations {
  /** `promptandpause:ci.deployEnvironment` of each stack: the only environment its deploy role trusts. */
  deployEnvironment: Record<(typeof STACKS)[number], string>;
}

const upper = (stack: string) => stack.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * - a job that assumes an AWS role has `id-token: write`, and a job that assumes none does not;
 * - credentials come only from OIDC (`role-to-assume`), never from access keys;
 * - every pulumi step runs after its job assumed a role;
 * - `pulumi up` of a stack runs in the GitHub environment its deploy role trusts and assumes
 *   `vars.AWS_DEPLOY_ROLE_ARN` (an environment variable of that environment) with the backend
 *   `vars.PULUMI_BACKEND_URL`;
 * - `pulumi preview` runs in no environment (the preview role trusts the pull_request subject,
 *   which a job with an environment never gets) and assumes that stack's preview role
 *   `vars.AWS_PREVIEW_ROLE_ARN_<STACK>` with `vars.PULUMI_BACKEND_URL_<STACK>`.
 */
export function oidcProblems(wf: Workflow, expect: OidcExpectations): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const steps = job.steps ?? [];
    const credentials = steps.filter((s) => s.uses?.startsWith(AWS_CREDENTIALS_ACTION));
    const idToken = isRecord(job.permissions) ? job.permissions["id-token"] : undefined;
    if (credentials.length > 0 && idToken !== "write") problems.push(`job ${id}: assumes an AWS role without permissions id-token: write`);
    if (credentials.length === 0 && idToken === "write") problems.push(`job ${id}: has id-token: write but assumes no AWS role (least privilege)`);
    for (const c of credentials) {
      if (c.with?.["role-to-assume"] === undefined) problems.push(`job ${id}: configure-aws-credentials without role-to-assume`);
      for (const key of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) {
        if (c.with?.[key] !== undefined) problems.push(`job ${id}: configure-aws-credentials with ${key}; use the OIDC role only`);
      }
    }
    const firstPulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    const firstCredentials = steps.findIndex((s) => s.uses?.startsWith(AWS_CREDENTIALS_ACTION));
    if (firstPulumi !== -1 && (firstCredentials === -1 || firstCredentials > firstPulumi)) problems.push(`job ${id}: runs pulumi before assuming an AWS role`);
  }
  for (const p of pulumiInvocations(wf)) {
    const stack = STACKS.find((s) => p.stackName === qualifiedStack(s));
    const job = wf.jobs[p.jobId];
    if (!stack || !job) continue;
    const env = environmentOf(job);
    if (p.command === "up") {
      if (env !== expect.deployEnvironment[stack]) {
        problems.push(`job ${p.jobId}: pulumi up of ${stack} runs in environment ${env ?? "none"}, but its deploy role trusts only ${expect.deployEnvironment[stack]} (promptandpause:ci.deployEnvironment)`);
      }
      if (p.roleToAssume !== ghExpr("vars.AWS_DEPLOY_ROLE_ARN")) problems.push(`job ${p.jobId}: pulumi up of ${stack} must assume \${{ vars.AWS_DEPLOY_ROLE_ARN }} (got ${p.roleToAssume ?? "none"})`);
      if (p.cloudUrl !== ghExpr("vars.PULUMI_BACKEND_URL")) problems.push(`job ${p.jobId}: pulumi up of ${stack} must log in to \${{ vars.PULUMI_BACKEND_URL }} (got ${p.cloudUrl ?? "none"})`);
    } else if (p.command === "preview") {
      if (env !== undefined) problems.push(`job ${p.jobId}: pulumi preview runs in environment ${env}; the preview role trusts only the pull_request subject (no environment)`);
      const role = ghExpr(`vars.AWS_PREVIEW_ROLE_ARN_${upper(stack)}`);
      if (p.roleToAssume !== role) problems.push(`job ${p.jobId}: pulumi preview of ${stack} must assume ${role} (got ${p.roleToAssume ?? "none"})`);
      const backend = ghExpr(`vars.PULUMI_BACKEND_URL_${upper(stack)}`);
      if (p.cloudUrl !== backend) problems.push(`job ${p.jobId}: pulumi preview of ${stack} must log in to ${backend} (got ${p.cloudUrl ?? "none"})`);
    }
  }
  return problems;
}
