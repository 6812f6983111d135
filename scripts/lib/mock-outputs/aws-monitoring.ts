import { createHash } from "node:crypto";
import type { MockOutputTable } from "./types";

/**
 * Computed outputs of the AWS resources the monitoring layer creates, shaped as each API
 * documents them: ARNs in the service's format, ACM's DNS validation option (a CNAME under
 * `_<hash>.<domain>.` pointing into `acm-validations.aws.`, trailing dots included, as ACM
 * returns them), API Gateway's regional target domain (`d-<id>.execute-api.<region>.amazonaws.com`)
 * and execution ARN, Lambda's invoke ARN. Account and region are the stack's fake ones.
 */
const ACCOUNT = "000000000000";
const REGION = "eu-west-2";
const hex = (seed: string, n = 10) => createHash("sha256").update(seed).digest("hex").slice(0, n);
const region = (inputs: Record<string, unknown>) => (typeof inputs.region === "string" && inputs.region ? inputs.region : REGION);

export const awsMonitoringMockOutputs: MockOutputTable = {
  "aws:acm/certificate:Certificate": (inputs, name) => {
    const domain = String(inputs.domainName ?? "example.com");
    return {
      id: `arn:aws:acm:${region(inputs)}:${ACCOUNT}:certificate/${hex(name, 8)}-${hex(`${name}1`, 4)}-${hex(`${name}2`, 4)}-${hex(`${name}3`, 4)}-${hex(`${name}4`, 12)}`,
      arn: `arn:aws:acm:${region(inputs)}:${ACCOUNT}:certificate/${hex(name, 8)}-${hex(`${name}1`, 4)}-${hex(`${name}2`, 4)}-${hex(`${name}3`, 4)}-${hex(`${name}4`, 12)}`,
      status: "PENDING_VALIDATION",
      domainValidationOptions: [{ domainName: domain, resourceRecordName: `_${hex(`${name}-n`, 32)}.${domain}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(`${name}-v`, 32)}.${hex(name, 10)}.acm-validations.aws.` }],
    };
  },
  "aws:acm/certificateValidation:CertificateValidation": (inputs) => ({ id: String(inputs.certificateArn ?? ""), certificateArn: inputs.certificateArn }),
  "aws:apigatewayv2/api:Api": (inputs, name) => {
    const id = hex(name, 10);
    return { id, arn: `arn:aws:apigateway:${region(inputs)}::/apis/${id}`, apiEndpoint: `https://${id}.execute-api.${region(inputs)}.amazonaws.com`, executionArn: `arn:aws:execute-api:${region(inputs)}:${ACCOUNT}:${id}` };
  },
  "aws:apigatewayv2/domainName:DomainName": (inputs, name) => ({
    id: String(inputs.domainName),
    arn: `arn:aws:apigateway:${region(inputs)}::/domainnames/${String(inputs.domainName)}`,
    domainNameConfiguration: { ...(inputs.domainNameConfiguration as object), targetDomainName: `d-${hex(name, 10)}.execute-api.${region(inputs)}.amazonaws.com`, hostedZoneId: "ZJ5UAJN8Y3Z2Q" },
  }),
  "aws:lambda/function:Function": (inputs, name) => {
    const fn = String(inputs.name ?? name);
    const arn = `arn:aws:lambda:${region(inputs)}:${ACCOUNT}:function:${fn}`;
    return { arn, invokeArn: `arn:aws:apigateway:${region(inputs)}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "$LATEST" };
  },
  "aws:cloudwatch/logGroup:LogGroup": (inputs, name) => ({ id: String(inputs.name ?? name), arn: `arn:aws:logs:${region(inputs)}:${ACCOUNT}:log-group:${String(inputs.name ?? name)}` }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, name) => ({ id: String(inputs.name ?? name), arn: `arn:aws:cloudwatch:${region(inputs)}:${ACCOUNT}:alarm:${String(inputs.name ?? name)}` }),
  "aws:cloudwatch/eventRule:EventRule": (inputs, name) => ({ id: String(inputs.name ?? name), arn: `arn:aws:events:${region(inputs)}:${ACCOUNT}:rule/${String(inputs.name ?? name)}` }),
  "aws:cloudtrail/trail:Trail": (inputs, name) => ({ id: String(inputs.name ?? name), arn: `arn:aws:cloudtrail:${region(inputs)}:${ACCOUNT}:trail/${String(inputs.name ?? name)}` }),
  "aws:s3/bucket:Bucket": (inputs, name) => ({ id: String(inputs.bucket ?? name), arn: `arn:aws:s3:::${String(inputs.bucket ?? name)}` }),
  "aws:kms/key:Key": (_inputs, name) => {
    const id = `${hex(name, 8)}-${hex(`${name}a`, 4)}-${hex(`${name}b`, 4)}-${hex(`${name}c`, 4)}-${hex(`${name}d`, 12)}`;
    return { id, keyId: id, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}` };
  },
  "aws:iam/role:Role": (inputs, name) => ({ id: String(inputs.name ?? name), arn: `arn:aws:iam::${ACCOUNT}:role/${String(inputs.name ?? name)}` }),
  "aws:guardduty/detector:Detector": (_inputs, name) => ({ id: hex(name, 32), accountId: ACCOUNT }),
  "aws:ssm/maintenanceWindow:MaintenanceWindow": (_inputs, name) => ({ id: `mw-${hex(name, 17)}` }),
  "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": (_inputs, name) => ({ id: `${hex(name, 8)}-${hex(`${name}t`, 4)}-${hex(`${name}u`, 4)}-${hex(`${name}v`, 4)}-${hex(`${name}w`, 12)}` }),
  "aws:scheduler/schedule:Schedule": (inputs, name) => ({ id: `default/${String(inputs.name ?? name)}`, arn: `arn:aws:scheduler:${region(inputs)}:${ACCOUNT}:schedule/default/${String(inputs.name ?? name)}` }),
  "aws:cloudwatch/dashboard:Dashboard": (inputs, name) => ({ id: String(inputs.dashboardName ?? name), dashboardArn: `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${String(inputs.dashboardName ?? name)}` }),
};
