/**
 * The bootstrap project (bootstrap/) run through its real entry point under the mocks, with the
 * example stack file: the state bucket is versioned, SSE-KMS with the secrets key, closed to the
 * public, ACL-free and TLS-only; the key rotates and has the README's alias; the CI roles get
 * exactly what the stacks' own role policies use, and no policy allows a wildcard action.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { statePolicy } from "../../components/ci/role-policies";
import { asList, type PolicyDocument, type PolicyStatement, wildcardActionProblems } from "../../components/shared/iam";
import { isConfigError } from "../../components/shared/errors";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "../../bootstrap/config";
import bootstrapProgram from "../../bootstrap/index";
import { type PlannedResource, one, REPO_ROOT, recordProgram } from "../helpers/pulumi";

const PROJECT = "promptandpause-bootstrap";
const EXAMPLE = path.join(REPO_ROOT, "bootstrap", "Pulumi.example.yaml");
const ACCOUNT = "123456789012";
const BUCKET = `promptandpause-pulumi-state-${ACCOUNT}`;

/** The example stack file as the language host passes it: full keys, structured values as JSON text. */
function exampleConfig(overrides: Record<string, unknown> = {}): Record<string, string> {
  const section = { ...(parse(readFileSync(EXAMPLE, "utf8")) as { config: Record<string, unknown> }).config, ...overrides };
  return Object.fromEntries(Object.entries(section).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

async function runBootstrap(config: Record<string, string>) {
  return recordProgram(bootstrapProgram, { project: PROJECT, stack: "example", config });
}

const json = (r: PlannedResource, key: string) => JSON.parse(String(r.inputs[key])) as PolicyDocument;
const bySid = (doc: PolicyDocument, sid: string): PolicyStatement => {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

describe("bootstrap of the example account (recorded)", () => {
  let rs: PlannedResource[];
  let outputs: Record<string, unknown>;
  let keyArn: string;
  beforeAll(async () => {
    ({ resources: rs, outputs } = await runBootstrap(exampleConfig()));
    keyArn = String(outputs.secretsKeyArn);
  });

  it("pins the provider to the account and region", () => {
    const p = one(rs, "pulumi:providers:aws");
    expect(JSON.parse(String(p.inputs.allowedAccountIds))).toEqual([ACCOUNT]);
    expect(p.inputs.region).toBe("eu-west-2");
  });

  it("the state bucket: named from the account, protected, versioned, SSE-KMS with the secrets key, no public access, ACLs off", () => {
    const bucket = one(rs, "aws:s3/bucket:Bucket");
    expect(bucket.inputs.bucket).toBe(BUCKET);
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect([bucket.protect, bucket.retainOnDelete]).toEqual([true, true]);
    expect(one(rs, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one(rs, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
    ]);
    const pab = one(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    expect([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets]).toEqual([true, true, true, true]);
    expect(one(rs, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("denies every request over plain HTTP", () => {
    const tls = bySid(json(one(rs, "aws:s3/bucketPolicy:BucketPolicy"), "policy"), "TlsOnly");
    expect(tls).toEqual({
      Sid: "TlsOnly",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("the secrets key: rotation on, protected, with alias/promptandpause-pulumi; outputs the README's login and secrets-provider URLs", () => {
    const key = one(rs, "aws:kms/key:Key");
    expect([key.inputs.enableKeyRotation, key.inputs.rotationPeriodInDays, key.protect]).toEqual([true, 365, true]);
    expect(one(rs, "aws:kms/alias:Alias").inputs.name).toBe("alias/promptandpause-pulumi");
    expect(outputs.backendUrl).toBe(`s3://${BUCKET}?region=eu-west-2`);
    expect(outputs.secretsProvider).toBe("awskms://alias/promptandpause-pulumi?region=eu-west-2");
  });

  it("no key or bucket statement allows a wildcard action (only the TLS-only rule denies s3:*)", () => {
    expect(wildcardActionProblems(json(one(rs, "aws:kms/key:Key"), "policy"), "key policy")).toEqual([]);
    const bucketPolicy = json(one(rs, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    expect(wildcardActionProblems(bucketPolicy, "bucket policy")).toEqual([]);
    expect(bucketPolicy.Statement.every((s) => s.Effect === "Deny")).toBe(true);
  });

  it("the key policy gives each CI role exactly the KMS actions its own policy uses, and people kms:Encrypt", () => {
    const policy = json(one(rs, "aws:kms/key:Key"), "policy");
    for (const [sid, kind] of [["CiDeploy", "deploy"], ["CiPreview", "preview"]] as const) {
      const s = bySid(policy, sid);
      const own = statePolicy(kind, { partition: "aws", bucket: BUCKET, project: "promptandpause", stack: "prod", secretsKmsKeyArn: keyArn });
      expect(s.Action).toEqual(asList(bySid(own, "StateKey").Action));
      expect(s.Condition).toEqual({
        ArnEquals: { "aws:PrincipalArn": ["staging", "prod"].map((e) => `arn:aws:iam::${ACCOUNT}:role/promptandpause-${e}-ci-${kind}`) },
      });
    }
    expect(bySid(policy, "Operators").Action).toContain("kms:Encrypt");
    expect(asList(bySid(policy, "KeyAdministration").Action)).not.toContain("kms:Decrypt");
    expect(asList(bySid(policy, "KeyAdministration").Action)).not.toContain("kms:DisableKeyRotation");
  });

  it("caps each CI role to its own stack's keys: everything its role policy allows is outside the deny", () => {
    const bucketPolicy = json(one(rs, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    for (const stack of ["staging", "prod"]) {
      for (const kind of ["deploy", "preview"] as const) {
        const deny = bySid(bucketPolicy, `${kind === "deploy" ? "Deploy" : "Preview"}OwnStack${stack === "prod" ? "Prod" : "Staging"}`);
        expect(deny.Condition).toEqual({ ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/promptandpause-${stack}-ci-${kind}` } });
        const allowed = statePolicy(kind, { partition: "aws", bucket: BUCKET, project: "promptandpause", stack, secretsKmsKeyArn: keyArn })
          .Statement.filter((s) => asList(s.Action).some((a) => a.endsWith("Object")))
          .flatMap((s) => asList(s.Resource));
        expect(allowed.length).toBeGreaterThan(0);
        expect(allowed.filter((r) => !asList(deny.NotResource).includes(r))).toEqual([]);
        const other = stack === "prod" ? "staging" : "prod";
        expect(asList(deny.NotResource).some((r) => r.includes(`/${other}`))).toBe(false);
      }
    }
    const previewDeny = bySid(bucketPolicy, "PreviewNeverWrites");
    expect(previewDeny.Action).toEqual(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"]);
  });

  it("refuses an upload that names another KMS key, not one that relies on the bucket default", () => {
    const s = bySid(json(one(rs, "aws:s3/bucketPolicy:BucketPolicy"), "policy"), "OnlyTheStateKey");
    expect(s.Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
    });
  });
});

describe("bootstrap configuration", () => {
  const values = (overrides: Record<string, unknown>) => {
    const base = Object.fromEntries(
      Object.entries((parse(readFileSync(EXAMPLE, "utf8")) as { config: Record<string, unknown> }).config)
        .filter(([k]) => k.startsWith(`${BOOTSTRAP_NAMESPACE}:`))
        .map(([k, v]) => [k.slice(BOOTSTRAP_NAMESPACE.length + 1), v]),
    );
    return { ...base, ...overrides };
  };

  it("defaults the bucket name from the account and each environment from its stack", () => {
    const c = parseBootstrapConfig(values({}));
    expect(c.stateBucket).toBe(BUCKET);
    expect(c.stacks).toEqual([{ stack: "staging", environment: "staging" }, { stack: "prod", environment: "prod" }]);
  });

  it.each([
    [{ accountId: "12345" }, "promptandpause-bootstrap:accountId: must be a 12-digit AWS account id"],
    [{ stateBucket: "Bad_Bucket" }, "promptandpause-bootstrap:stateBucket: must be an S3 bucket name"],
    [{ stacks: [] }, "promptandpause-bootstrap:stacks: must have at least 1 item(s)"],
    [{ stacks: [{ stack: "prod" }, { stack: "prod" }] }, "promptandpause-bootstrap:stacks[1].stack: is listed twice"],
    [{ operatorArns: ["arn:aws:iam::210987654321:role/admin"] }, "promptandpause-bootstrap:operatorArns[0]: must be in account 123456789012"],
    [{ keyRotationDays: 30 }, "promptandpause-bootstrap:keyRotationDays: must be >= 90"],
    [{ region: "London" }, "promptandpause-bootstrap:region: must be an AWS region like eu-west-2"],
  ])("refuses %o", (override, expected) => {
    let caught: unknown;
    try {
      parseBootstrapConfig(values(override));
    } catch (e) {
      caught = e;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toContain(expected);
  });
});
