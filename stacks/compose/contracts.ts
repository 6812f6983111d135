import type * as pulumi from "@pulumi/pulumi";
import type { Segment } from "../../components/network/segments";

/**
 * What one layer hands the next. Layers depend on these shapes, never on each other's classes,
 * so each layer can be built and tested on its own.
 */

/** Database layer → app layer (the guide's `@supabase_url` / `@supabase_anon_key`). */
export interface DatabaseOutputs {
  projectRef: pulumi.Output<string>;
  /** `https://<ref>.supabase.co`, public. */
  apiUrl: pulumi.Output<string>;
  /** The publishable key (`sb_publishable_…`; successor of the anon key): public by design, protected by row-level security. */
  publishableKey: pulumi.Output<string>;
  /** The secret key (`sb_secret_…`; successor of the service-role key). Secret: bypasses row-level security; server-side only. */
  secretKey: pulumi.Output<string>;
  /** Secret: Supavisor transaction-mode connection string. */
  poolerConnectionString: pulumi.Output<string>;
}

/** App layer → edge layer. */
export interface AppOutputs {
  projectId: pulumi.Output<string>;
  /** Hostnames the Vercel project serves (apex and www). */
  domains: pulumi.Output<string[]>;
  /** Where DNS must point: Vercel's apex A record and CNAME target. */
  dnsTargets: { apexIpv4: string; cname: string };
  /** Path of the app's health endpoint (the guide's `/api/health`). */
  healthCheckPath: string;
  /**
   * Exact paths of the app's server-to-server webhook routes (Stripe: `promptandpause:app.stripe.webhookPath`).
   * The edge exempts POSTs to exactly these from the per-client rate limits and the OWASP ruleset.
   */
  webhookPaths: string[];
  /**
   * Largest request body the app's functions accept (Vercel: 4.5 MB). The edge refuses bigger
   * bodies on the API; files go straight to Supabase Storage with signed upload URLs.
   */
  maxRequestBodyBytes: number;
}

/** AWS foundation → every AWS layer (cache, workers, backups, VPN, monitoring). */
export interface AwsSharedOutputs {
  accountId: string;
  region: string;
  /** Disaster-recovery region (v7 resources take `region` per resource). */
  drRegion: string;
  availabilityZones: readonly string[];
  /** Encrypted SNS topic to operations: EVERY alarm's alarmActions and okActions. */
  alertTopicArn: pulumi.Output<string>;
  /** Encrypted SNS topic to security: findings, failed sign-ins. */
  securityTopicArn: pulumi.Output<string>;
  /** The topics' KMS key (publishers that encrypt, e.g. EventBridge targets, need it). */
  alertTopicKmsKeyArn: pulumi.Output<string>;
  /** The permissions boundary EVERY workload role carries (components/aws-shared/role-boundary.ts). */
  roleBoundaryArn: pulumi.Output<string>;
  /** Its physical name (the CI roles' conditions name it before it exists). */
  roleBoundaryName: string;
}

/** Network layer → layers that place workloads in the VPC. */
export interface NetworkOutputs {
  vpcId: pulumi.Output<string>;
  vpcCidr: string;
  /** Subnet ids per segment, keyed by AZ name. */
  subnetIds: Record<Segment, Record<string, pulumi.Output<string>>>;
  /** Subnet CIDRs per segment, keyed by AZ name. */
  subnetCidrs: Record<Segment, Record<string, string>>;
  /** Route tables per segment (one per AZ where the segment routes through per-AZ NAT). */
  routeTableIds: Record<Segment, pulumi.Output<string>[]>;
  /** Each segment's network ACL (layers that open a new flow add their rules here). */
  networkAclIds: Record<Segment, pulumi.Output<string>>;
  /**
   * Security groups of the segments that hold a workload: application (workers), database (the
   * cache; admits 6379 from application only), management (admin host), backup (backup jobs).
   */
  securityGroupIds: Partial<Record<Segment, pulumi.Output<string>>>;
}

/** Cache layer → app and workers. */
export interface CacheOutputs {
  /** Secret: `rediss://:<token>@<configuration endpoint>:6379` (cluster mode: a cluster client). */
  url: pulumi.Output<string>;
  configurationEndpoint: pulumi.Output<string>;
  /**
   * Secret: the REDIS_URL the Vercel app uses: the cache's URL with Secure Compute, else the
   * stack's serverless Redis (`promptandpause:redisUrl`).
   */
  appRedisUrl: pulumi.Output<string>;
}

/** Workers tier → app layer: what the Vercel app needs to enqueue through Vercel OIDC. */
export interface WorkQueueOutputs {
  /** Role the app assumes with its Vercel OIDC token (`AWS_ROLE_ARN`). */
  roleArn: pulumi.Output<string>;
  queueUrl: pulumi.Output<string>;
  region: string;
}
