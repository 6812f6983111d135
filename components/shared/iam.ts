/**
 * IAM policy documents as plain data: one type for identity, trust, key and bucket policies, and
 * the checks every layer's policies must pass (no `*` in an allowed action).
 *
 * Grammar: IAM JSON policy element reference (Version, Statement, Sid, Effect, Principal, Action,
 * NotAction, Resource, NotResource, Condition).
 */

import { wildcardProblems } from "../../policies/rules/iam-no-wildcard-actions";

export type OneOrMany<T> = T | T[];

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, OneOrMany<string>>;
  NotPrincipal?: Record<string, OneOrMany<string>>;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  /** `{ operator: { key: value | values } }`, e.g. `{ StringEquals: { "aws:SecureTransport": "false" } }`. */
  Condition?: Record<string, Record<string, OneOrMany<string>>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The current policy language version (IAM JSON policy elements: Version). */
export const POLICY_VERSION = "2012-10-17" as const;

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: statements };
}

export const asList = <T>(v: OneOrMany<T> | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Why `doc` breaks the "no `*` actions" rule, as the pack judges it (policies/rules/
 * iam-no-wildcard-actions.ts): an Allow whose Action contains `*` anywhere, or an Allow with
 * NotAction. A Deny may use `*` (the TLS-only bucket rule denies `s3:*` over plain HTTP).
 */
export function wildcardActionProblems(doc: PolicyDocument, where = "policy"): string[] {
  return wildcardProblems(doc).map((p) => `${where}: ${p}`);
}

/** Every action a document allows, sorted and without duplicates. */
export function allowedActions(doc: PolicyDocument): string[] {
  return [...new Set(doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action)))].sort();
}

/**
 * Size IAM counts for a policy: the JSON without whitespace (IAM quotas: "IAM doesn't count white
 * space"). Customer managed policies may be 6,144 characters; a role's inline policies 10,240 together.
 */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/** IAM and STS quotas: a customer managed policy's size. */
export const MANAGED_POLICY_MAX_CHARS = 6144;
