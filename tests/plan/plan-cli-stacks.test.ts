import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/stack-file";
import { leakedSecrets, type PlanSecret, planSecrets } from "../helpers/plan-secrets";
import { planStack } from "../helpers/pulumi";
import { type CliResult, type PlanJson, planDocumentSchema, runPlanCli, runPlanInProcess, tempDir } from "./support";

/**
 * The full offline plan of the real stacks, as `npm run plan` runs it: exit 0, the `--json`
 * document in DESIGN.md's shape, a consistent resource graph, a Markdown report with a Mermaid
 * diagram, and no secret anywhere. Shared by every assertion: the README's `npm run plan` with no
 * arguments (the default stack, staging) as a child process, exactly as the README runs it, and
 * `--stack prod` through the CLI's own entry in this process (`planMain`: the same flags, files,
 * output and exit code, without a second process loading every SDK; .ci/run also runs
 * `npm run plan -- --stack prod` as a process after the tests).
 */

interface StackRun {
  cli: CliResult;
  jsonText: string;
  markdown: string;
}

/** The same plan in-process: its plain inputs give the secret values to look for in the CLI's output. */
interface InProcessPlan {
  /** The document the CLI must have written (so the secrets below are the CLI run's too). */
  documentJson: unknown;
  secrets: PlanSecret[];
}

const SENSITIVE_ENV_VARS = ["SUPABASE_SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "RESEND_API_KEY", "REDIS_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"];
const ENV_VAR_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";

const runs: Record<"prod" | "default", StackRun> = {} as never;
const inProcess: Record<"staging" | "prod", InProcessPlan> = {} as never;

beforeAll(async () => {
  const dir = tempDir("plan-stacks");
  const start = async (label: keyof typeof runs, stackArgs: string[]) => {
    const json = path.join(dir, `${label}.json`);
    const md = path.join(dir, `${label}.md`);
    const args = [...stackArgs, "--json", json, "--markdown", md];
    const cli = await (label === "default" ? runPlanCli(args) : runPlanInProcess(args));
    runs[label] = { cli, jsonText: existsSync(json) ? readFileSync(json, "utf8") : "", markdown: existsSync(md) ? readFileSync(md, "utf8") : "" };
  };
  // The child process runs while this one plans; in-process plans run one after another.
  const child = start("default", []);
  for (const stack of ["staging", "prod"] as const) {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(`${stack} did not plan in-process:\n${outcome.problems.join("\n")}`);
    inProcess[stack] = { documentJson: JSON.parse(JSON.stringify(outcome.document)), secrets: planSecrets(outcome.resources) };
  }
  await start("prod", ["--stack", "prod"]);
  await child;
});

describe.each(["default", "prod"] as const)("npm run plan (%s)", (label) => {
  const stack = label === "default" ? "staging" : label;
  const run = () => runs[label];
  const doc = (): PlanJson => JSON.parse(run().jsonText) as PlanJson;

  it("exits 0 and prints the summary", () => {
    expect(run().cli.code, run().cli.stderr).toBe(0);
    expect(run().cli.stdout).toContain(`Offline plan of promptandpause/${stack}:`);
  });

  it("writes the JSON document in DESIGN.md's shape", () => {
    const parsed = planDocumentSchema(stack).safeParse(JSON.parse(run().jsonText));
    expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 5), null, 2)).toBe(true);
  });

  it("has one root stack, unique URNs of this stack, and names matching URNs", () => {
    const { resources } = doc();
    const roots = resources.filter((r) => r.parent === null);
    expect(roots.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(new Set(resources.map((r) => r.urn)).size).toBe(resources.length);
    for (const r of resources) {
      expect(r.urn.startsWith(`urn:pulumi:${stack}::promptandpause::`), r.urn).toBe(true);
      expect(r.urn.endsWith(`::${r.name}`), r.urn).toBe(true);
    }
  });

  it("every parent and dependency URN refers to a resource in the document", () => {
    const { resources, policies } = doc();
    const urns = new Set(resources.map((r) => r.urn));
    const dangling: string[] = [];
    for (const r of resources) {
      if (r.parent !== null && !urns.has(r.parent)) dangling.push(`${r.name}: parent ${r.parent}`);
      for (const d of r.dependencies) if (!urns.has(d)) dangling.push(`${r.name}: dependency ${d}`);
    }
    for (const v of policies.violations) if (v.urn !== null && !urns.has(v.urn)) dangling.push(`violation ${v.policy}: ${v.urn}`);
    expect(dangling).toEqual([]);
  });

  it("has every layer and ran the policy pack with no mandatory violation", () => {
    const { resources, policies } = doc();
    const types = new Set(resources.map((r) => r.type));
    for (const prefix of ["cloudflare:", "vercel:", "promptandpause:edge:", "promptandpause:app:", "promptandpause:database:"]) {
      expect([...types].some((t) => t.startsWith(prefix)), prefix).toBe(true);
    }
    expect(policies.evaluated).toBeGreaterThan(0);
    expect(policies.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  it("shows the app's sensitive environment variables only as [secret]", () => {
    const envVars = doc().resources.filter((r) => r.type === ENV_VAR_TYPE);
    const sensitive = envVars.filter((r) => SENSITIVE_ENV_VARS.includes(String(r.inputs.key)));
    expect(new Set(sensitive.map((r) => r.inputs.key))).toEqual(new Set(SENSITIVE_ENV_VARS));
    for (const r of sensitive) expect(r.inputs.value, String(r.inputs.key)).toBe("[secret]");
    const providers = doc().resources.filter((r) => r.type === "pulumi:providers:cloudflare" || r.type === "pulumi:providers:vercel");
    expect(providers.length).toBeGreaterThanOrEqual(2);
    for (const p of providers) expect(p.inputs.apiToken, p.type).toBe("[secret]");
  });

  it("never writes a secret value (any the plan marks secret) to stdout, stderr, the JSON or the Markdown", () => {
    // Only meaningful for a run that wrote both files, of the same plan as the in-process one.
    expect(run().jsonText.length).toBeGreaterThan(0);
    expect(run().markdown.length).toBeGreaterThan(0);
    expect(JSON.parse(run().jsonText)).toEqual(inProcess[stack].documentJson);
    const { secrets } = inProcess[stack];
    // The placeholder and generated values (the db password) are among them, else the check proves little.
    const places = secrets.map((s) => s.where);
    expect(places).toEqual(expect.arrayContaining(["database-project.dbPassword", "database-project.accessToken", "cloudflare.apiToken"]));
    expect(secrets.some((s) => s.value === SECRET_PLACEHOLDER), "the placeholder is collected").toBe(true);
    // Only the places are reported, never the values.
    const texts = { stdout: run().cli.stdout, stderr: run().cli.stderr, json: run().jsonText, markdown: run().markdown };
    expect(leakedSecrets(secrets, texts)).toEqual([]);
  });

  it("warns about each secret the stack file does not set, with the fix", () => {
    const warnings = doc().warnings;
    expect(warnings.find((w) => w.startsWith("cloudflare:apiToken is not set"))).toContain("Set it with: pulumi config set --secret cloudflare:apiToken <value>");
  });

  it("writes a Markdown report with counts per layer, a Mermaid diagram and the policy results", () => {
    const md = run().markdown;
    expect(md).toContain(`## Offline plan: \`promptandpause/${stack}\``);
    expect(md).toMatch(/\| layer \| cloud resources \|/);
    expect(md).toMatch(/```mermaid\nflowchart LR\n[\s\S]*?\n```/);
    expect(md).toContain("### Policies — ");
  });
});

describe("stacks differ only by configuration", () => {
  it("the default stack is staging: the no-argument run's document is staging's in-process plan", () => {
    expect(JSON.parse(runs.default.jsonText)).toEqual(inProcess.staging.documentJson);
  });

  it("prod protects its stateful resources; staging protects nothing", () => {
    const prod = JSON.parse(runs.prod.jsonText) as PlanJson;
    const staging = JSON.parse(runs.default.jsonText) as PlanJson;
    expect(prod.resources.filter((r) => r.protect).length).toBeGreaterThan(0);
    expect(staging.resources.filter((r) => r.protect)).toEqual([]);
  });

  it("staging and prod register the same resource types", () => {
    const types = (d: PlanJson) => [...new Set(d.resources.map((r) => r.type))].sort();
    expect(types(JSON.parse(runs.prod.jsonText) as PlanJson)).toEqual(types(JSON.parse(runs.default.jsonText) as PlanJson));
  });
});
