import type { MockOutputTable } from "./types";
import { mockId } from "./vercel";

/**
 * Computed outputs of the mocked AWS API (@pulumi/aws 7.x): what the provider adds to the inputs
 * (ids, ARNs, endpoints), in the formats the AWS API documents. Ids derive from the logical name,
 * so plans are reproducible. The account and region are fixed fakes: the mocks cannot see the
 * provider's configuration (a resource's own `region` input wins).
 */

export const MOCK_AWS = { accountId: "123456789012", region: "eu-west-2" } as const;

const region = (inputs: Record<string, unknown>): string => String(inputs.region ?? MOCK_AWS.region);
const arn = (inputs: Record<string, unknown>, service: string, resource: string, global = false): string =>
  `arn:aws:${service}:${global ? "" : region(inputs)}:${MOCK_AWS.accountId}:${resource}`;
const nameOf = (inputs: Record<string, unknown>, name: string, key = "name"): string => String(inputs[key] ?? name);

/** Cache layer resources (components/cache, components/app workers, queue, roles). */
export const awsCacheLayerMockOutputs: MockOutputTable = {
  "aws:kms/key:Key": (inputs, name) => {
    const keyId = `${mockId("", name, 8)}-${mockId("", `${name}-b`, 4)}-${mockId("", `${name}-c`, 4)}-${mockId("", `${name}-d`, 4)}-${mockId("", `${name}-e`, 12)}`;
    return { id: keyId, keyId, arn: arn(inputs, "kms", `key/${keyId}`) };
  },
  "aws:kms/alias:Alias": (inputs) => ({ id: String(inputs.name), arn: arn(inputs, "kms", String(inputs.name)), targetKeyArn: arn(inputs, "kms", `key/${String(inputs.targetKeyId)}`) }),
  "aws:elasticache/subnetGroup:SubnetGroup": (inputs, name) => ({ id: nameOf(inputs, name), arn: arn(inputs, "elasticache", `subnetgroup:${nameOf(inputs, name)}`), vpcId: "vpc-mock" }),
  "aws:elasticache/parameterGroup:ParameterGroup": (inputs, name) => ({ id: nameOf(inputs, name), arn: arn(inputs, "elasticache", `parametergroup:${nameOf(inputs, name)}`) }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (inputs, name) => {
    const id = nameOf(inputs, name, "replicationGroupId");
    const shards = Number(inputs.numNodeGroups ?? 1);
    const replicas = Number(inputs.replicasPerNodeGroup ?? 0);
    const members: string[] = [];
    for (let s = 1; s <= shards; s++) for (let n = 1; n <= 1 + replicas; n++) members.push(`${id}-${String(s).padStart(4, "0")}-${String(n).padStart(3, "0")}`);
    return {
      id,
      arn: arn(inputs, "elasticache", `replicationgroup:${id}`),
      // Cluster mode: only the configuration endpoint (`clustercfg.<id>.<hash>.<region code>.cache.amazonaws.com`).
      configurationEndpointAddress: `clustercfg.${id}.${mockId("", name, 6)}.euw2.cache.amazonaws.com`,
      primaryEndpointAddress: "",
      readerEndpointAddress: "",
      engineVersionActual: `${String(inputs.engineVersion ?? "8.1")}.0`,
      memberClusters: members,
      clusterEnabled: inputs.clusterMode === "enabled",
    };
  },
  "aws:cloudwatch/logGroup:LogGroup": (inputs, name) => ({ id: nameOf(inputs, name), arn: arn(inputs, "logs", `log-group:${nameOf(inputs, name)}`) }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, name) => ({ id: nameOf(inputs, name), arn: arn(inputs, "cloudwatch", `alarm:${nameOf(inputs, name)}`) }),
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (inputs) => ({
    id: String(inputs.vpcPeeringConnectionId),
    acceptStatus: "active",
    vpcId: "vpc-mock",
    peerVpcId: "vpc-vercelsecurecompute",
    peerOwnerId: "210987654321",
    peerRegion: region(inputs),
  }),
  "aws:ec2/route:Route": (inputs) => ({ id: `r-${String(inputs.routeTableId)}${String(inputs.destinationCidrBlock)}`, state: "active", origin: "CreateRoute" }),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (inputs, name) => {
    const ruleId = mockId("sgr-", name, 17);
    return { id: ruleId, securityGroupRuleId: ruleId, arn: arn(inputs, "ec2", `security-group-rule/${ruleId}`) };
  },
  "aws:sqs/queue:Queue": (inputs, name) => {
    const queueName = nameOf(inputs, name);
    const url = `https://sqs.${region(inputs)}.amazonaws.com/${MOCK_AWS.accountId}/${queueName}`;
    return { id: url, url, arn: arn(inputs, "sqs", queueName) };
  },
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (inputs) => ({ id: String(inputs.queueUrl) }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (inputs) => {
    const host = String(inputs.url).replace(/^https:\/\//, "");
    return { id: arn(inputs, "iam", `oidc-provider/${host}`, true), arn: arn(inputs, "iam", `oidc-provider/${host}`, true), thumbprintLists: [] };
  },
  "aws:iam/role:Role": (inputs, name) => ({ id: nameOf(inputs, name), arn: arn(inputs, "iam", `role/${nameOf(inputs, name)}`, true), uniqueId: mockId("AROA", name, 17).toUpperCase() }),
  "aws:iam/rolePolicy:RolePolicy": (inputs, name) => ({ id: `${String(inputs.role)}:${nameOf(inputs, name)}`, name: nameOf(inputs, name) }),
  "aws:ecr/repository:Repository": (inputs, name) => ({
    id: nameOf(inputs, name),
    arn: arn(inputs, "ecr", `repository/${nameOf(inputs, name)}`),
    registryId: MOCK_AWS.accountId,
    repositoryUrl: `${MOCK_AWS.accountId}.dkr.ecr.${region(inputs)}.amazonaws.com/${nameOf(inputs, name)}`,
  }),
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": (inputs) => ({ id: String(inputs.repository), registryId: MOCK_AWS.accountId }),
  "aws:ecs/cluster:Cluster": (inputs, name) => {
    const clusterArn = arn(inputs, "ecs", `cluster/${nameOf(inputs, name)}`);
    return { id: clusterArn, arn: clusterArn };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (inputs) => {
    const family = String(inputs.family);
    return { id: family, arn: arn(inputs, "ecs", `task-definition/${family}:1`), arnWithoutRevision: arn(inputs, "ecs", `task-definition/${family}`), revision: 1 };
  },
  "aws:ecs/service:Service": (inputs, name) => {
    const cluster = String(inputs.cluster ?? "default").split("/").pop();
    return { id: arn(inputs, "ecs", `service/${cluster}/${nameOf(inputs, name)}`), name: nameOf(inputs, name) };
  },
  "aws:secretsmanager/secret:Secret": (inputs, name) => {
    const secretArn = arn(inputs, "secretsmanager", `secret:${nameOf(inputs, name)}-${mockId("", name, 6)}`);
    return { id: secretArn, arn: secretArn };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (inputs, name) => {
    const versionId = mockId("", name, 32);
    return { id: `${String(inputs.secretId)}|${versionId}`, arn: String(inputs.secretId), versionId, versionStages: ["AWSCURRENT"] };
  },
  "aws:appautoscaling/target:Target": (inputs) => ({ id: String(inputs.resourceId), arn: arn(inputs, "application-autoscaling", `scalable-target/${mockId("", String(inputs.resourceId), 20)}`) }),
  "aws:appautoscaling/policy:Policy": (inputs, name) => ({
    id: nameOf(inputs, name),
    arn: arn(inputs, "autoscaling", `scalingPolicy:${mockId("", name, 36)}:resource/${String(inputs.resourceId)}:policyName/${nameOf(inputs, name)}`),
    alarmArns: [],
  }),
};

/** Every AWS type mocked so far (the lead's foundation adds its own table here). */
export const awsMockOutputs: MockOutputTable = { ...awsCacheLayerMockOutputs };
