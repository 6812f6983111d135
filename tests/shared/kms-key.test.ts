import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { wildcardActionProblems } from "../../components/shared/iam";
import { platformKey } from "../../components/shared/kms-key";
import { one, recordProgram } from "../helpers/pulumi";

/** The platform's one way to make a KMS key (components/shared/kms-key.ts), over what it registers. */

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("promptandpause:test:Holder", name, {});
  }
}

const record = (args: Partial<Parameters<typeof platformKey>[1]> = {}) =>
  recordProgram(() => {
    const parent = new Holder("holder");
    platformKey("holder-key", { description: "test data", accountId: "123456789012", tags: { Name: "t" }, ...args }, { parent, protect: true });
  });

describe("platformKey", () => {
  it("rotates, keeps the longest deletion window and has a key policy of its own without kms:*", async () => {
    const { resources } = await record();
    const key = one(resources, "aws:kms/key:Key", "holder-key");
    expect(key.inputs).toMatchObject({ description: "test data", enableKeyRotation: true, deletionWindowInDays: 30, tags: { Name: "t" } });
    expect(key.inputs.multiRegion).toBeUndefined();
    const policy = JSON.parse(String(key.inputs.policy));
    expect(wildcardActionProblems(policy, "key policy")).toEqual([]);
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: "arn:aws:iam::123456789012:root" } });
    expect(resources.filter((r) => r.type === "aws:kms/alias:Alias")).toEqual([]);
  });

  it("grants each listed service its actions, scoped to the account", async () => {
    const { resources } = await record({ services: [{ service: "cloudwatch.amazonaws.com", actions: ["kms:Decrypt"] }] });
    const statements = JSON.parse(String(one(resources, "aws:kms/key:Key").inputs.policy)).Statement;
    expect(statements[1]).toMatchObject({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt"], Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
  });

  it("takes a policy of its own when given, and names the alias through physicalName", async () => {
    const { resources } = await record({ policy: '{"Version":"2012-10-17","Statement":[]}', alias: ["pp-prod", "Cache Data"], multiRegion: true });
    const key = one(resources, "aws:kms/key:Key");
    expect(key.inputs.policy).toBe('{"Version":"2012-10-17","Statement":[]}');
    expect(key.inputs.multiRegion).toBe(true);
    const alias = one(resources, "aws:kms/alias:Alias", "holder-key-alias");
    // KMS alias names allow letters of both cases, digits, "/", "_" and "-" (CreateAlias AliasName): the space goes.
    expect(alias.inputs.name).toBe("alias/pp-prod-Cache-Data");
    // The key is protected as asked; the alias only has the parent, so its name stays changeable.
    expect([key.protect, alias.protect]).toEqual([true, false]);
    expect(alias.propertyDependencies.targetKeyId).toEqual([key.urn]);
  });

  it.each([6, 31, 7.5])("refuses a deletion window of %s days, naming the key and KMS's range", async (days) => {
    await expect(record({ deletionWindowInDays: days })).rejects.toThrow(`holder-key.deletionWindowInDays: must be a whole number of days from 7 to 30 (KMS ScheduleKeyDeletion PendingWindowInDays) (got ${days})`);
  });
});
