import { createHash } from "node:crypto";
import type { MockOutputTable } from "./types";

/**
 * `@pulumi/aws` resources of the VPN layer (components/vpn): the ids and computed outputs the EC2,
 * CloudWatch, IAM, KMS, SSM and Auto Scaling APIs return, in their documented formats (ids are
 * `<prefix>-` + 17 hex digits, ARNs per service). Region and account come from the resource's
 * `region` input when set, else the mock account below. Values are derived from the logical name,
 * so every run plans the same.
 */

export const MOCK_ACCOUNT = "111111111111";
const DEFAULT_REGION = "eu-west-2";

function digest(name: string, salt: string): Buffer {
  return createHash("sha256").update(`${salt}:${name}`).digest();
}

/** `vpn-0a1b…` (17 hex digits, as EC2 returns since 2018). */
export function awsId(prefix: string, name: string): string {
  return `${prefix}-${digest(name, prefix).toString("hex").slice(0, 17)}`;
}

function region(inputs: Record<string, unknown>): string {
  return typeof inputs.region === "string" ? inputs.region : DEFAULT_REGION;
}

/** A public-looking IPv4 address (in 3.8.0.0/14, an AWS eu-west-2 range) derived from the name. */
function publicIp(name: string, salt: string): string {
  const d = digest(name, salt);
  return `3.${8 + ((d[0] ?? 0) % 4)}.${d[1] ?? 0}.${1 + ((d[2] ?? 0) % 254)}`;
}

/** A tunnel's inside /30 from 169.254.0.0/16 (AWS picks one per tunnel; .1 is AWS, .2 the customer). */
function insideCidr(name: string, tunnel: number): { cidr: string; aws: string; customer: string } {
  const d = digest(name, `inside${tunnel}`);
  const base = `169.254.${10 + ((d[0] ?? 0) % 240)}.${((d[1] ?? 0) % 64) * 4}`;
  const [a, b, c, last] = base.split(".");
  return { cidr: `${base}/30`, aws: `${a}.${b}.${c}.${Number(last) + 1}`, customer: `${a}.${b}.${c}.${Number(last) + 2}` };
}

export const awsVpnMockOutputs: MockOutputTable = {
  "aws:ec2/customerGateway:CustomerGateway": (inputs, name) => {
    const id = awsId("cgw", name);
    // Static-routing customer gateways get AWS's default ASN 65000 (CreateCustomerGateway BgpAsn default).
    return { id, arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:customer-gateway/${id}`, bgpAsn: inputs.bgpAsn ?? "65000" };
  },
  "aws:ec2/vpnGateway:VpnGateway": (inputs, name) => {
    const id = awsId("vgw", name);
    return { id, arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:vpn-gateway/${id}`, amazonSideAsn: inputs.amazonSideAsn ?? "64512" };
  },
  "aws:ec2/vpnConnection:VpnConnection": (inputs, name) => {
    const id = awsId("vpn", name);
    const [t1, t2] = [insideCidr(name, 1), insideCidr(name, 2)];
    const [o1, o2] = [publicIp(name, "tunnel1"), publicIp(name, "tunnel2")];
    const storedInSecretsManager = inputs.presharedKeyStorage === "SecretsManager";
    // Fake keys, only inside the (secret) device configuration, as AWS returns it.
    const psk = (n: number) => `mockPsk${n}${digest(name, `psk${n}`).toString("hex").slice(0, 24)}`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?><vpn_connection id="${id}">${[
      [o1, t1.aws, psk(1)],
      [o2, t2.aws, psk(2)],
    ]
      .map(
        ([o, inside, k]) =>
          `<ipsec_tunnel><vpn_gateway><tunnel_outside_address><ip_address>${o}</ip_address></tunnel_outside_address><tunnel_inside_address><ip_address>${inside}</ip_address></tunnel_inside_address></vpn_gateway><ike><pre_shared_key>${k}</pre_shared_key></ike></ipsec_tunnel>`,
      )
      .join("")}</vpn_connection>`;
    return {
      id,
      arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:vpn-connection/${id}`,
      customerGatewayConfiguration: xml,
      presharedKeyArn: `arn:aws:secretsmanager:${region(inputs)}:${MOCK_ACCOUNT}:secret:${id}-psk-${digest(name, "arn").toString("hex").slice(0, 6)}`,
      presharedKeyStorage: storedInSecretsManager ? "SecretsManager" : "Standard",
      tunnel1Address: o1,
      tunnel2Address: o2,
      tunnel1InsideCidr: t1.cidr,
      tunnel2InsideCidr: t2.cidr,
      tunnel1VgwInsideAddress: t1.aws,
      tunnel2VgwInsideAddress: t2.aws,
      tunnel1CgwInsideAddress: t1.customer,
      tunnel2CgwInsideAddress: t2.customer,
      // With Secrets Manager storage the keys are read from the secret, not from the connection.
      ...(storedInSecretsManager ? {} : { tunnel1PresharedKey: psk(1), tunnel2PresharedKey: psk(2) }),
    };
  },
  "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": (inputs) => ({ id: `${inputs.destinationCidrBlock}:${inputs.vpnConnectionId}` }),
  "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": (inputs) => ({ id: `${inputs.routeTableId}_${inputs.vpnGatewayId}` }),
  "aws:cloudwatch/logGroup:LogGroup": (inputs, name) => {
    const logGroupName = typeof inputs.name === "string" ? inputs.name : `${name}-${digest(name, "lg").toString("hex").slice(0, 7)}`;
    // The provider strips AWS's trailing `:*` from the ARN.
    return { id: logGroupName, name: logGroupName, arn: `arn:aws:logs:${region(inputs)}:${MOCK_ACCOUNT}:log-group:${logGroupName}` };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, name) => {
    const alarmName = typeof inputs.name === "string" ? inputs.name : `${name}-${digest(name, "alarm").toString("hex").slice(0, 7)}`;
    return { id: alarmName, name: alarmName, arn: `arn:aws:cloudwatch:${region(inputs)}:${MOCK_ACCOUNT}:alarm:${alarmName}` };
  },
  "aws:ec2/networkInterface:NetworkInterface": (inputs, name) => {
    const d = digest(name, "eni");
    const id = awsId("eni", name);
    return {
      id,
      arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:network-interface/${id}`,
      // AWS assigns a free address of the subnet; the mock does not know the subnet's range.
      privateIp: inputs.privateIp ?? `10.0.0.${10 + ((d[0] ?? 0) % 200)}`,
      macAddress: `0a:${[...d.subarray(1, 6)].map((b) => b.toString(16).padStart(2, "0")).join(":")}`,
      sourceDestCheck: inputs.sourceDestCheck ?? true,
    };
  },
  "aws:ec2/eip:Eip": (inputs, name) => ({ id: awsId("eipalloc", name), allocationId: awsId("eipalloc", name), publicIp: publicIp(name, "eip"), domain: inputs.domain ?? "vpc" }),
  "aws:ec2/eipAssociation:EipAssociation": (_inputs, name) => ({ id: awsId("eipassoc", name) }),
  "aws:ec2/securityGroup:SecurityGroup": (inputs, name) => {
    const id = awsId("sg", name);
    return { id, arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:security-group/${id}`, ownerId: MOCK_ACCOUNT };
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_inputs, name) => ({ id: awsId("sgr", name), securityGroupRuleId: awsId("sgr", name) }),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_inputs, name) => ({ id: awsId("sgr", name), securityGroupRuleId: awsId("sgr", name) }),
  "aws:ec2/route:Route": (inputs) => ({ id: `r-${inputs.routeTableId}${inputs.destinationCidrBlock}` }),
  "aws:ec2/launchTemplate:LaunchTemplate": (inputs, name) => {
    const id = awsId("lt", name);
    return { id, arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT}:launch-template/${id}`, latestVersion: 1, defaultVersion: 1 };
  },
  "aws:autoscaling/group:Group": (inputs, name) => {
    const groupName = typeof inputs.name === "string" ? inputs.name : name;
    return { id: groupName, name: groupName, arn: `arn:aws:autoscaling:${region(inputs)}:${MOCK_ACCOUNT}:autoScalingGroup:${digest(name, "asg").toString("hex").slice(0, 8)}:autoScalingGroupName/${groupName}` };
  },
  "aws:iam/role:Role": (inputs, name) => {
    const roleName = typeof inputs.name === "string" ? inputs.name : `${name}-${digest(name, "role").toString("hex").slice(0, 7)}`;
    return { id: roleName, name: roleName, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${roleName}`, uniqueId: `AROA${digest(name, "uid").toString("hex").slice(0, 17).toUpperCase()}` };
  },
  "aws:iam/rolePolicy:RolePolicy": (inputs, name) => ({ id: `${inputs.role}:${typeof inputs.name === "string" ? inputs.name : name}` }),
  "aws:iam/instanceProfile:InstanceProfile": (inputs, name) => {
    const profileName = typeof inputs.name === "string" ? inputs.name : `${name}-${digest(name, "ip").toString("hex").slice(0, 7)}`;
    return { id: profileName, name: profileName, arn: `arn:aws:iam::${MOCK_ACCOUNT}:instance-profile/${profileName}` };
  },
  "aws:kms/key:Key": (inputs, name) => {
    const h = digest(name, "kms").toString("hex");
    const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${region(inputs)}:${MOCK_ACCOUNT}:key/${keyId}` };
  },
  "aws:ssm/parameter:Parameter": (inputs, name) => {
    const parameterName = typeof inputs.name === "string" ? inputs.name : name;
    // Parameter ARNs: `parameter` + the name when it starts with "/", else `parameter/` + name.
    const path = parameterName.startsWith("/") ? parameterName : `/${parameterName}`;
    return { id: parameterName, name: parameterName, arn: `arn:aws:ssm:${region(inputs)}:${MOCK_ACCOUNT}:parameter${path}`, version: 1 };
  },
};
