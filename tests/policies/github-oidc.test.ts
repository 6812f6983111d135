/**
 * github-oidc-trust-pinned: a pinned GitHub trust passes; widening it in any one way (a wildcard
 * subject, StringLike, no audience, no subject) is the exact violation; roles that do not trust
 * GitHub are not judged.
 */
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { planned, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const AUD = "token.actions.githubusercontent.com:aud";
const SUB = "token.actions.githubusercontent.com:sub";

function role(condition: unknown, principal: unknown = { Federated: PROVIDER }): PlannedResource {
  const inputs = {
    name: "promptandpause-prod-ci-deploy",
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "GitHubActionsOidc", Effect: "Allow", Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }] }),
  };
  return planned("aws:iam/role:Role", "ci-deploy", inputs, { urn: urnOf("aws:iam/role:Role", "ci-deploy", "promptandpause:ci:CiRoles") });
}

const pinned = { StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: "repo:promptandpause/infra:environment:production" } };
const HINT = "Pin aud = sts.amazonaws.com and sub = repo:<owner>/<repo>:environment:<name> (or :pull_request) with StringEquals.";

describe("github-oidc-trust-pinned", () => {
  it("passes a trust pinned to one repository and environment", async () => {
    expect(await violationsOf("github-oidc-trust-pinned", [role(pinned)])).toEqual([]);
  });

  it("does not judge roles that trust no GitHub provider", async () => {
    expect(await violationsOf("github-oidc-trust-pinned", [role(undefined, { Service: "ecs-tasks.amazonaws.com" })])).toEqual([]);
  });

  it.each([
    ["a wildcard subject", { StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: "repo:promptandpause/infra:*" } }, `ci-deploy: the trust policy's statement GitHubActionsOidc: ${SUB} contains a wildcard (repo:promptandpause/infra:*). ${HINT}`],
    ["no audience", { StringEquals: { [SUB]: "repo:promptandpause/infra:pull_request" } }, `ci-deploy: the trust policy's statement GitHubActionsOidc: ${AUD} must be StringEquals "sts.amazonaws.com" (got undefined). ${HINT}`],
    ["no subject at all", { StringEquals: { [AUD]: "sts.amazonaws.com" } }, `ci-deploy: the trust policy's statement GitHubActionsOidc: ${SUB} must be StringEquals one subject (got undefined). ${HINT}`],
  ])("reports %s", async (_what, condition, message) => {
    const urn = role(condition).urn;
    expect(await violationsOf("github-oidc-trust-pinned", [role(condition)])).toEqual([violation("github-oidc-trust-pinned", message, urn)]);
  });

  it("reports StringLike on the subject even next to a pinned StringEquals", async () => {
    const condition = { ...pinned, StringLike: { [SUB]: "repo:promptandpause/*" } };
    const found = await violationsOf("github-oidc-trust-pinned", [role(condition)]);
    expect(found.map((v) => v.message.split("\n")[1])).toEqual([`ci-deploy: the trust policy's statement GitHubActionsOidc: StringLike on ${SUB} widens the trust; use StringEquals only. ${HINT}`]);
  });
});
