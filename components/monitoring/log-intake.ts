import * as acm from "@pulumi/aws/acm";
import * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dynamodb from "@pulumi/aws/dynamodb";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as lambda from "@pulumi/aws/lambda";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import { ALARM_DEFAULTS, type AlarmThresholds, countAlarm, logCountAlarm } from "./alarms";
import { AUTH_SIGN_IN_FAILED_EVENT } from "./log-intake/log-entry";
import { platformKey } from "../shared/kms-key";

export interface LogIntakeArgs {
  /** ARN of the stack's role boundary (components/aws-shared/role-boundary.ts): every role this component creates carries it. */
  permissionsBoundary: pulumi.Input<string>;
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  /** The stack's AWS account (the policy of the key that encrypts the function's environment). */
  accountId: string;
  /** The stack's apex domain; the intake answers on `logs.<domain>`. */
  domain: string;
  /** The stack's Cloudflare zone (certificate validation and the DNS-only record). */
  zoneId: pulumi.Input<string>;
  /** The Lambda bundle (components/monitoring/log-intake-bundle.ts `bundleLogIntake()`); entry `index.handler`. */
  code: pulumi.asset.Archive;
  /** The drain's signing secret, the same value the Vercel `LogDrain` gets. Secret. */
  drainSecret: pulumi.Input<string>;
  /** The Vercel team's endpoint verification code (`x-vercel-verify`). */
  verificationCode: pulumi.Input<string>;
  /** Every alarm's alarmActions and okActions. */
  alertTopicArn: pulumi.Input<string>;
  /** Failed sign-in alarms also go here. @default alert topic only */
  securityTopicArn?: pulumi.Input<string>;
  /** CloudWatch metric namespace of the filters. @default "PromptAndPause/<namePrefix>" */
  metricNamespace?: string;
  /**
   * Days the app's log lines are kept; one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90,
   * 120, 150, 180, 365, …). Cost: storage per GB-month after ingestion.
   * @default 90
   */
  retentionDays?: number;
  /**
   * Reserved concurrency of the intake function (a cap: throttled deliveries get 429 and Vercel
   * retries them). Dedupe works across instances (DynamoDB), so no cap is needed for correctness;
   * note AWS refuses a reservation that leaves the account under 100 unreserved (new accounts with
   * a quota of 10 cannot reserve at all).
   * @default none (unreserved)
   */
  concurrency?: number;
  /** API stage throttling (requests/s, burst). @default { rate: 20, burst: 40 } */
  throttle?: { rate: number; burst: number };
  /** Alarm thresholds per 5 minutes. @default ALARM_DEFAULTS (components/monitoring/alarms.ts) */
  thresholds?: Partial<Pick<AlarmThresholds, "appErrors" | "failedSignIns" | "intakeFunctionErrors" | "intakeApi5xx">>;
  tags?: Tags;
}

/**
 * The log aggregator behind the guide's `sendToLogAggregator`: Vercel's log drain → an HTTPS
 * intake on `logs.<domain>` (API Gateway HTTP API with a custom domain and an ACM certificate
 * validated through a Cloudflare DNS record) → a Lambda running
 * components/monitoring/log-intake/handler.ts → a CloudWatch log group with retention, whose metric
 * filters count the app's errors and failed sign-ins into alarms.
 *
 * The `logs` record is DNS-only (not proxied): through Cloudflare, the WAF's SQL-injection and
 * XSS rules would block log batches that quote such requests.
 *
 * Cost: Lambda and API Gateway per request (Vercel batches lines), CloudWatch Logs ingestion per GB
 * and storage per GB-month, the ACM certificate is free.
 */
export class LogIntake extends pulumi.ComponentResource {
  /** `https://logs.<domain>/vercel`: the drain's endpoint. */
  readonly endpoint: pulumi.Output<string>;
  readonly host: string;
  readonly logGroupName: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly apiId: pulumi.Output<string>;
  readonly alarmArns: pulumi.Output<string>[];
  /** The DNS record of `logs.<domain>`: the drain must be created after it (Vercel verifies the URL). */
  readonly dnsRecord: cloudflare.DnsRecord;
  /** The API mapping: the host answers only once it exists. */
  readonly apiMapping: apigatewayv2.ApiMapping;

  constructor(name: string, args: LogIntakeArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = {
      metricNamespace: `PromptAndPause/${args.namePrefix}`,
      retentionDays: 90,
      throttle: { rate: 20, burst: 40 },
      tags: {},
      ...args,
      thresholds: {
        appErrors: ALARM_DEFAULTS.appErrors,
        failedSignIns: ALARM_DEFAULTS.failedSignIns,
        intakeFunctionErrors: ALARM_DEFAULTS.intakeFunctionErrors,
        intakeApi5xx: ALARM_DEFAULTS.intakeApi5xx,
        ...args.thresholds,
      },
    };
    super("promptandpause:monitoring:LogIntake", name, {}, opts);
    this.host = `logs.${a.domain}`;

    const groups = this.createLogGroups(name, a);
    const table = this.createDedupeTable(name, a);
    const fn = this.createFunction(name, a, groups, table, this.createEnvironmentKey(name, a));
    const api = this.createApi(name, a, fn, groups.access);
    const domain = this.createDomain(name, a, api);
    this.dnsRecord = domain.record;
    this.apiMapping = domain.mapping;
    this.alarmArns = this.createAlarms(name, a, groups.app, fn, api.api);

    this.endpoint = pulumi.output(`https://${this.host}/vercel`);
    this.logGroupName = groups.app.name;
    this.functionName = fn.name;
    this.apiId = api.api.id;
    this.registerOutputs({ endpoint: this.endpoint, logGroupName: this.logGroupName, functionName: this.functionName, apiId: this.apiId });
  }

  /** The app's lines, the function's own logs and the API's access log, each with retention. */
  private createLogGroups(name: string, a: Resolved) {
    const group = (role: string, logGroupName: string, days: number) =>
      new cloudwatch.LogGroup(`${name}-${role}-logs`, { name: logGroupName, retentionInDays: days, tags: a.tags }, { parent: this });
    const functionName = physicalName("aws-lambda-function", [a.namePrefix, "log-intake"]);
    return {
      functionName,
      app: group("app", physicalName("aws-log-group", [a.namePrefix, "app-logs"]), a.retentionDays),
      // The function's own diagnostics: short-lived.
      fn: group("function", `/aws/lambda/${functionName}`, 30),
      access: group("access", physicalName("aws-log-group", [a.namePrefix, "log-intake-access"]), 30),
    };
  }

  /**
   * One item per stored entry id (components/monitoring/log-intake/dynamo-dedupe.ts), expiring by
   * TTL after 7 days. On-demand billing: a few writes per log line, cents per million.
   */
  private createDedupeTable(name: string, a: Resolved): dynamodb.Table {
    return new dynamodb.Table(
      `${name}-dedupe`,
      {
        name: physicalName("aws-dynamodb-table", [a.namePrefix, "log-intake-dedupe"]),
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        ttl: { attributeName: "expiresAt", enabled: true },
        serverSideEncryption: { enabled: true },
        tags: a.tags,
      },
      { parent: this },
    );
  }

  /**
   * The key of the function's environment (it holds the drain secret). With Lambda's default key
   * anyone allowed lambda:GetFunction(Configuration) reads the variables in clear: a ReadOnlyAccess
   * holder, an auditor, AWS Config's recorder, the CI preview role. With a customer-managed key
   * "only users in your account with access to the KMS key can view or manage environment
   * variables on the function" (Lambda Developer Guide, "Securing Lambda environment variables").
   * The account administers the key through IAM; the deploy role may use it only through Lambda
   * (components/ci, the kms:ViaService condition). This closes that one path: a pull-request
   * preview still sees every stack secret through the decrypted state (docs/ci.md).
   */
  private createEnvironmentKey(name: string, a: Resolved): kms.Key {
    return platformKey(
      `${name}-env-key`,
      {
        description: `${a.namePrefix} log intake function environment (drain secret)`,
        accountId: a.accountId,
        tags: mergeTags(a.tags, { Name: physicalName("aws-name-tag", [a.namePrefix, "log-intake-env"]) }),
      },
      { parent: this },
    );
  }

  private createFunction(name: string, a: Resolved, groups: ReturnType<LogIntake["createLogGroups"]>, table: dynamodb.Table, envKey: kms.Key): lambda.Function {
    const role = new iam.Role(
      `${name}-role`,
      {
        name: physicalName("aws-iam-role", [a.namePrefix, "log-intake"]),
        permissionsBoundary: a.permissionsBoundary,
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        tags: a.tags,
      },
      { parent: this },
    );
    // Only its two log groups (the app's lines, own stream per instance; its own logs), its dedupe table and its environment key.
    const policy = new iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "WriteAppLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [pulumi.interpolate`${groups.app.arn}:log-stream:*`, pulumi.interpolate`${groups.fn.arn}:log-stream:*`] },
            { Sid: "DedupeClaims", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"], Resource: table.arn },
            // Lambda also decrypts through the grant it makes for the role when the function is
            // saved; that grant names the role's principal id, so a role recreated under the same
            // name would lose it silently (terraform-provider-aws#6352). This statement does not.
            { Sid: "DecryptEnvironment", Effect: "Allow", Action: ["kms:Decrypt"], Resource: envKey.arn },
          ],
        }),
      },
      { parent: this },
    );
    return new lambda.Function(
      `${name}-function`,
      {
        name: groups.functionName,
        description: "Vercel log drain intake (components/monitoring/log-intake/handler.ts)",
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: a.code,
        role: role.arn,
        memorySize: 256,
        // Seconds. A batch is parsed and written in well under a second; Vercel's delivery times out long before 30 s.
        timeout: 10,
        ...(a.concurrency !== undefined ? { reservedConcurrentExecutions: a.concurrency } : {}),
        loggingConfig: { logFormat: "JSON", logGroup: groups.fn.name },
        kmsKeyArn: envKey.arn,
        environment: {
          variables: {
            LOG_GROUP_NAME: groups.app.name,
            DEDUPE_TABLE: table.name,
            VERCEL_VERIFY_CODE: a.verificationCode,
            // Encrypted at rest with envKey, which the preview role cannot use; the plan shows it as [secret].
            LOG_DRAIN_SECRET: pulumi.secret(a.drainSecret),
          },
        },
        tags: a.tags,
      },
      { parent: this, dependsOn: [policy, groups.fn] },
    );
  }

  /** HTTP API: one `$default` route (GET/HEAD verification, POST batches) to the function. */
  private createApi(name: string, a: Resolved, fn: lambda.Function, access: cloudwatch.LogGroup) {
    const child = { parent: this };
    const api = new apigatewayv2.Api(
      `${name}-api`,
      {
        name: physicalName("aws-lambda-function", [a.namePrefix, "log-intake"]),
        protocolType: "HTTP",
        // Only https://logs.<domain> answers (the certificate and TLS policy are ours).
        disableExecuteApiEndpoint: true,
        tags: a.tags,
      },
      child,
    );
    const integration = new apigatewayv2.Integration(
      `${name}-integration`,
      // HTTP APIs: Lambda proxy integrations take payload format 1.0 or 2.0; the handler reads 2.0.
      { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: fn.arn, integrationMethod: "POST", payloadFormatVersion: "2.0", timeoutMilliseconds: 15_000 },
      child,
    );
    const route = new apigatewayv2.Route(`${name}-route`, { apiId: api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` }, child);
    const stage = new apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: { throttlingRateLimit: a.throttle.rate, throttlingBurstLimit: a.throttle.burst },
        accessLogSettings: {
          destinationArn: access.arn,
          format: JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", method: "$context.httpMethod", path: "$context.path", status: "$context.status", length: "$context.responseLength", latency: "$context.integrationLatency", error: "$context.integrationErrorMessage" }),
        },
        tags: a.tags,
      },
      { parent: this, dependsOn: [route] },
    );
    new lambda.Permission(
      `${name}-invoke`,
      { action: "lambda:InvokeFunction", function: fn.name, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate`${api.executionArn}/*` },
      child,
    );
    return { api, stage };
  }

  /** `logs.<domain>`: ACM certificate validated by a Cloudflare record, the API's domain, and a DNS-only CNAME. */
  private createDomain(name: string, a: Resolved, api: ReturnType<LogIntake["createApi"]>) {
    const child = { parent: this };
    const host = `logs.${a.domain}`;
    // RSA_2048 (ACM's default): what regional API Gateway custom domains document (public key at most 2048 bits).
    const cert = new acm.Certificate(`${name}-certificate`, { domainName: host, validationMethod: "DNS", tags: a.tags }, child);
    // One domain → one validation record; names and values come back as FQDNs with a trailing dot.
    const dvo = cert.domainValidationOptions.apply((o) => {
      const first = o[0];
      if (!first) throw new Error(`LogIntake "${name}": ACM returned no DNS validation option for ${host}`);
      return { name: first.resourceRecordName.replace(/\.$/, ""), type: first.resourceRecordType, value: first.resourceRecordValue.replace(/\.$/, "") };
    });
    const validationRecord = new cloudflare.DnsRecord(
      `${name}-certificate-validation-record`,
      { zoneId: a.zoneId, name: dvo.name, type: dvo.type, content: dvo.value, ttl: 1, proxied: false, comment: "ACM validation of the log intake's certificate" },
      child,
    );
    const validation = new acm.CertificateValidation(`${name}-certificate-validation`, { certificateArn: cert.arn, validationRecordFqdns: [validationRecord.name] }, child);
    const domainName = new apigatewayv2.DomainName(
      `${name}-domain`,
      // TLS_1_2: API Gateway's policy that refuses TLS 1.0/1.1 (the edge's minimum too).
      { domainName: host, domainNameConfiguration: { certificateArn: validation.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }, tags: a.tags },
      child,
    );
    const mapping = new apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: api.api.id, domainName: domainName.id, stage: api.stage.id }, child);
    const record = new cloudflare.DnsRecord(
      `${name}-record`,
      {
        zoneId: a.zoneId,
        name: host,
        type: "CNAME",
        content: domainName.domainNameConfiguration.targetDomainName.apply((t) => t ?? ""),
        ttl: 1,
        // DNS-only: proxied, the WAF would block batches that quote SQL or script payloads.
        proxied: false,
        comment: "Vercel log drain intake (API Gateway), DNS-only",
      },
      child,
    );
    return { record, mapping };
  }

  private createAlarms(name: string, a: Resolved, app: cloudwatch.LogGroup, fn: lambda.Function, api: apigatewayv2.Api): pulumi.Output<string>[] {
    const alert = [a.alertTopicArn];
    const security = [a.alertTopicArn, ...(a.securityTopicArn ? [a.securityTopicArn] : [])];
    const period = ALARM_DEFAULTS.periodSeconds;
    const common = { logGroupName: app.name, namespace: a.metricNamespace, periodSeconds: period };
    return [
      logCountAlarm(this, name, a.namePrefix, {
        ...common,
        role: "app-errors",
        metricName: "AppErrors",
        pattern: '{ ($.level = "error") || ($.level = "critical") }',
        description: "The app logged error or critical lines (Vercel log drain → log intake).",
        threshold: a.thresholds.appErrors,
        topics: alert,
      }).alarm.arn,
      logCountAlarm(this, name, a.namePrefix, {
        ...common,
        role: "failed-sign-ins",
        metricName: "FailedSignIns",
        // The app's logger marks each refused sign-in (log-entry.ts AUTH_SIGN_IN_FAILED_EVENT).
        pattern: `{ $.metadata.event = "${AUTH_SIGN_IN_FAILED_EVENT}" }`,
        description: "Many failed sign-ins (Supabase Auth refusals logged by the app): credential stuffing or a broken login.",
        threshold: a.thresholds.failedSignIns,
        topics: security,
      }).alarm.arn,
      countAlarm(this, name, a.namePrefix, {
        role: "intake-function-errors",
        description: "The log intake function failed: log lines are delayed (Vercel retries) or lost.",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn.name },
        threshold: a.thresholds.intakeFunctionErrors,
        periodSeconds: period,
        topics: alert,
      }).arn,
      countAlarm(this, name, a.namePrefix, {
        role: "intake-function-throttles",
        description: "Log deliveries were throttled (account or reserved concurrency): Vercel retries, but a backlog loses lines.",
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: fn.name },
        threshold: a.thresholds.intakeFunctionErrors,
        periodSeconds: period,
        topics: alert,
      }).arn,
      countAlarm(this, name, a.namePrefix, {
        role: "intake-api-5xx",
        description: "The log intake answered 5xx (sink failures): Vercel retries; persistent errors lose lines.",
        namespace: "AWS/ApiGateway",
        // HTTP API metrics: 4xx, 5xx, Count, Latency, IntegrationLatency; dimensions ApiId and Stage.
        metricName: "5xx",
        dimensions: { ApiId: api.id, Stage: "$default" },
        threshold: a.thresholds.intakeApi5xx,
        periodSeconds: period,
        topics: alert,
      }).arn,
    ];
  }
}

type Resolved = Required<Omit<LogIntakeArgs, "securityTopicArn" | "thresholds" | "concurrency">> & { securityTopicArn?: pulumi.Input<string>; concurrency?: number; thresholds: Pick<AlarmThresholds, "appErrors" | "failedSignIns" | "intakeFunctionErrors" | "intakeApi5xx"> };
