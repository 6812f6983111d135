import * as kms from "@pulumi/aws/kms";
import * as sns from "@pulumi/aws/sns";
import * as pulumi from "@pulumi/pulumi";
import { type KmsServiceGrant, PUBLISH_TO_ENCRYPTED } from "../shared/kms-policy";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";
import { platformKey } from "../shared/kms-key";

export interface AlertTopicsArgs {
  /** Physical-name prefix, e.g. `promptandpause-prod`. */
  namePrefix: string;
  accountId: string;
  /** Who gets operational alarms (`contacts.operations`). */
  operationsEmail: string;
  /** Who gets security findings (`contacts.security`). */
  securityEmail: string;
  tags?: Tags;
}

/**
 * AWS services that publish alarms and events to the topics. Each needs the topic policy's
 * sns:Publish and, because the topics are encrypted, kms:Decrypt + kms:GenerateDataKey on the key
 * (SNS Developer Guide, "Enable compatibility between event sources and encrypted topics").
 */
export const ALERT_PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com", "scheduler.amazonaws.com"] as const;

/**
 * The platform's two alert topics, shared by every AWS layer: `alerts` (every CloudWatch alarm,
 * to operations) and `security` (GuardDuty/Inspector findings, failed sign-ins, to security).
 * Both are encrypted with a customer-managed, rotating KMS key that the publishing services may
 * use. E-mail subscriptions stay "pending confirmation" until the recipient clicks the link AWS
 * sends: nothing is delivered before that (docs/network.md "After the first up").
 */
export class AlertTopics extends pulumi.ComponentResource {
  readonly alertTopicArn: pulumi.Output<string>;
  readonly securityTopicArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:aws-shared:AlertTopics", name, {}, opts);
    const tags = args.tags ?? {};
    const grants: KmsServiceGrant[] = ALERT_PUBLISHERS.map((service) => ({ service, actions: PUBLISH_TO_ENCRYPTED }));
    const key = platformKey(
      `${name}-key`,
      {
        description: `${args.namePrefix} alert topics`,
        accountId: args.accountId,
        services: grants,
        alias: [args.namePrefix, "alerts"],
        tags: mergeTags(tags, { Name: physicalName("aws-name-tag", [args.namePrefix, "alerts"]) }),
      },
      { parent: this },
    );
    this.kmsKeyArn = key.arn;

    const alerts = this.createTopic(name, "alerts", args, key, args.operationsEmail, tags);
    const security = this.createTopic(name, "security", args, key, args.securityEmail, tags);
    this.alertTopicArn = alerts.arn;
    this.securityTopicArn = security.arn;
    this.registerOutputs({ alertTopicArn: this.alertTopicArn, securityTopicArn: this.securityTopicArn });
  }

  private createTopic(name: string, role: string, args: AlertTopicsArgs, key: kms.Key, email: string, tags: Tags): sns.Topic {
    const topicName = physicalName("aws-sns-topic", [args.namePrefix, role]);
    const topic = new sns.Topic(`${name}-${role}`, { name: topicName, kmsMasterKeyId: key.arn, tags: mergeTags(tags, { Name: topicName }) }, { parent: this });
    new sns.TopicPolicy(
      `${name}-${role}-policy`,
      {
        arn: topic.arn,
        policy: topic.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "OwnerManages", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${args.accountId}:root` }, Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"], Resource: arn },
              { Sid: "ServicesPublish", Effect: "Allow", Principal: { Service: [...ALERT_PUBLISHERS] }, Action: "sns:Publish", Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } },
              { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
          }),
        ),
      },
      { parent: this },
    );
    new sns.TopicSubscription(`${name}-${role}-email`, { topic: topic.arn, protocol: "email", endpoint: email }, { parent: this });
    return topic;
  }
}
