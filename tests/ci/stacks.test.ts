/**
 * The CI layer in both real stacks (offline plan, in-process): the trust documents recorded for
 * each stack pin this repository and that stack's GitHub environment, the workflows' environments
 * match them, no recorded policy of any layer allows a wildcard action, and every AWS resource
 * module the stacks register has its IAM actions in the deploy role's table. A stack file that
 * widens the subject is refused before anything is registered.
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "../../bootstrap/config";
import { awsModuleOf, RESOURCE_MODULE_SERVICES } from "../../components/ci/aws-actions";
import { ciRoleName } from "../../components/ci/state-access";
import { trustPinningProblems } from "../../components/ci/trust";
import { type PolicyDocument, wildcardActionProblems } from "../../components/shared/iam";
import { type PlannedResource, ofType, one, planStack, REPO_ROOT } from "../helpers/pulumi";
import { editedStackFile, tempDir } from "../plan/support";
import { ENVIRONMENT_OF, environmentOf, parseWorkflow } from "../workflows/checks";

const STACKS = ["staging", "prod"] as const;
const planned: Record<string, PlannedResource[]> = {};
const dir = tempDir("ci-stacks");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  for (const stack of STACKS) {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(`${stack}: ${outcome.problems.join("; ")}`);
    planned[stack] = outcome.resources;
  }
});

const json = (v: unknown) => JSON.parse(String(v)) as PolicyDocument;

describe.each(STACKS)("stack %s", (stack) => {
  const rs = () => planned[stack] ?? [];

  it("the deploy role trusts exactly this repository's environment of deploy.yml's job for this stack", () => {
    const deployWorkflow = parseWorkflow(readFileSync(path.join(REPO_ROOT, ".github", "workflows", "deploy.yml"), "utf8"));
    const environment = environmentOf(deployWorkflow.jobs[stack] ?? {});
    expect(environment).toBe(ENVIRONMENT_OF[stack]);
    const trust = json(one(rs(), "aws:iam/role:Role", "ci-deploy").inputs.assumeRolePolicy);
    expect(trustPinningProblems(trust, `repo:promptandpause/infra:environment:${environment}`)).toEqual([]);
  });

  it("has the role names the bootstrap's key and bucket policies name (bootstrap/Pulumi.example.yaml)", () => {
    const section = (parse(readFileSync(path.join(REPO_ROOT, "bootstrap", "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    const values = Object.fromEntries(Object.entries(section).filter(([k]) => k.startsWith(`${BOOTSTRAP_NAMESPACE}:`)).map(([k, v]) => [k.slice(BOOTSTRAP_NAMESPACE.length + 1), v]));
    const boot = parseBootstrapConfig(values);
    const ref = boot.stacks.find((s) => s.stack === stack);
    expect(ref).toBeDefined();
    for (const kind of ["deploy", "preview"] as const) {
      expect(one(rs(), "aws:iam/role:Role", `ci-${kind}`).inputs.name).toBe(ciRoleName(boot.project, ref?.environment ?? "", kind));
    }
  });

  it("the preview role trusts exactly this repository's pull requests", () => {
    const trust = json(one(rs(), "aws:iam/role:Role", "ci-preview").inputs.assumeRolePolicy);
    expect(trustPinningProblems(trust, "repo:promptandpause/infra:pull_request")).toEqual([]);
  });

  it("every role that trusts GitHub's OIDC provider is pinned", () => {
    const github = rs().filter((r) => r.type === "aws:iam/role:Role" && String(r.inputs.assumeRolePolicy).includes("token.actions.githubusercontent.com"));
    // The CI roles and the backup jobs' roles (components/backups/backup-job-roles.ts) trust GitHub; nothing else does.
    expect(github.map((r) => r.name).sort()).toEqual(["backups-roles-drill", "backups-roles-writer", "ci-deploy", "ci-preview"]);
    for (const r of github) expect(trustPinningProblems(json(r.inputs.assumeRolePolicy))).toEqual([]);
  });

  it("the roles reach this stack's state keys only", () => {
    const state = json(one(rs(), "aws:iam/rolePolicy:RolePolicy", "ci-deploy-state").inputs.policy);
    const resources = state.Statement.flatMap((s) => ([] as string[]).concat(s.Resource ?? []));
    expect(resources.filter((r) => r.includes("/.pulumi/stacks/"))).toEqual([expect.stringContaining(`/.pulumi/stacks/promptandpause/${stack}.json*`)]);
    const other = stack === "prod" ? "staging" : "prod";
    expect(resources.some((r) => r.includes(`/${other}`))).toBe(false);
  });

  it("no recorded policy of any layer allows a wildcard action", () => {
    const docs: [string, unknown][] = [];
    for (const r of rs()) {
      if (r.type === "aws:iam/role:Role") docs.push([`${r.name} trust`, r.inputs.assumeRolePolicy]);
      if (["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:s3/bucketPolicy:BucketPolicy", "aws:sns/topicPolicy:TopicPolicy", "aws:sqs/queuePolicy:QueuePolicy"].includes(r.type) && typeof r.inputs.policy === "string") {
        docs.push([r.name, r.inputs.policy]);
      }
    }
    expect(docs.length).toBeGreaterThan(10);
    expect(docs.flatMap(([name, text]) => wildcardActionProblems(json(text), name))).toEqual([]);
  });

  it("every KMS key has a key policy of its own (without one AWS gives the account root kms:*) and rotates", () => {
    const keys = rs().filter((r) => r.type === "aws:kms/key:Key" || r.type === "aws:kms/replicaKey:ReplicaKey");
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.filter((k) => typeof k.inputs.policy !== "string").map((k) => k.name)).toEqual([]);
    // A replica rotates with its primary key (KMS multi-Region keys).
    expect(keys.filter((k) => k.type === "aws:kms/key:Key" && k.inputs.enableKeyRotation !== true).map((k) => k.name)).toEqual([]);
  });

  it("every AWS resource module the stack registers has the deploy role's actions (components/ci/aws-actions.ts)", () => {
    const modules = [...new Set(rs().map((r) => awsModuleOf(r.type)).filter((m): m is string => m !== undefined))];
    expect(modules.length).toBeGreaterThan(2);
    expect(modules.filter((m) => RESOURCE_MODULE_SERVICES[m] === undefined)).toEqual([]);
  });

  it("the deploy role may pass every role the stack creates for an AWS service to that service (iam:PassedToService)", () => {
    const roles = rs().filter((r) => r.type === "aws:iam/role:Role");
    expect(roles.filter((r) => typeof r.inputs.assumeRolePolicy !== "string").map((r) => r.name)).toEqual([]);
    const services = roles
      .flatMap((r) => json(r.inputs.assumeRolePolicy).Statement as Array<{ Principal?: { Service?: string | string[] } }>)
      .flatMap((st) => [st.Principal?.Service ?? []].flat());
    expect(services.length).toBeGreaterThan(3);
    // What the recorded deploy policies allow, not the table they are built from.
    const passRole = [...ofType(rs(), "aws:iam/policy:Policy"), ...ofType(rs(), "aws:iam/rolePolicy:RolePolicy")]
      .filter((r) => r.name.startsWith("ci-deploy-"))
      .flatMap((r) => json(r.inputs.policy).Statement)
      .filter((st) => st.Effect === "Allow" && ([] as string[]).concat(st.Action ?? []).includes("iam:PassRole"));
    expect(passRole).toHaveLength(1);
    const passable = [(passRole[0]?.Condition as { StringEquals?: Record<string, string | string[]> } | undefined)?.StringEquals?.["iam:PassedToService"] ?? []].flat();
    expect([...new Set(services)].filter((svc) => !passable.includes(svc))).toEqual([]);
    // ...and its roles are the ones PassRole names (`<prefix>-*`): every role the stack creates is named with the prefix.
    const patterns = [passRole[0]?.Resource ?? []].flat().map((p) => String(p));
    expect(patterns).toHaveLength(1);
    const prefix = (patterns[0] ?? "").replace(/\*$/, "");
    expect(roles.map((r) => `${prefix.slice(0, prefix.indexOf(":role/") + 6)}${String(r.inputs.name)}`).filter((arn) => !arn.startsWith(prefix))).toEqual([]);
  });
});

describe("a stack file that widens the CI trust is refused (nothing registered)", () => {
  it.each([
    ["deployEnvironment", "*", "promptandpause:ci.deployEnvironment: must be one exact GitHub environment name"],
    ["deployEnvironment", "prod*", "promptandpause:ci.deployEnvironment: must be one exact GitHub environment name"],
    ["repository", "promptandpause/*", 'promptandpause:ci.repository: must be one exact GitHub repository "owner/name"'],
  ])("ci.%s: %s", async (key, value, expected) => {
    const file = editedStackFile("prod", dir, `wide-${key}-${value.replace(/\W/g, "_")}.yaml`, (doc) => doc.setIn(["config", "promptandpause:ci", key], value));
    const outcome = await planStack({ file, stack: "prod" });
    expect(outcome.kind).toBe("invalid-config");
    if (outcome.kind !== "invalid-config") return;
    expect(outcome.problems).toEqual([expect.stringContaining(expected)]);
    expect(outcome.registered.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  });

  it("a referenced OIDC provider or key in another account is refused", async () => {
    const file = editedStackFile("prod", dir, "other-account.yaml", (doc) =>
      doc.setIn(["config", "promptandpause:ci", "githubOidcProvider"], { arn: "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com" }),
    );
    const outcome = await planStack({ file, stack: "prod" });
    expect(outcome.kind === "invalid-config" && outcome.problems).toEqual([expect.stringContaining("promptandpause:ci.githubOidcProvider.arn: must be in the stack's AWS account 123456789012")]);
  });
});
