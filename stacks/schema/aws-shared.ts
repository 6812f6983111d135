import { z } from "zod";
import { safeText } from "./common";

/**
 * Zod building blocks for AWS settings shared by the AWS layers.
 *
 * Account-wide singletons (the GitHub OIDC provider, the GuardDuty detector): AWS allows one per
 * account (per region for GuardDuty), and two stacks may share an account. Exactly one stack
 * creates it; the others reference it. `accountSingleton("arn", …)` accepts
 *   { create: true }          this stack creates it (and exports its id/ARN for the others)
 *   { arn: "arn:aws:…" }      another stack in the account created it
 * and nothing else: both keys, neither, or `create: false` are errors naming the fix.
 */

/** Which key references an existing singleton. */
export type SingletonRefKey = "arn" | "id";

export type AccountSingleton<K extends SingletonRefKey> = { create: true } | ({ [P in K]: string } & { create?: undefined });

/**
 * `{ create: true } | { <refKey>: <reference> }`, validated, for one account-wide resource.
 * @param what what the singleton is, for messages ("the GitHub OIDC provider")
 * @param ref the reference's own rule (ARN or id format)
 */
export function accountSingleton<K extends SingletonRefKey>(refKey: K, ref: z.ZodString, what: string) {
  const shape = { create: z.literal(true, { error: `must be true (or leave it out and set ${refKey} to use ${what} another stack created)` }).optional(), [refKey]: ref.optional() } as {
    create: z.ZodOptional<z.ZodLiteral<true>>;
  } & Record<K, z.ZodOptional<z.ZodString>>;
  return z.strictObject(shape).superRefine((value, ctx) => {
    const v = value as { create?: true } & Partial<Record<K, string>>;
    const hasRef = v[refKey] !== undefined;
    if (v.create === true && hasRef) {
      ctx.addIssue({ code: "custom", path: [], message: `set either create: true (this stack creates ${what}) or ${refKey} (another stack in the account created it), not both` });
    } else if (v.create !== true && !hasRef) {
      ctx.addIssue({ code: "custom", path: [], message: `must be { create: true } (this stack creates ${what}) or { ${refKey}: "…" } (another stack in the account created it)` });
    }
  }) as unknown as z.ZodType<AccountSingleton<K>, unknown>;
}

/** 12-digit AWS account id. */
export const awsAccountId = safeText({ max: 12, pattern: /^\d{12}$/, problem: "must be a 12-digit AWS account id" });

/** AWS partitions in ARNs. */
const PARTITION = "aws(?:-cn|-us-gov)?";

/** ARN of the account's GitHub Actions OIDC provider (IAM: `arn:aws:iam::<account>:oidc-provider/<url without https://>`). */
export const githubOidcProviderArn = safeText({
  max: 120,
  pattern: new RegExp(`^arn:${PARTITION}:iam::\\d{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$`),
  problem: "must be the ARN of the account's GitHub OIDC provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
});

/** `promptandpause:ci.githubOidcProvider`. */
export const githubOidcProviderSingleton = accountSingleton("arn", githubOidcProviderArn, "the GitHub OIDC provider");

/** GuardDuty detector id: 32 lower-case hex characters (GuardDuty API, DetectorId: 1-300, in practice a 32-hex id). */
export const guardDutyDetectorId = safeText({ max: 32, pattern: /^[0-9a-f]{32}$/, problem: "must be a GuardDuty detector id (32 lower-case hex characters)" });

/** A GuardDuty detector: one per account and region. */
export const guardDutyDetectorSingleton = accountSingleton("id", guardDutyDetectorId, "the GuardDuty detector");

/** A symmetric KMS key's ARN (`arn:aws:kms:<region>:<account>:key/<key id>`); aliases are refused (IAM resources match key ARNs). */
export const kmsKeyArn = safeText({
  max: 128,
  pattern: new RegExp(`^arn:${PARTITION}:kms:[a-z]{2}(?:-[a-z]+)+-\\d:\\d{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`),
  problem: "must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias: IAM policies match the key's ARN)",
});

/** The account id inside an ARN. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** The partition of an ARN. */
export function arnPartition(arn: string): string | undefined {
  return /^arn:([^:]+):/.exec(arn)?.[1];
}
