import * as kms from "@pulumi/aws/kms";
import type * as pulumi from "@pulumi/pulumi";
import { type KmsServiceGrant, kmsKeyPolicy } from "./kms-policy";
import { physicalName } from "./naming";
import type { Tags } from "./tags";

/**
 * The platform's customer-managed KMS keys, set up one way: yearly rotation, the longest deletion
 * window, and an explicit key policy without `kms:*` (./kms-policy.ts). A key created without a
 * policy gets AWS's default one, which gives the account root `kms:*`.
 */
export interface PlatformKeyArgs {
  /** What the key encrypts (shown in the KMS console). */
  description: string;
  /** Account that administers the key (its root gets every key action by name). */
  accountId: string;
  /** AWS services that use the key with their own identity, and the actions each needs. @default none */
  services?: readonly KmsServiceGrant[];
  /** A key policy of its own (a JSON document) instead of {@link kmsKeyPolicy}: for grants with conditions it cannot express. */
  policy?: pulumi.Input<string>;
  /** Days, 7–30 (KMS ScheduleKeyDeletion `PendingWindowInDays`). @default 30, the longest, so a mistaken delete can be undone */
  deletionWindowInDays?: number;
  /** A multi-Region primary key (for a `kms.ReplicaKey` in another region). @default false */
  multiRegion?: boolean;
  /** Physical alias parts (`alias/<prefix>-<…>` through physicalName), or none. @default no alias */
  alias?: string[];
  tags: Tags;
}

/**
 * Registers the key `logicalName` (and its alias `<logicalName>-alias`) with `opts`; the alias
 * gets only the parent, so protecting the key does not pin its name.
 */
export function platformKey(logicalName: string, args: PlatformKeyArgs, opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): kms.Key {
  const deletionWindowInDays = args.deletionWindowInDays ?? 30;
  if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
    throw new Error(`${logicalName}.deletionWindowInDays: must be a whole number of days from 7 to 30 (KMS ScheduleKeyDeletion PendingWindowInDays) (got ${deletionWindowInDays})`);
  }
  const key = new kms.Key(
    logicalName,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays,
      ...(args.multiRegion ? { multiRegion: true } : {}),
      policy: args.policy ?? kmsKeyPolicy(args.accountId, args.services ?? []),
      tags: args.tags,
    },
    opts,
  );
  if (args.alias) new kms.Alias(`${logicalName}-alias`, { name: `alias/${physicalName("aws-kms-alias", args.alias)}`, targetKeyId: key.keyId }, { parent: opts.parent });
  return key;
}
