import { describe, expect, it } from "vitest";
import { roleBoundaryDocument } from "../../components/aws-shared/role-boundary";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { planned, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

/**
 * iam-role-boundary on hand-built stacks: what a role must carry, what the boundary may allow,
 * and which roles are exempt. The recorded stacks are covered by tests/ci/role-boundary.test.ts.
 */

const ACCOUNT = "123456789012";
const POLICY = "aws:iam/policy:Policy";
const ROLE = "aws:iam/role:Role";
const CI_ROLES = "promptandpause:ci:CiRoles";
const BOUNDARY_COMPONENT = planned("promptandpause:aws-shared:RoleBoundary", "role-boundary", {}, { custom: false });
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** The RoleBoundary component's policy (with `doc`), or, with `component: false`, some other policy of the stack. */
function boundary(doc: unknown = roleBoundaryDocument(), name = "promptandpause-prod-role-boundary", component = true): PlannedResource {
  const inputs = { name, policy: typeof doc === "string" ? doc : JSON.stringify(doc) };
  return component
    ? planned(POLICY, "role-boundary", inputs, { parent: BOUNDARY_COMPONENT.urn, urn: urnOf(POLICY, "role-boundary", BOUNDARY_COMPONENT.type) })
    : planned(POLICY, name, inputs);
}

/** A workload role whose boundary is `from` (by dependency, as the program wires it), or a literal, or none. */
function role(name: string, from?: PlannedResource | string, extra: Partial<PlannedResource> = {}): PlannedResource {
  const inputs: Record<string, unknown> = { name: `promptandpause-prod-${name}`, assumeRolePolicy: TRUST };
  if (typeof from === "string") inputs.permissionsBoundary = from;
  else if (from) inputs.permissionsBoundary = `arn:aws:iam::${ACCOUNT}:policy/${String(from.inputs.name)}`;
  const deps = from && typeof from !== "string" ? { propertyDependencies: { permissionsBoundary: [from.urn] }, dependencies: [from.urn] } : {};
  return planned(ROLE, name, inputs, { ...deps, ...extra });
}

const run = (resources: PlannedResource[], config?: Record<string, unknown>) => violationsOf("iam-role-boundary", [BOUNDARY_COMPONENT, ...resources], config);

describe("iam-role-boundary", () => {
  it("passes workload roles that carry the stack's boundary, by dependency or by its ARN", async () => {
    const b = boundary();
    expect(await run([b, role("workers-task", b), role("flow-logs", `arn:aws:iam::${ACCOUNT}:policy/promptandpause-prod-role-boundary`)])).toEqual([]);
  });

  it("refuses a workload role without a boundary", async () => {
    const r = role("workers-task");
    expect(await run([boundary(), r])).toEqual([
      violation(
        "iam-role-boundary",
        `Role "workers-task" has no permissions boundary, so a role CI creates could be given any permission. Set permissionsBoundary to the stack's role boundary (the foundation's roleBoundaryArn, components/aws-shared/role-boundary.ts).`,
        r.urn,
      ),
    ]);
  });

  it("refuses a boundary from outside the stack, which the pack cannot read, and any other policy of the stack", async () => {
    const outside = role("workers-task", "arn:aws:iam::aws:policy/AdministratorAccess");
    const other = boundary({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }, "promptandpause-prod-wide", false);
    const byOther = role("flow-logs", other);
    const found = await run([boundary(), other, outside, byOther]);
    expect(found.map((v) => v.urn)).toEqual([outside.urn, byOther.urn]);
    for (const v of found) expect(v.message).toContain("takes its permissions boundary from something other than the stack's role boundary");
  });

  it("is not stopped by another policy's name being unknown in a preview", async () => {
    const unknownName = planned(POLICY, "later", { name: undefined, policy: "{}" });
    const b = boundary();
    expect(await run([unknownName, b, role("workers-task", b), role("flow-logs", `arn:aws:iam::${ACCOUNT}:policy/promptandpause-prod-role-boundary`)])).toEqual([]);
    expect(await run([b, unknownName, role("bare")])).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ["an IAM write", { Effect: "Allow", Action: ["sqs:SendMessage", "iam:CreateRole"], Resource: "*" }, '"iam:CreateRole"'],
    ["STS in any letter case", { Effect: "Allow", Action: "STS:AssumeRole", Resource: "*" }, '"STS:AssumeRole"'],
    ["every action", { Effect: "Allow", Action: "*", Resource: "*" }, '"*", which includes iam, sts, sso, identitystore, organizations, account actions'],
    ["a wildcard service", { Effect: "Allow", Action: "i*:Create*", Resource: "*" }, '"i*:Create*", which includes'],
    ["NotAction", { Effect: "Allow", NotAction: "s3:*", Resource: "*" }, "an Allow with NotAction, which allows every other action"],
    ["organizations", { Effect: "Allow", Action: ["organizations:LeaveOrganization"], Resource: "*" }, '"organizations:LeaveOrganization"'],
    ["an Identity Center user", { Effect: "Allow", Action: ["identitystore:CreateUser", "sso:CreateAccountAssignment"], Resource: "*" }, '"identitystore:CreateUser"'],
  ])("refuses a boundary that allows %s", async (_label, statement, expected) => {
    const b = boundary({ Version: "2012-10-17", Statement: [statement] });
    const r = role("workers-task", b);
    const [v, ...rest] = await run([b, r]);
    expect(rest).toEqual([]);
    expect(v?.urn).toBe(r.urn);
    expect(v?.message).toContain(`has the boundary "role-boundary", which allows ${expected}`);
  });

  it("a Deny in the boundary is no allowance", async () => {
    const b = boundary({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "*" }, { Effect: "Deny", Action: "iam:*", Resource: "*" }] });
    expect(await run([b, role("enqueue", b)])).toEqual([]);
  });

  it("the config can forbid more services, never fewer", async () => {
    const b = boundary();
    const r = role("workers-task", b);
    const [v] = await run([b, r], { "iam-role-boundary": { alsoForbiddenPrefixes: ["sqs"] } });
    expect(v?.message).toContain('"sqs:ChangeMessageVisibility"');
    // There is no setting that lets an IAM action through.
    const wide = boundary({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] });
    expect(await run([wide, role("x", wide)], { "iam-role-boundary": { alsoForbiddenPrefixes: [] } })).toHaveLength(1);
  });

  it("exempts the CI roles (a person makes them), and nothing else by name", async () => {
    const ci = planned(CI_ROLES, "ci", {}, { custom: false });
    const deploy = role("ci-deploy", undefined, { parent: ci.urn, urn: urnOf(ROLE, "ci-deploy", CI_ROLES) });
    expect(await run([ci, deploy])).toEqual([]);
    // A role merely named like a CI role, outside the component, is a workload role.
    const lookalike = role("ci-deploy");
    expect(await run([boundary(), lookalike])).toHaveLength(1);
    // And so is any other role the component might one day make: only the two CI roles are exempt.
    const extra = role("ci-extra", undefined, { parent: ci.urn, urn: urnOf(ROLE, "ci-extra", CI_ROLES) });
    expect((await run([ci, boundary(), extra])).map((v) => v.urn)).toEqual([extra.urn]);
  });
});
