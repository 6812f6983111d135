import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { MockOutputs, MockOutputTable } from "./types";

/**
 * What the AWS APIs return for the resources the platform creates: ids in each service's own
 * format (`vpc-` + 17 hex, `subnet-…`, KMS key UUIDs), ARNs in each service's documented shape,
 * and the computed attributes other resources read (a VPC's default ACL/route table/security
 * group, an EIP's allocation id, a launch template's version, a queue's URL, a replication
 * group's configuration endpoint). Account and region come from the stack's own
 * `promptandpause:aws` settings, as the real provider would take them from its configuration;
 * a resource's own `region` input (v7) wins, as it does for real.
 * Any other `aws:` type gets an id and an ARN of the generic shape, never an error: the plan
 * must show every resource, and the policies read inputs, not these outputs.
 */

interface AwsTarget {
  account: string;
  region: string;
}

/** The stack's account and region, read once per config: `allConfig()` parses every key's JSON on each call. */
let accountOf: { config: string | undefined; settings: { accountId?: string; region?: string } } | undefined;
const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { config: Record<string, string | undefined> } };
const { configEnvKey } = require("@pulumi/pulumi/runtime/config") as { configEnvKey: string };

function accountSettings(): { accountId?: string; region?: string } {
  // The serialized config the runtime holds (setAllConfig replaces it): the settings are read
  // again whenever it changes, so a run under another stack's config never sees this one's.
  const config = runtimeState.getStore().config[configEnvKey];
  if (accountOf !== undefined && accountOf.config === config) return accountOf.settings;
  let settings: { accountId?: string; region?: string } = {};
  try {
    const raw = pulumi.runtime.allConfig()["promptandpause:aws"];
    if (raw) settings = JSON.parse(raw) as typeof settings;
  } catch {
    // No or unreadable settings: the config check reports that; the mock still answers.
  }
  if (!settings.accountId) {
    // The bootstrap project (bootstrap/) names its account and region under its own namespace.
    const all = pulumi.runtime.allConfig();
    settings = { accountId: all["promptandpause-bootstrap:accountId"], region: all["promptandpause-bootstrap:region"] };
  }
  accountOf = { config, settings };
  return settings;
}

function target(inputs: Record<string, unknown>): AwsTarget {
  const settings = accountSettings();
  const region = typeof inputs.region === "string" && inputs.region ? inputs.region : (settings.region ?? "eu-west-2");
  return { account: settings.accountId ?? "000000000000", region };
}

/** `length` lowercase hex digits, stable per name (EC2 ids are a prefix + 17 hex digits). */
function hex(name: string, length = 17): string {
  return createHash("sha256").update(name).digest("hex").slice(0, length);
}

/** A UUID shape, stable per name (KMS key ids, GuardDuty-style ids use 32 hex). */
function uuid(name: string): string {
  const h = hex(name, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An address in TEST-NET-3 (RFC 5737): never a real host. */
function testNetAddress(name: string): string {
  return `203.0.113.${(Number.parseInt(hex(name, 2), 16) % 254) + 1}`;
}

const str = (v: unknown, fallback: string): string => (typeof v === "string" && v.length > 0 ? v : fallback);

/** A resource whose id is an EC2-style prefixed id, with an ARN under `ec2:…:<kind>/<id>`. */
function ec2Resource(prefix: string, kind: string, extra: MockOutputs = () => ({})): MockOutputs {
  return (inputs, name) => {
    const t = target(inputs);
    const id = `${prefix}-${hex(name)}`;
    return { id, arn: `arn:aws:ec2:${t.region}:${t.account}:${kind}/${id}`, ownerId: t.account, ...extra(inputs, name) };
  };
}

const TABLE: MockOutputTable = {
  /** One endpoint per subnet mapping, reported in the firewall's sync states (Network Firewall DescribeFirewall). */
  "aws:networkfirewall/firewall:Firewall": (inputs, name) => {
    const t = target(inputs);
    const mappings = Array.isArray(inputs.subnetMappings) ? (inputs.subnetMappings as Array<{ subnetId?: string }>) : [];
    return {
      id: `arn:aws:network-firewall:${t.region}:${t.account}:firewall/${str(inputs.name, name)}`,
      arn: `arn:aws:network-firewall:${t.region}:${t.account}:firewall/${str(inputs.name, name)}`,
      firewallStatuses: [{ syncStates: mappings.map((m) => ({ availabilityZone: "", attachments: [{ endpointId: `vpce-${hex(String(m.subnetId))}`, subnetId: m.subnetId }] })) }],
    };
  },
  "pulumi:providers:aws": () => ({}),
  "aws:ec2/vpc:Vpc": ec2Resource("vpc", "vpc", (_i, name) => ({
    defaultNetworkAclId: `acl-${hex(`${name}-default-acl`)}`,
    defaultRouteTableId: `rtb-${hex(`${name}-default-rtb`)}`,
    mainRouteTableId: `rtb-${hex(`${name}-default-rtb`)}`,
    defaultSecurityGroupId: `sg-${hex(`${name}-default-sg`)}`,
  })),
  "aws:ec2/subnet:Subnet": ec2Resource("subnet", "subnet"),
  "aws:ec2/internetGateway:InternetGateway": ec2Resource("igw", "internet-gateway"),
  "aws:ec2/eip:Eip": ec2Resource("eipalloc", "elastic-ip", (_i, name) => ({ allocationId: `eipalloc-${hex(name)}`, publicIp: testNetAddress(name), domain: "vpc" })),
  "aws:ec2/natGateway:NatGateway": ec2Resource("nat", "natgateway", (_i, name) => ({ publicIp: testNetAddress(name), privateIp: "10.0.64.10" })),
  "aws:ec2/routeTable:RouteTable": ec2Resource("rtb", "route-table"),
  "aws:ec2/route:Route": (_i, name) => ({ id: `r-rtb-${hex(name)}1080289494`, state: "active" }),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": (_i, name) => ({ id: `rtbassoc-${hex(name)}` }),
  "aws:ec2/networkAcl:NetworkAcl": ec2Resource("acl", "network-acl"),
  "aws:ec2/networkAclAssociation:NetworkAclAssociation": (_i, name) => ({ id: `aclassoc-${hex(name)}` }),
  "aws:ec2/networkAclRule:NetworkAclRule": (_i, name) => ({ id: `nacl-${hex(name, 10)}` }),
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": (inputs) => ({ id: str(inputs.defaultNetworkAclId, "acl-default") }),
  "aws:ec2/defaultRouteTable:DefaultRouteTable": (inputs) => ({ id: str(inputs.defaultRouteTableId, "rtb-default") }),
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ec2Resource("sg", "security-group"),
  "aws:ec2/securityGroup:SecurityGroup": ec2Resource("sg", "security-group"),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2Resource("sgr", "security-group-rule"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2Resource("sgr", "security-group-rule"),
  "aws:ec2/vpcEndpoint:VpcEndpoint": ec2Resource("vpce", "vpc-endpoint", (_i, name) => ({ prefixListId: `pl-${hex(name, 8)}`, state: "available" })),
  "aws:ec2/flowLog:FlowLog": ec2Resource("fl", "vpc-flow-log"),
  "aws:ec2/launchTemplate:LaunchTemplate": ec2Resource("lt", "launch-template", () => ({ latestVersion: 1, defaultVersion: 1 })),
  "aws:ec2/networkInterface:NetworkInterface": ec2Resource("eni", "network-interface", (_i, name) => ({ privateIp: "10.0.64.20", macAddress: `02:${hex(name, 10).replace(/(..)(?!$)/g, "$1:")}` })),
  "aws:ec2/eipAssociation:EipAssociation": (_i, name) => ({ id: `eipassoc-${hex(name)}` }),
  "aws:ec2/customerGateway:CustomerGateway": ec2Resource("cgw", "customer-gateway"),
  "aws:ec2/vpnGateway:VpnGateway": ec2Resource("vgw", "vpn-gateway"),
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (inputs) => ({ id: str(inputs.vpcPeeringConnectionId, "pcx-mock"), acceptStatus: "active" }),
  "aws:ec2/vpnConnection:VpnConnection": ec2Resource("vpn", "vpn-connection", (inputs, name) => {
    const t = target(inputs);
    // Each tunnel gets an inside /30 from 169.254.0.0/16: .1 is AWS's end, .2 the customer's.
    const inside = (n: number) => ({ aws: `169.254.${9 + n}.1`, customer: `169.254.${9 + n}.2`, cidr: `169.254.${9 + n}.0/30` });
    const outside = [testNetAddress(`${name}-t1`), testNetAddress(`${name}-t2`)];
    // Fake keys, only inside the device configuration (secret), as AWS returns it.
    const psk = (n: number) => `mockPsk${n}${hex(`${name}-psk${n}`, 24)}`;
    const tunnels = [1, 2]
      .map((n) => `<ipsec_tunnel><vpn_gateway><tunnel_outside_address><ip_address>${outside[n - 1]}</ip_address></tunnel_outside_address></vpn_gateway><ike><pre_shared_key>${psk(n)}</pre_shared_key></ike></ipsec_tunnel>`)
      .join("");
    const inSecretsManager = inputs.presharedKeyStorage === "SecretsManager";
    return {
      tunnel1Address: outside[0],
      tunnel2Address: outside[1],
      tunnel1InsideCidr: inside(1).cidr,
      tunnel2InsideCidr: inside(2).cidr,
      tunnel1VgwInsideAddress: inside(1).aws,
      tunnel2VgwInsideAddress: inside(2).aws,
      tunnel1CgwInsideAddress: inside(1).customer,
      tunnel2CgwInsideAddress: inside(2).customer,
      customerGatewayConfiguration: `<?xml version="1.0" encoding="UTF-8"?><vpn_connection>${tunnels}</vpn_connection>`,
      presharedKeyStorage: inSecretsManager ? "SecretsManager" : "Standard",
      presharedKeyArn: `arn:aws:secretsmanager:${t.region}:${t.account}:secret:${name}-psk-${hex(name, 6)}`,
      // With Secrets Manager storage the keys are read from the secret, not from the connection.
      ...(inSecretsManager ? {} : { tunnel1PresharedKey: psk(1), tunnel2PresharedKey: psk(2) }),
    };
  }),
  "aws:ssm/parameter:Parameter": (inputs, name) => {
    const t = target(inputs);
    const parameterName = str(inputs.name, name);
    // Parameter ARNs: `parameter` + the name when it starts with "/", else `parameter/` + the name.
    const path = parameterName.startsWith("/") ? parameterName : `/${parameterName}`;
    return { id: parameterName, name: parameterName, arn: `arn:aws:ssm:${t.region}:${t.account}:parameter${path}`, version: 1 };
  },
  "aws:iam/role:Role": (inputs, name) => {
    const t = target(inputs);
    const roleName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: roleName, name: roleName, arn: `arn:aws:iam::${t.account}:role/${roleName}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` };
  },
  "aws:iam/instanceProfile:InstanceProfile": (inputs, name) => {
    const t = target(inputs);
    const profileName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: profileName, name: profileName, arn: `arn:aws:iam::${t.account}:instance-profile/${profileName}` };
  },
  "aws:iam/policy:Policy": (inputs, name) => {
    const t = target(inputs);
    const policyName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: `arn:aws:iam::${t.account}:policy/${policyName}`, name: policyName, arn: `arn:aws:iam::${t.account}:policy/${policyName}` };
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (inputs) => {
    const t = target(inputs);
    const host = str(inputs.url, "https://token.actions.githubusercontent.com").replace(/^https:\/\//, "");
    return { id: `arn:aws:iam::${t.account}:oidc-provider/${host}`, arn: `arn:aws:iam::${t.account}:oidc-provider/${host}` };
  },
  "aws:kms/key:Key": (inputs, name) => {
    const t = target(inputs);
    // Multi-Region keys have ids `mrk-` + 32 hex; their replicas share the id (KMS multi-Region keys).
    const keyId = inputs.multiRegion === true ? `mrk-${hex(name, 32)}` : uuid(name);
    return { id: keyId, keyId, arn: `arn:aws:kms:${t.region}:${t.account}:key/${keyId}` };
  },
  "aws:kms/replicaKey:ReplicaKey": (inputs, name) => {
    const t = target(inputs);
    const primaryId = str(inputs.primaryKeyArn, "").split("/").at(-1);
    const keyId = primaryId?.startsWith("mrk-") ? primaryId : `mrk-${hex(name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${t.region}:${t.account}:key/${keyId}` };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, name) => {
    const t = target(inputs);
    const alarmName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: alarmName, arn: `arn:aws:cloudwatch:${t.region}:${t.account}:alarm:${alarmName}` };
  },
  "aws:kms/alias:Alias": (inputs) => {
    const t = target(inputs);
    return { id: str(inputs.name, "alias/mock"), arn: `arn:aws:kms:${t.region}:${t.account}:${str(inputs.name, "alias/mock")}` };
  },
  "aws:sns/topic:Topic": (inputs, name) => {
    const t = target(inputs);
    const arn = `arn:aws:sns:${t.region}:${t.account}:${str(inputs.name, name)}`;
    return { id: arn, arn, owner: t.account };
  },
  "aws:sns/topicSubscription:TopicSubscription": (inputs, name) => ({
    id: `${str(inputs.topic, "arn:aws:sns:::topic")}:${uuid(name)}`,
    arn: `${str(inputs.topic, "arn:aws:sns:::topic")}:${uuid(name)}`,
    // E-mail subscriptions wait for the recipient's confirmation (SNS Subscribe API).
    pendingConfirmation: inputs.protocol === "email",
  }),
  "aws:cloudwatch/logGroup:LogGroup": (inputs, name) => {
    const t = target(inputs);
    const groupName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: groupName, name: groupName, arn: `arn:aws:logs:${t.region}:${t.account}:log-group:${groupName}` };
  },
  "aws:autoscaling/group:Group": (inputs, name) => {
    const t = target(inputs);
    const groupName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: groupName, name: groupName, arn: `arn:aws:autoscaling:${t.region}:${t.account}:autoScalingGroup:${uuid(name)}:autoScalingGroupName/${groupName}` };
  },
  "aws:s3/bucket:Bucket": (inputs, name) => {
    const t = target(inputs);
    const bucket = str(inputs.bucket, `${name}-${hex(name, 7)}`);
    return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region: t.region, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${t.region}.amazonaws.com` };
  },
  "aws:sqs/queue:Queue": (inputs, name) => {
    const t = target(inputs);
    const queueName = str(inputs.name, `${name}-${hex(name, 7)}`);
    return { id: `https://sqs.${t.region}.amazonaws.com/${t.account}/${queueName}`, url: `https://sqs.${t.region}.amazonaws.com/${t.account}/${queueName}`, name: queueName, arn: `arn:aws:sqs:${t.region}:${t.account}:${queueName}` };
  },
  // Monitoring layer (components/monitoring): the attributes other resources read.
  "aws:acm/certificate:Certificate": (inputs, name) => {
    const t = target(inputs);
    const domain = str(inputs.domainName, "example.com");
    // ACM returns the DNS validation record as FQDNs with a trailing dot (ACM API DescribeCertificate, ResourceRecord).
    const arn = `arn:aws:acm:${t.region}:${t.account}:certificate/${uuid(name)}`;
    return { id: arn, arn, status: "PENDING_VALIDATION", domainValidationOptions: [{ domainName: domain, resourceRecordName: `_${hex(`${name}-n`, 32)}.${domain}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(`${name}-v`, 32)}.${hex(name, 10)}.acm-validations.aws.` }] };
  },
  "aws:acm/certificateValidation:CertificateValidation": (inputs) => ({ id: str(inputs.certificateArn, "certificate"), certificateArn: inputs.certificateArn }),
  "aws:apigatewayv2/api:Api": (inputs, name) => {
    const t = target(inputs);
    const id = hex(name, 10);
    return { id, arn: `arn:aws:apigateway:${t.region}::/apis/${id}`, apiEndpoint: `https://${id}.execute-api.${t.region}.amazonaws.com`, executionArn: `arn:aws:execute-api:${t.region}:${t.account}:${id}` };
  },
  "aws:apigatewayv2/domainName:DomainName": (inputs, name) => {
    const t = target(inputs);
    const domain = str(inputs.domainName, name);
    // Regional custom domains resolve to d-<id>.execute-api.<region>.amazonaws.com (API Gateway DomainNameConfiguration.ApiGatewayDomainName).
    return { id: domain, arn: `arn:aws:apigateway:${t.region}::/domainnames/${domain}`, domainNameConfiguration: { ...(inputs.domainNameConfiguration as object), targetDomainName: `d-${hex(name, 10)}.execute-api.${t.region}.amazonaws.com`, hostedZoneId: "ZHURV8PSTC4K8" } };
  },
  "aws:lambda/function:Function": (inputs, name) => {
    const t = target(inputs);
    const arn = `arn:aws:lambda:${t.region}:${t.account}:function:${str(inputs.name, name)}`;
    return { id: str(inputs.name, name), arn, invokeArn: `arn:aws:apigateway:${t.region}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "$LATEST" };
  },
  "aws:cloudwatch/eventRule:EventRule": (inputs, name) => {
    const t = target(inputs);
    return { id: str(inputs.name, name), arn: `arn:aws:events:${t.region}:${t.account}:rule/${str(inputs.name, name)}` };
  },
  "aws:cloudtrail/trail:Trail": (inputs, name) => {
    const t = target(inputs);
    return { id: str(inputs.name, name), arn: `arn:aws:cloudtrail:${t.region}:${t.account}:trail/${str(inputs.name, name)}`, homeRegion: t.region };
  },
  "aws:guardduty/detector:Detector": (inputs, name) => ({ id: hex(name, 32), accountId: target(inputs).account }),
  "aws:ssm/maintenanceWindow:MaintenanceWindow": (_inputs, name) => ({ id: `mw-${hex(name)}` }),
  "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": (_inputs, name) => ({ id: uuid(name) }),
  "aws:scheduler/schedule:Schedule": (inputs, name) => {
    const t = target(inputs);
    return { id: `default/${str(inputs.name, name)}`, arn: `arn:aws:scheduler:${t.region}:${t.account}:schedule/default/${str(inputs.name, name)}` };
  },
  "aws:cloudwatch/dashboard:Dashboard": (inputs, name) => ({ id: str(inputs.dashboardName, name), dashboardArn: `arn:aws:cloudwatch::${target(inputs).account}:dashboard/${str(inputs.dashboardName, name)}` }),
};

/** `<prefix>-<shard 4 digits>-<node 3 digits>`, as ElastiCache names cluster-mode members. */
function memberIds(id: string, shards: number, replicas: number): string[] {
  const ids: string[] = [];
  for (let s = 1; s <= shards; s++) for (let n = 1; n <= 1 + replicas; n++) ids.push(`${id}-${String(s).padStart(4, "0")}-${String(n).padStart(3, "0")}`);
  return ids;
}

/** The cache layer and the application tier (components/cache, components/app workers, queue, roles). */
const CACHE_LAYER: MockOutputTable = {
  "aws:elasticache/subnetGroup:SubnetGroup": (inputs, name) => {
    const t = target(inputs);
    const groupName = str(inputs.name, name);
    return { id: groupName, arn: `arn:aws:elasticache:${t.region}:${t.account}:subnetgroup:${groupName}`, vpcId: `vpc-${hex("vpc")}` };
  },
  "aws:elasticache/parameterGroup:ParameterGroup": (inputs, name) => {
    const t = target(inputs);
    const groupName = str(inputs.name, name);
    return { id: groupName, arn: `arn:aws:elasticache:${t.region}:${t.account}:parametergroup:${groupName}` };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (inputs, name) => {
    const t = target(inputs);
    const id = str(inputs.replicationGroupId, name);
    // Cluster mode: clients use the configuration endpoint `clustercfg.<id>.<hash>.<region code>.cache.amazonaws.com`;
    // the primary/reader endpoints are empty (CreateReplicationGroup, DescribeReplicationGroups).
    const clusterMode = inputs.clusterMode === "enabled";
    return {
      id,
      arn: `arn:aws:elasticache:${t.region}:${t.account}:replicationgroup:${id}`,
      configurationEndpointAddress: clusterMode ? `clustercfg.${id}.${hex(name, 6)}.${t.region.replace(/^(\w\w)\w*-(\w)\w*-(\d)$/, "$1$2$3")}.cache.amazonaws.com` : "",
      primaryEndpointAddress: clusterMode ? "" : `master.${id}.${hex(name, 6)}.cache.amazonaws.com`,
      engineVersionActual: `${str(inputs.engineVersion, "8.1")}.0`,
      memberClusters: memberIds(id, Number(inputs.numNodeGroups ?? 1), Number(inputs.replicasPerNodeGroup ?? 0)),
      clusterEnabled: clusterMode,
    };
  },
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (inputs) => ({ id: str(inputs.queueUrl, "queue-url") }),
  "aws:iam/rolePolicy:RolePolicy": (inputs, name) => ({ id: `${str(inputs.role, "role")}:${str(inputs.name, name)}`, name: str(inputs.name, name) }),
  "aws:ecr/repository:Repository": (inputs, name) => {
    const t = target(inputs);
    const repo = str(inputs.name, name);
    return { id: repo, arn: `arn:aws:ecr:${t.region}:${t.account}:repository/${repo}`, registryId: t.account, repositoryUrl: `${t.account}.dkr.ecr.${t.region}.amazonaws.com/${repo}` };
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": (inputs) => ({ id: str(inputs.repository, "repository"), registryId: target(inputs).account }),
  "aws:ecs/cluster:Cluster": (inputs, name) => {
    const t = target(inputs);
    const arn = `arn:aws:ecs:${t.region}:${t.account}:cluster/${str(inputs.name, name)}`;
    return { id: arn, arn };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (inputs, name) => {
    const t = target(inputs);
    const family = str(inputs.family, name);
    return { id: family, arn: `arn:aws:ecs:${t.region}:${t.account}:task-definition/${family}:1`, arnWithoutRevision: `arn:aws:ecs:${t.region}:${t.account}:task-definition/${family}`, revision: 1 };
  },
  "aws:ecs/service:Service": (inputs, name) => {
    const t = target(inputs);
    const cluster = str(inputs.cluster, "default").split("/").pop();
    return { id: `arn:aws:ecs:${t.region}:${t.account}:service/${cluster}/${str(inputs.name, name)}`, name: str(inputs.name, name) };
  },
  "aws:secretsmanager/secret:Secret": (inputs, name) => {
    const t = target(inputs);
    // Secrets Manager appends a 6-character random suffix to the name in the ARN.
    const arn = `arn:aws:secretsmanager:${t.region}:${t.account}:secret:${str(inputs.name, name)}-${hex(name, 6)}`;
    return { id: arn, arn };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (inputs, name) => {
    const versionId = uuid(name);
    return { id: `${str(inputs.secretId, "secret")}|${versionId}`, arn: str(inputs.secretId, "secret"), versionId, versionStages: ["AWSCURRENT"] };
  },
  "aws:appautoscaling/target:Target": (inputs, name) => {
    const t = target(inputs);
    return { id: str(inputs.resourceId, name), arn: `arn:aws:application-autoscaling:${t.region}:${t.account}:scalable-target/${hex(name, 28)}` };
  },
  "aws:appautoscaling/policy:Policy": (inputs, name) => {
    const t = target(inputs);
    const policyName = str(inputs.name, name);
    return { id: policyName, arn: `arn:aws:autoscaling:${t.region}:${t.account}:scalingPolicy:${uuid(name)}:resource/${str(inputs.resourceId, "")}:policyName/${policyName}`, alarmArns: [] };
  },
};

/** Service and resource part of a generic ARN from a type token (`aws:ecs/cluster:Cluster` → `ecs`, `cluster`). */
function genericOutputs(type: string): MockOutputs {
  const [, module = "unknown", resource = "resource"] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  return (inputs, name) => {
    const t = target(inputs);
    const resourceName = str(inputs.name, name);
    return { id: `${name}-${hex(name, 8)}`, arn: `arn:aws:${module}:${t.region}:${t.account}:${resource}/${resourceName}` };
  };
}

/** Specific AWS resources; every other `aws:` type gets {@link awsGenericOutputs}. */
export const awsMockOutputs: MockOutputTable = { ...TABLE, ...CACHE_LAYER };

/** Id and ARN of the generic shape for an `aws:` type without its own entry; undefined for other providers. */
export function awsGenericOutputs(type: string): MockOutputs | undefined {
  return type.startsWith("aws:") ? genericOutputs(type) : undefined;
}
