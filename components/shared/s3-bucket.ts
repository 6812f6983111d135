import * as s3 from "@pulumi/aws/s3";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What every platform bucket gets besides the bucket itself: versioning, default SSE-KMS with an
 * S3 Bucket Key (fewer KMS requests, S3 User Guide "Reducing the cost of SSE-KMS with Amazon S3
 * Bucket Keys"), the four public-access blocks, and `BucketOwnerEnforced` ownership (ACLs
 * disabled, S3's default for new buckets since April 2023). Registered as `<logicalPrefix>-versioning`,
 * `-encryption`, `-public-access` and `-ownership`.
 */
export interface BucketHardeningArgs {
  /** The bucket's name (its `bucket` or `id` output). */
  bucket: pulumi.Input<string>;
  /** ARN of the customer-managed KMS key for default encryption. */
  kmsKeyArn: pulumi.Input<string>;
  /** Region of a bucket outside the provider's region (the DR replica). @default the provider's */
  region?: string;
}

export interface HardenedBucket {
  /** Versioning, which object lock, lifecycle and replication must wait for. */
  versioning: s3.BucketVersioning;
  /** The public-access block, which a bucket policy must wait for (S3 refuses a public policy until it exists). */
  publicAccess: s3.BucketPublicAccessBlock;
}

export function hardenBucket(logicalPrefix: string, args: BucketHardeningArgs, opts: pulumi.CustomResourceOptions): HardenedBucket {
  const where = { bucket: args.bucket, ...(args.region ? { region: args.region } : {}) };
  const versioning = new s3.BucketVersioning(`${logicalPrefix}-versioning`, { ...where, versioningConfiguration: { status: "Enabled" } }, opts);
  new s3.BucketServerSideEncryptionConfiguration(
    `${logicalPrefix}-encryption`,
    { ...where, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }] },
    opts,
  );
  const publicAccess = new s3.BucketPublicAccessBlock(
    `${logicalPrefix}-public-access`,
    { ...where, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  new s3.BucketOwnershipControls(`${logicalPrefix}-ownership`, { ...where, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  return { versioning, publicAccess };
}
