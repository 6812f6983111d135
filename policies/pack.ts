/**
 * The policy pack's definition, without starting it. `index.ts` hands this to `new PolicyPack`
 * (which starts a gRPC server); the offline evaluator and the tests import this module instead.
 */
import type { EnforcementLevel, PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { version } from "./package.json";
import { cacheEncryption } from "./rules/cache-encryption";
import { cacheIngress } from "./rules/cache-ingress";
import { backupBuckets } from "./rules/backup-buckets";
import { cacheRules } from "./rules/cache-rules";
import { edgeTlsBaseline } from "./rules/edge-tls-baseline";
import { githubOidcTrustPinned } from "./rules/github-oidc-trust-pinned";
import { iamNoWildcardActions } from "./rules/iam-no-wildcard-actions";
import { maintenanceWindowWork } from "./rules/maintenance-window-work";
import { monitoringAlarmActions } from "./rules/monitoring-alarm-actions";
import { networkAdminPortsClosed } from "./rules/network-admin-ports-closed";
import { networkDatabaseIsolated } from "./rules/network-database-isolated";
import { networkDefaultSgClosed } from "./rules/network-default-sg-closed";
import { networkFlowLogs } from "./rules/network-flow-logs";
import { networkNoWorldIngress } from "./rules/network-no-world-ingress";
import { iamLeastPrivilege } from "./rules/iam-least-privilege";
import { iamRoleBoundary } from "./rules/iam-role-boundary";
import { rateLimits } from "./rules/rate-limits";
import { securityHeaders } from "./rules/security-headers";
import { statefulResourcesProtected } from "./rules/stateful-resources-protected";
import { supabaseAuth } from "./rules/supabase-auth";
import { supabaseDatabase } from "./rules/supabase-database";
import { supabaseHardening } from "./rules/supabase-hardening";
import { vercelDeploymentIsolation } from "./rules/vercel-deployment-isolation";
import { vercelEnvSecrets } from "./rules/vercel-env-secrets";
import { vercelFunctionTimeout } from "./rules/vercel-function-timeout";
import { imdsv2Required } from "./rules/instance-imdsv2";
import { vpnPresharedKeys } from "./rules/vpn-preshared-keys";
import { vpnTunnelCrypto } from "./rules/vpn-tunnel-crypto";
import { wafBaseline } from "./rules/waf-baseline";
import { workerScaling } from "./rules/worker-scaling";
import { workerTasks } from "./rules/worker-tasks";
import { wireguardIngress } from "./rules/wireguard-ingress";

/** Pack name, as published (`pulumi policy publish`) and as reported in violations. */
export const packName = "promptandpause-guide";

/** Pack version: the `version` of `policies/package.json` (the Pulumi CLI reads it from there too). */
export const packVersion: string = version;

/**
 * Level for a policy that does not set its own. Every policy here sets one explicitly: mandatory
 * for the guide's requirements, advisory (`supabase-hardening`) for recommendations beyond it.
 */
export const packEnforcementLevel: EnforcementLevel = "mandatory";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  securityHeaders,
  rateLimits,
  cacheRules,
  edgeTlsBaseline,
  wafBaseline,
  vercelFunctionTimeout,
  vercelEnvSecrets,
  vercelDeploymentIsolation,
  supabaseAuth,
  supabaseDatabase,
  supabaseHardening,
  statefulResourcesProtected,
  networkAdminPortsClosed,
  networkNoWorldIngress,
  networkDatabaseIsolated,
  networkFlowLogs,
  networkDefaultSgClosed,
  backupBuckets,
  monitoringAlarmActions,
  maintenanceWindowWork,
  iamNoWildcardActions,
  iamRoleBoundary,
  vpnTunnelCrypto,
  vpnPresharedKeys,
  wireguardIngress,
  imdsv2Required,
  githubOidcTrustPinned,
  cacheEncryption,
  cacheIngress,
  workerTasks,
  workerScaling,
  iamLeastPrivilege,
];

/** Everything `new PolicyPack(packName, packArgs)` needs. */
export const packArgs: PolicyPackArgs = {
  policies,
  enforcementLevel: packEnforcementLevel,
  displayName: "Prompt & Pause infrastructure guide",
  description:
    "Enforces the Prompt & Pause infrastructure guide: API security headers, rate limits, edge cache rules, TLS/WAF baseline, Vercel and Supabase settings, and protection of stateful resources.",
};
