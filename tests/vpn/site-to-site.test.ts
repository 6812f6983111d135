/** SiteToSiteVpn with explicit args: both tunnels pinned, keys in Secrets Manager, routes only to the reachable segments, alarms to the topic. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { type OfficeConfiguration, SiteToSiteVpn } from "../../components/vpn/site-to-site";
import { isSecretOutput, one, ofType, type PlannedResource, recordProgram, unwrap } from "../helpers/pulumi";

const T = {
  cgw: "aws:ec2/customerGateway:CustomerGateway",
  vgw: "aws:ec2/vpnGateway:VpnGateway",
  connection: "aws:ec2/vpnConnection:VpnConnection",
  route: "aws:ec2/vpnConnectionRoute:VpnConnectionRoute",
  propagation: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
};
/** The account the AWS mocks answer with when the test sets no promptandpause:aws config. */
const MOCK_ACCOUNT = "000000000000";
const TOPIC = "arn:aws:sns:eu-west-2:111111111111:promptandpause-prod-alerts";

const baseArgs = {
  namePrefix: "promptandpause-prod",
  vpcId: "vpc-0123456789abcdef0",
  officePublicIp: "81.2.69.142",
  officeCidrs: ["192.168.10.0/24", "192.168.20.0/24"],
  routeTableIds: { "management-0": "rtb-management0", "application-0": "rtb-application0", "application-1": "rtb-application1" },
  reachableCidrs: ["10.0.32.0/24", "10.0.0.0/22", "10.0.4.0/22"],
  alertTopicArn: TOPIC,
};

describe("static routing with defaults", () => {
  let resources: PlannedResource[];
  let office: OfficeConfiguration;
  let gatewayConfigSecret: boolean;
  let gatewayConfig: string;

  beforeAll(async () => {
    const run = await recordProgram(() => {
      const vpn = new SiteToSiteVpn("vpn-office", baseArgs);
      return { office: vpn.officeConfiguration, cgwConfig: vpn.customerGatewayConfiguration };
    });
    resources = run.resources;
    office = await unwrap(run.result.office);
    gatewayConfig = await unwrap(run.result.cgwConfig);
    gatewayConfigSecret = await isSecretOutput(run.result.cgwConfig);
  });

  it("pins both tunnels to IKEv2, the AES-256 family, SHA-2 >= 256 and DH 14-21 in both phases", () => {
    const inputs = one(resources, T.connection).inputs;
    for (const n of [1, 2]) {
      expect(inputs[`tunnel${n}IkeVersions`]).toEqual(["ikev2"]);
      // After dead-peer detection AWS re-initiates IKE instead of leaving the tunnel down.
      expect(inputs[`tunnel${n}DpdTimeoutAction`]).toBe("restart");
      for (const phase of ["Phase1", "Phase2"]) {
        expect(inputs[`tunnel${n}${phase}EncryptionAlgorithms`]).toEqual(["AES256", "AES256-GCM-16"]);
        expect(inputs[`tunnel${n}${phase}IntegrityAlgorithms`]).toEqual(["SHA2-256", "SHA2-384", "SHA2-512"]);
        expect(inputs[`tunnel${n}${phase}DhGroupNumbers`]).toEqual([14, 15, 16, 17, 18, 19, 20, 21]);
      }
    }
  });

  it("lets AWS generate the pre-shared keys into Secrets Manager and never sets one", () => {
    const inputs = one(resources, T.connection).inputs;
    expect(inputs.presharedKeyStorage).toBe("SecretsManager");
    expect(inputs.tunnel1PresharedKey).toBeUndefined();
    expect(inputs.tunnel2PresharedKey).toBeUndefined();
  });

  it("logs both tunnels to the component's CloudWatch log group", () => {
    const logGroup = one(resources, T.logGroup);
    expect(logGroup.inputs).toMatchObject({ name: "promptandpause-prod-vpn-office-tunnels", retentionInDays: 90 });
    const inputs = one(resources, T.connection).inputs;
    const arn = `arn:aws:logs:eu-west-2:${MOCK_ACCOUNT}:log-group:promptandpause-prod-vpn-office-tunnels`;
    for (const n of [1, 2]) expect(inputs[`tunnel${n}LogOptions`]).toEqual({ cloudwatchLogOptions: { logEnabled: true, logGroupArn: arn, logOutputFormat: "json" } });
  });

  it("connects the office customer gateway to a virtual private gateway on the VPC, static routes to the office networks", () => {
    expect(one(resources, T.cgw).inputs).toMatchObject({ type: "ipsec.1", ipAddress: "81.2.69.142" });
    expect(one(resources, T.cgw).inputs.bgpAsn).toBe("65000"); // AWS's default; ignored without BGP
    expect(one(resources, T.vgw).inputs).toMatchObject({ vpcId: "vpc-0123456789abcdef0", amazonSideAsn: "64512" });
    const connection = one(resources, T.connection);
    expect(connection.inputs).toMatchObject({ type: "ipsec.1", staticRoutesOnly: true, customerGatewayId: expect.stringMatching(/^cgw-/), vpnGatewayId: expect.stringMatching(/^vgw-/) });
    expect(ofType(resources, T.route).map((r) => r.inputs.destinationCidrBlock)).toEqual(["192.168.10.0/24", "192.168.20.0/24"]);
  });

  it("propagates the office routes only into the reachable segments' route tables", () => {
    expect(
      ofType(resources, T.propagation)
        .map((r) => r.inputs.routeTableId)
        .sort(),
    ).toEqual(["rtb-application0", "rtb-application1", "rtb-management0"]);
  });

  it("alarms on TunnelState (both down, one down) to the alert topic, missing data counting as down", () => {
    const alarms = ofType(resources, T.alarm).map((r) => r.inputs);
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ namespace: "AWS/VPN", metricName: "TunnelState", comparisonOperator: "LessThanThreshold", treatMissingData: "breaching", alarmActions: [TOPIC], okActions: [TOPIC] });
      expect(alarm.dimensions).toEqual({ VpnId: expect.stringMatching(/^vpn-/) });
    }
    // Both down: even the best tunnel's state is below 0.5. One down: the worst is below 1.
    expect(alarms.map((a) => [a.statistic, a.threshold]).sort()).toEqual([
      ["Maximum", 0.5],
      ["Minimum", 1],
    ]);
  });

  it("reports what the office configures, without the keys", () => {
    expect(office).toMatchObject({
      customerGatewayIp: "81.2.69.142",
      routing: "static",
      awsSideAsn: 64512,
      ikeVersion: "IKEv2",
      awsCidrs: baseArgs.reachableCidrs,
      presharedKeysSecretArn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-2:\d{12}:secret:vpn-office-connection-psk-/),
    });
    expect(office.tunnels).toHaveLength(2);
    for (const t of office.tunnels) {
      expect(t.outsideIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(t.officeInsideIp).toMatch(/^169\.254\./);
    }
    expect(JSON.stringify(office)).not.toMatch(/mockPsk/);
  });

  it("keeps AWS's device configuration (it holds the keys) secret", () => {
    expect(gatewayConfig).toContain("<pre_shared_key>mockPsk1");
    expect(gatewayConfigSecret).toBe(true);
  });
});

describe("BGP routing and narrower proposals", () => {
  let resources: PlannedResource[];
  beforeAll(async () => {
    resources = (
      await recordProgram(
        () => new SiteToSiteVpn("vpn-office", { ...baseArgs, bgpAsn: 65010, phase1: { encryption: ["AES256-GCM-16"], dhGroups: [20] }, routeTableIds: { "management-0": pulumi.output("rtb-m") } }),
      )
    ).resources;
  });

  it("uses the office ASN, no static routes, and the configured proposals on both tunnels", () => {
    expect(one(resources, T.cgw).inputs.bgpAsn).toBe("65010");
    expect(one(resources, T.connection).inputs.staticRoutesOnly).toBe(false);
    expect(ofType(resources, T.route)).toEqual([]);
    const inputs = one(resources, T.connection).inputs;
    for (const n of [1, 2]) {
      expect(inputs[`tunnel${n}Phase1EncryptionAlgorithms`]).toEqual(["AES256-GCM-16"]);
      expect(inputs[`tunnel${n}Phase1DhGroupNumbers`]).toEqual([20]);
      expect(inputs[`tunnel${n}Phase2DhGroupNumbers`]).toEqual([14, 15, 16, 17, 18, 19, 20, 21]);
    }
  });
});
