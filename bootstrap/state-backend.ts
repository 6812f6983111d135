import * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_KEY_ALIAS } from "../components/ci/state-access";
import { hardenBucket } from "../components/shared/s3-bucket";
import { statefulOptions } from "../components/shared/stateful";
import { mergeTags, type Tags } from "../components/shared/tags";
import { type StackRef, secretsKeyPolicy, stateBucketPolicy } from "./policies";

export interface StateBackendArgs {
  /** AWS account (12 digits) and partition the policies name. @default partition "aws" */
  accountId: string;
  partition?: string;
  /** Region of the bucket and key (the `s3://…?region=` and `awskms://…?region=` of the README). */
  region: string;
  /** Physical bucket name (globally unique; validated by the bootstrap's config). */
  bucketName: string;
  /** The main program's project name (state keys, CI role names). */
  project: string;
  /** Stacks whose state and secrets this account holds; their CI roles get access. */
  stacks: StackRef[];
  /** Existing principals (people's roles) allowed to use the key by hand (stack init, local up). @default [] */
  operatorArns?: string[];
  /**
   * Days before an old state version is deleted (versions older than the newest 10 only).
   * Cost: state files are small; 90 days of versions is cents a month. @default 90
   */
  noncurrentVersionDays?: number;
  /** Days between automatic key rotations (KMS: 90-2560). @default 365 */
  keyRotationDays?: number;
  /** Tags on every resource (the provider's default tags come first). @default {} */
  tags?: Tags;
}

/**
 * The team's Pulumi state backend for one AWS account: an S3 bucket (versioned, SSE-KMS with the
 * stack-secrets key and an S3 Bucket Key, every public-access block on, object ownership
 * enforced so ACLs are off, TLS-only bucket policy, old versions expired) and the KMS key with
 * alias `alias/promptandpause-pulumi` (rotation on) that encrypts both the state objects and the
 * stacks' secrets (`awskms://alias/promptandpause-pulumi`). The CI roles of the listed stacks get
 * exactly what preview and deploy need (bootstrap/policies.ts). Bucket and key are protected and
 * kept if the bootstrap stack is ever destroyed: they hold every stack's state.
 *
 * Cost: the key $1/month plus $0.03 per 10,000 requests (S3 Bucket Keys cut S3's KMS calls);
 * the bucket's storage and requests are cents a month.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  readonly keyAlias: pulumi.Output<string>;
  /** `s3://<bucket>?region=<region>`: `pulumi login` / PULUMI_BACKEND_URL. */
  readonly backendUrl: pulumi.Output<string>;
  /** `awskms://alias/promptandpause-pulumi?region=<region>`: `pulumi stack init --secrets-provider`. */
  readonly secretsProvider: string;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:bootstrap:StateBackend", name, {}, opts);
    const partition = args.partition ?? "aws";
    const policyArgs = { partition, accountId: args.accountId, project: args.project, stacks: args.stacks, operatorArns: args.operatorArns ?? [] };
    const keep = statefulOptions(true);

    const key = new kms.Key(
      `${name}-key`,
      {
        description: "Pulumi state and stack secrets (promptandpause)",
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: args.keyRotationDays ?? 365,
        deletionWindowInDays: 30,
        policy: JSON.stringify(secretsKeyPolicy(policyArgs)),
        tags: mergeTags(args.tags, { Name: SECRETS_KEY_ALIAS.slice("alias/".length) }),
      },
      { parent: this, ...keep },
    );
    const alias = new kms.Alias(`${name}-key-alias`, { name: SECRETS_KEY_ALIAS, targetKeyId: key.keyId }, { parent: this });

    const bucket = new s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, forceDestroy: false, tags: mergeTags(args.tags, { Name: args.bucketName }) }, { parent: this, ...keep });
    const child = { parent: this, dependsOn: [bucket] };
    hardenBucket(name, { bucket: bucket.id, kmsKeyArn: key.arn }, child);
    new s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-old-state-versions",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 90, newerNoncurrentVersions: 10 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      child,
    );
    new s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucket.id, policy: key.arn.apply((keyArn) => JSON.stringify(stateBucketPolicy({ ...policyArgs, bucket: args.bucketName, keyArn }))) },
      child,
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyArn = key.arn;
    this.keyAlias = alias.name;
    this.backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${args.region}`;
    this.secretsProvider = `awskms://${SECRETS_KEY_ALIAS}?region=${args.region}`;
    this.registerOutputs({ bucketName: this.bucketName, keyArn: this.keyArn, backendUrl: this.backendUrl });
  }
}
