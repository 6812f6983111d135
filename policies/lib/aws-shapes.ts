/**
 * The @pulumi/aws 7.x input shapes the cache-layer policies read (camelCase, inputs resolved), as
 * subsets of the SDK's args types; `tests/policies/aws-shapes.test.ts` checks at compile time that
 * every SDK args type is assignable to its shape here, so a renamed field breaks the build.
 * Kept in the pack (no import of @pulumi/aws) so the pack depends on @pulumi/policy only.
 */
import { AWS_TYPES } from "../guide";
import { resourceType, type SecurityGroupIngressRuleInputs } from "./shapes";

/** The foundation's AWS type tokens (policies/guide.ts) plus the cache layer's. */
export const CACHE_LAYER_TYPES = {
  ...AWS_TYPES,
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
  peeringAccepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  ecsService: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  scheduledAction: "aws:appautoscaling/scheduledAction:ScheduledAction",
} as const;

/** `elasticache.ReplicationGroupArgs`. `authToken` is read only for presence, never printed. */
export interface ReplicationGroupInputs {
  replicationGroupId?: string;
  transitEncryptionEnabled?: boolean;
  transitEncryptionMode?: string;
  atRestEncryptionEnabled?: boolean;
  kmsKeyId?: string;
  authToken?: string;
  userGroupIds?: string[];
  securityGroupIds?: string[];
  port?: number;
}

/** `vpc.SecurityGroupIngressRuleArgs`: one shape for the pack (policies/lib/shapes.ts). */
export type IngressRuleInputs = SecurityGroupIngressRuleInputs;

/** `ec2.SecurityGroupRuleArgs` (the legacy rule resource). */
export interface SecurityGroupRuleInputs {
  type: string;
  securityGroupId: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  prefixListIds?: string[];
  sourceSecurityGroupId?: string;
  self?: boolean;
}

/** `ec2.SecurityGroupArgs`, the inline-rule part and tags. */
export interface SecurityGroupInputs {
  name?: string;
  tags?: Record<string, string>;
  ingress?: Array<{ protocol: string; fromPort: number; toPort: number; cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; securityGroups?: string[]; self?: boolean; prefixListIds?: string[] }>;
}

/** `ecs.ServiceArgs`. */
export interface EcsServiceInputs {
  name?: string;
  networkConfiguration?: { subnets: string[]; securityGroups?: string[]; assignPublicIp?: boolean };
}

/** `ecs.TaskDefinitionArgs`. `containerDefinitions` is a JSON string. */
export interface TaskDefinitionInputs {
  family: string;
  containerDefinitions: string;
}

/** `appautoscaling.TargetArgs`. */
export interface ScalingTargetInputs {
  serviceNamespace: string;
  scalableDimension: string;
  resourceId: string;
  minCapacity: number;
  maxCapacity: number;
  tags?: Record<string, string>;
  suspendedState?: { dynamicScalingInSuspended?: boolean; dynamicScalingOutSuspended?: boolean; scheduledScalingSuspended?: boolean };
}

/** `appautoscaling.ScheduledActionArgs`: capacity bounds set on a schedule. */
export interface ScheduledActionInputs {
  resourceId: string;
  serviceNamespace: string;
  scalableTargetAction?: { minCapacity?: number; maxCapacity?: number };
}

/** `appautoscaling.PolicyArgs`. */
export interface ScalingPolicyInputs {
  resourceId: string;
  serviceNamespace: string;
  policyType?: string;
  targetTrackingScalingPolicyConfiguration?: {
    targetValue: number;
    scaleInCooldown?: number;
    scaleOutCooldown?: number;
    disableScaleIn?: boolean;
    predefinedMetricSpecification?: { predefinedMetricType: string };
  };
}

export const ReplicationGroupType = resourceType<ReplicationGroupInputs>(CACHE_LAYER_TYPES.replicationGroup);

/** `elasticache.ClusterArgs`: a member of a replication group, or a standalone node. */
export interface CacheClusterInputs {
  engine?: string;
  replicationGroupId?: string;
  port?: number;
  securityGroupIds?: string[];
}
export const CacheClusterType = resourceType<CacheClusterInputs>(CACHE_LAYER_TYPES.cacheCluster);

/** `elasticache.ServerlessCacheArgs`: always TLS and encrypted at rest; AUTH only through a user group. */
export interface ServerlessCacheInputs {
  engine: string;
  kmsKeyId?: string;
  userGroupId?: string;
  securityGroupIds?: string[];
}
export const ServerlessCacheType = resourceType<ServerlessCacheInputs>(CACHE_LAYER_TYPES.serverlessCache);
