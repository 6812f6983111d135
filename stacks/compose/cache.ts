import * as pulumi from "@pulumi/pulumi";
import { Cache } from "../../components/cache/cache";
import { SecureComputePeering } from "../../components/cache/secure-compute";
import type { AwsSharedOutputs, CacheOutputs, NetworkOutputs } from "./contracts";
import type { LayerContext } from "./types";

/**
 * The cache layer: ElastiCache in the database segment, sized by the scale preset, and — with
 * `promptandpause:app.secureCompute` — the peering that brings the Vercel app to it. Who reaches
 * the cache: the application segment's group (the foundation's `app-cache` flow: database group
 * ingress 6379 from the application group, NACLs included) and the Secure Compute CIDR (its own
 * rule here). The plan says once which Redis the app uses.
 */
export function composeCache(ctx: LayerContext, shared: AwsSharedOutputs, network: NetworkOutputs): { outputs: CacheOutputs; stackOutputs: Record<string, pulumi.Input<unknown>> } {
  const { config } = ctx;
  const aws = ctx.providers.aws;
  if (!aws) throw new Error("composeCache: ctx.providers.aws is missing (stacks/platform.ts createProviders)");
  const databaseSg = network.securityGroupIds.database;
  if (!databaseSg) throw new Error('composeCache: the database segment has no security group (composeNetwork must list "database")');
  const random = ctx.providers.random;
  if (!random) throw new Error("composeCache: ctx.providers.random is missing (stacks/platform.ts createProviders)");
  const namePrefix = `${config.project}-${config.environment}`;
  // The AUTH token is a RandomPassword: default providers are disabled, so random's is passed too.
  const opts = { providers: [aws, random] };

  const cache = new Cache(
    "cache",
    {
      namePrefix,
      accountId: shared.accountId,
      subnetIds: Object.values(network.subnetIds.database),
      securityGroupIds: [databaseSg],
      shards: config.scale.cache.shards,
      replicasPerShard: config.scale.cache.replicasPerShard,
      nodeType: config.scale.cache.nodeType,
      engine: config.cache.engine,
      engineVersion: config.cache.engineVersion,
      snapshotRetentionDays: config.cache.snapshotRetentionDays,
      logRetentionDays: config.cache.slowLogRetentionDays,
      authTokenUpdateStrategy: config.cache.authTokenUpdateStrategy,
      protect: config.protectStatefulResources,
      alertTopicArn: shared.alertTopicArn,
    },
    opts,
  );

  if (config.cache.authTokenUpdateStrategy === "SET") {
    // SET is the one-off revocation step; left in place, the next routine token change would cut
    // every client still on the old token at once.
    pulumi.log.warn(
      'Cache: promptandpause:cache.authTokenUpdateStrategy is SET, so this apply leaves only the current AUTH token valid (clients on the old one are refused). Once it is applied, set it back to ROTATE: with SET, the next token change would refuse every client on the old token at once (docs/cache.md, "AUTH token rotation").',
    );
  }

  const secureCompute = config.app.secureCompute;
  let appRedisUrl: pulumi.Output<string>;
  if (secureCompute) {
    new SecureComputePeering(
      "secure-compute",
      {
        peeringConnectionId: secureCompute.peeringConnectionId,
        cidr: secureCompute.cidr,
        routeTables: { database: network.routeTableIds.database, application: network.routeTableIds.application },
        cacheSecurityGroupId: databaseSg,
        databaseNetworkAclId: network.networkAclIds.database,
      },
      opts,
    );
    appRedisUrl = cache.url;
  } else {
    const url = config.secrets.redisUrl;
    if (!url) throw new Error("composeCache: promptandpause:redisUrl is missing although app.secureCompute is not set (the config loader should have refused this).");
    appRedisUrl = url;
    pulumi.log.warn(
      `Cache: the Vercel app uses the serverless Redis in promptandpause:redisUrl (rediss://), not ElastiCache: Vercel functions reach the VPC only through Vercel Secure Compute (Enterprise). ElastiCache (${cache.nodeIds.length} node${cache.nodeIds.length === 1 ? "" : "s"}) serves what runs inside the VPC. To move the app onto it, set promptandpause:app.secureCompute and remove promptandpause:redisUrl (docs/cache.md).`,
    );
  }

  return {
    outputs: { url: cache.url, configurationEndpoint: cache.configurationEndpoint, appRedisUrl: pulumi.secret(appRedisUrl) },
    stackOutputs: {
      cacheReplicationGroupId: cache.replicationGroupId,
      cacheConfigurationEndpoint: cache.configurationEndpoint,
      cacheUrl: cache.url,
      appRedis: secureCompute ? "elasticache (Vercel Secure Compute)" : "serverless (promptandpause:redisUrl)",
    },
  };
}
