import * as aws from "@pulumi/aws/provider";
import { platformTags } from "../components/shared/tags";
import type { BootstrapConfig } from "./config";
import { StateBackend } from "./state-backend";

/**
 * The bootstrap program: one explicit AWS provider pinned to the account, then the state backend.
 * Returns the stack outputs the README's next steps use.
 */
export function buildBootstrap(config: BootstrapConfig) {
  const provider = new aws.Provider("aws", {
    region: config.region as aws.ProviderArgs["region"],
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: platformTags(config.project, "account") },
  });
  const backend = new StateBackend(
    "state",
    {
      accountId: config.accountId,
      region: config.region,
      bucketName: config.stateBucket,
      project: config.project,
      stacks: config.stacks,
      operatorArns: config.operatorArns,
      noncurrentVersionDays: config.noncurrentVersionDays,
      keyRotationDays: config.keyRotationDays,
    },
    { providers: [provider] },
  );
  return {
    stateBucket: backend.bucketName,
    backendUrl: backend.backendUrl,
    secretsKeyArn: backend.keyArn,
    secretsProvider: backend.secretsProvider,
  };
}
