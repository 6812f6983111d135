import type { MockOutputTable } from "./types";
import { mockId } from "./vercel";

/**
 * `@pulumi/aws` IAM, KMS and S3 resources of the CI roles and the bootstrap: ids and ARNs as the
 * provider returns them (terraform-provider-aws: a role's id is its name, a managed policy's id
 * its ARN, an OIDC provider's ARN ends in its URL without `https://`, a key's id is its key id,
 * a bucket's id its name). The account id is a fixed fake; the region is the resource's own
 * `region` input when set (v7), else the stack's default region.
 */
export const MOCK_ACCOUNT_ID = "123456789012";
const MOCK_REGION = "eu-west-2";

const uuid = (name: string) => {
  const hex = mockId("", name, 32).replace(/[^0-9a-f]/g, "0").slice(0, 32).padEnd(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const physical = (inputs: Record<string, unknown>, name: string) => String(inputs.name ?? `${name}-${mockId("", name, 7).toLowerCase()}`);

export const awsCiMockOutputs: MockOutputTable = {
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (inputs) => {
    const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
    return { id: arn, arn, thumbprintLists: [] };
  },
  "aws:iam/role:Role": (inputs, name) => {
    const roleName = physical(inputs, name);
    return { id: roleName, name: roleName, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role${String(inputs.path ?? "/")}${roleName}`, uniqueId: `AROA${mockId("", name, 17).toUpperCase()}`, createDate: "2026-01-01T00:00:00Z" };
  },
  "aws:iam/policy:Policy": (inputs, name) => {
    const policyName = physical(inputs, name);
    const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy${String(inputs.path ?? "/")}${policyName}`;
    return { id: arn, arn, name: policyName, policyId: `ANPA${mockId("", name, 17).toUpperCase()}`, attachmentCount: 1 };
  },
  "aws:iam/rolePolicy:RolePolicy": (inputs) => ({ id: `${String(inputs.role)}:${String(inputs.name)}` }),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (inputs, name) => ({ id: `${String(inputs.role)}-${mockId("", name, 20).toLowerCase()}` }),
  "aws:kms/key:Key": (inputs, name) => {
    const keyId = uuid(name);
    return { id: keyId, keyId, arn: `arn:aws:kms:${String(inputs.region ?? MOCK_REGION)}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (inputs) => ({ id: String(inputs.name), arn: `arn:aws:kms:${String(inputs.region ?? MOCK_REGION)}:${MOCK_ACCOUNT_ID}:${String(inputs.name)}`, targetKeyArn: `arn:aws:kms:${String(inputs.region ?? MOCK_REGION)}:${MOCK_ACCOUNT_ID}:key/${String(inputs.targetKeyId)}` }),
  "aws:s3/bucket:Bucket": (inputs, name) => {
    const bucket = String(inputs.bucket ?? `${name}-${mockId("", name, 7).toLowerCase()}`);
    const region = String(inputs.region ?? MOCK_REGION);
    return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` };
  },
};
