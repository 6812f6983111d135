import { Database } from "../../components/database/database";
import { physicalName } from "../../components/shared/naming";
import { authRedirectUrls } from "../schema/database";
import type { DatabaseOutputs } from "./contracts";
import type { LayerContext } from "./types";

/** The database layer from validated config: Supabase sized by the scale preset. */
export function composeDatabase({ config, providers }: LayerContext): { outputs: DatabaseOutputs; stackOutputs: Record<string, unknown> } {
  const db = config.database;
  if (!providers.random) throw new Error("database: ctx.providers.random is missing (stacks/platform.ts createProviders)");
  const database = new Database("database", {
    accessToken: config.secrets.required.supabaseAccessToken,
    organizationSlug: db.organizationSlug,
    projectName: physicalName("supabase-project", [config.project, config.environment]),
    region: db.region,
    desiredPostgresMajor: db.postgresMajorVersion,
    computeSize: config.scale.database.computeSize,
    readReplicas: config.scale.database.readReplicas,
    maxConnections: config.scale.database.maxConnections,
    poolSize: config.scale.database.poolSize,
    poolMode: db.poolMode,
    auth: {
      siteUrl: db.auth.siteUrl ?? `https://${config.domain}`,
      redirectUrls: authRedirectUrls(db, config.domain),
      jwtExpirySeconds: db.auth.jwtExpirySeconds,
      refreshTokenExpirySeconds: db.auth.refreshTokenExpirySeconds,
      refreshTokenReuseIntervalSeconds: db.auth.refreshTokenReuseIntervalSeconds,
      emailsPerHour: db.auth.emailsPerHour,
      tokenRefreshesPer5Minutes: db.auth.tokenRefreshesPer5Minutes,
      senderEmail: db.auth.senderEmail ?? `no-reply@${config.domain}`,
      smtpPassword: config.secrets.required.resendApiKey,
    },
    fileSizeLimitMb: db.storage.fileSizeLimitMb,
    sslEnforcement: db.sslEnforcement,
    allowedCidrs: db.allowedCidrs,
    pointInTimeRecovery: db.pointInTimeRecovery,
    backupTimeUtc: db.backupTimeUtc,
    protect: config.protectStatefulResources,
  }, { providers: [providers.random] });
  return {
    outputs: {
      projectRef: database.projectRef,
      apiUrl: database.apiUrl,
      publishableKey: database.publishableKey,
      secretKey: database.secretKey,
      poolerConnectionString: database.poolerConnectionString,
    },
    stackOutputs: { projectRef: database.projectRef, apiUrl: database.apiUrl, postgresVersion: database.postgresVersion },
  };
}
