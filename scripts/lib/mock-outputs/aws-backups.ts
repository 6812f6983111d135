import { mockId } from "./vercel";
import type { MockOutputTable } from "./types";

/**
 * `@pulumi/aws` resources of the backups layer: the ids and ARNs AWS returns, in their documented
 * formats. The mocks cannot see the provider, so the region is the resource's own `region` input
 * (v7 per-resource region) or the primary region the stacks use, and the account is a fixed fake.
 * - S3 bucket: id = bucket name, ARN `arn:aws:s3:::<name>` (S3 ARN format, no region/account).
 * - KMS key: id = key id; a multi-Region key's id starts `mrk-` and its replicas share it.
 * - IAM role: id = role name, ARN `arn:aws:iam::<account>:role/<name>`.
 * - CloudWatch alarm: ARN `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`.
 */
const ACCOUNT = "123456789012";
const regionOf = (inputs: Record<string, unknown>) => String(inputs.region ?? "eu-west-2");

export const awsBackupsMockOutputs: MockOutputTable = {
  "aws:s3/bucket:Bucket": (inputs) => {
    const bucket = String(inputs.bucket);
    return { id: bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region: regionOf(inputs) };
  },
  "aws:kms/key:Key": (inputs, name) => {
    const keyId = `${inputs.multiRegion ? "mrk-" : ""}${mockId("", name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${regionOf(inputs)}:${ACCOUNT}:key/${keyId}` };
  },
  "aws:kms/replicaKey:ReplicaKey": (inputs) => {
    const keyId = String(inputs.primaryKeyArn ?? "").split("/").at(-1) ?? "";
    return { id: keyId, keyId, arn: `arn:aws:kms:${regionOf(inputs)}:${ACCOUNT}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (inputs) => ({ id: String(inputs.name), arn: `arn:aws:kms:${regionOf(inputs)}:${ACCOUNT}:${String(inputs.name)}` }),
  "aws:iam/role:Role": (inputs) => ({ id: String(inputs.name), arn: `arn:aws:iam::${ACCOUNT}:role/${String(inputs.name)}`, uniqueId: `AROA${mockId("", String(inputs.name), 17).toUpperCase()}` }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs) => ({ id: String(inputs.name), arn: `arn:aws:cloudwatch:${regionOf(inputs)}:${ACCOUNT}:alarm:${String(inputs.name)}` }),
};
