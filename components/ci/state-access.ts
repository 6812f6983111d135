import type { PolicyStatement } from "../shared/iam";
import { physicalName } from "../shared/naming";

/**
 * What `pulumi preview` and `pulumi up` touch in a DIY S3 state backend, and the CI roles'
 * statements on the state bucket and the stack-secrets KMS key. The bootstrap (bootstrap/) and
 * the stacks' CI roles (components/ci/ci-roles.ts) both build on these, so the bucket and key
 * policies and the roles' own policies can never disagree about names or keys.
 *
 * Object layout of a project-scoped DIY backend (pulumi/pulumi pkg/backend/diy: store.go,
 * lock.go, state.go, meta.go):
 *   .pulumi/meta.yaml                                       layout version (read on every login)
 *   .pulumi/stacks/<project>/<stack>.json[.gz|.zst][.bak]   the checkpoint (+ backup copy)
 *   .pulumi/history/<project>/<stack>/…                     one record per update
 *   .pulumi/backups/<project>/<stack>/…                     checkpoint backups
 *   .pulumi/locks/organization/<project>/<stack>/<id>.json  the update lock
 *
 * What each command needs (same source, diyBackend.Preview / Update / apply):
 * - `pulumi up` locks the stack (writes, then deletes its lock file), writes the checkpoint, its
 *   `.bak`, history and backups: s3:GetObject, s3:PutObject, s3:DeleteObject on the stack's keys,
 *   s3:ListBucket (finding the checkpoint's variant and other locks lists by prefix). These four
 *   are the set Pulumi documents for the DIY S3 backend (pulumi/docs#19948).
 * - `pulumi preview` takes no lock and writes nothing (apply with DryRun: no snapshot manager, no
 *   history, no backup): s3:GetObject and s3:ListBucket only.
 * - Both read SSE-KMS objects (kms:Decrypt); `up` writes them (kms:GenerateDataKey).
 * - The awskms secrets provider decrypts the stack's data key (`encryptedkey` in the stack file)
 *   once per run (kms:Decrypt) and encrypts values locally; kms:Encrypt is only called when a new
 *   data key is made (`pulumi stack init`, `change-secrets-provider`: pkg/secrets/cloud/manager.go),
 *   which people do from the README, not CI. So neither CI role gets kms:Encrypt.
 */

/** The only organization a DIY backend accepts in a fully qualified stack name (store.go ParseReference). */
export const DIY_ORGANIZATION = "organization";

/** The fixed alias of the stack-secrets key (README: `--secrets-provider awskms://alias/promptandpause-pulumi`). */
export const SECRETS_KEY_ALIAS = "alias/promptandpause-pulumi";

/** The environments' CI roles, by fixed physical name: the bootstrap's policies name them before they exist. */
export type CiRoleKind = "deploy" | "preview";

/** `promptandpause-staging-ci-deploy`: the name of a stack's CI role (IAM role names, see NAMING_RULES). */
export function ciRoleName(project: string, environment: string, kind: CiRoleKind): string {
  return physicalName("aws-iam-role", [project, environment, "ci", kind]);
}

/** `arn:aws:iam::<account>:role/<name>` (roles are created with path `/`). */
export function ciRoleArn(partition: string, accountId: string, project: string, environment: string, kind: CiRoleKind): string {
  return `arn:${partition}:iam::${accountId}:role/${ciRoleName(project, environment, kind)}`;
}

/** Object-key patterns (bucket-relative) of one stack's state, for IAM `Resource` ARNs. */
export function stackStateKeys(project: string, stack: string): { shared: string[]; stack: string[] } {
  return {
    /** Read by every command of every stack: the backend's layout version. */
    shared: [".pulumi/meta.yaml"],
    stack: [
      `.pulumi/stacks/${project}/${stack}.json*`,
      `.pulumi/history/${project}/${stack}/*`,
      `.pulumi/backups/${project}/${stack}/*`,
      `.pulumi/locks/${DIY_ORGANIZATION}/${project}/${stack}/*`,
    ],
  };
}

export interface StateAccessArgs {
  partition: string;
  bucket: string;
  project: string;
  stack: string;
}

const bucketArn = (a: StateAccessArgs) => `arn:${a.partition}:s3:::${a.bucket}`;
const objectArns = (a: StateAccessArgs, keys: string[]) => keys.map((k) => `${bucketArn(a)}/${k}`);

/** The role's identity-policy statements on the state bucket. */
export function stateBucketStatements(kind: CiRoleKind, a: StateAccessArgs): PolicyStatement[] {
  const keys = stackStateKeys(a.project, a.stack);
  const list: PolicyStatement = { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn(a)] };
  if (kind === "preview") {
    return [list, { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: objectArns(a, [...keys.shared, ...keys.stack]) }];
  }
  return [
    list,
    { Sid: "StateMeta", Effect: "Allow", Action: ["s3:GetObject"], Resource: objectArns(a, keys.shared) },
    { Sid: "StateReadWrite", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: objectArns(a, keys.stack) },
  ];
}

/** KMS actions each role needs on the stack-secrets key (which also encrypts the state bucket). */
export const STATE_KEY_ACTIONS: Record<CiRoleKind, string[]> = {
  preview: ["kms:Decrypt"],
  deploy: ["kms:Decrypt", "kms:GenerateDataKey"],
};

/** The role's identity-policy statement on the key. */
export function stateKeyStatement(kind: CiRoleKind, keyArn: string): PolicyStatement {
  return { Sid: "StateKey", Effect: "Allow", Action: STATE_KEY_ACTIONS[kind], Resource: [keyArn] };
}
