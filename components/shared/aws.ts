/**
 * Small AWS facts several components share (each value checked against the AWS API reference
 * named beside it).
 */

/**
 * Retention periods CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`, days). Any
 * other number is refused by the API at `pulumi up`.
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];


/** The alarm target every alarm uses: the same topic when it fires and when it clears. */
export function alarmTargets(alertTopicArn: import("@pulumi/pulumi").Input<string>) {
  return { alarmActions: [alertTopicArn], okActions: [alertTopicArn] };
}
