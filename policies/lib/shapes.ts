/**
 * The provider input shapes the policies read, as they arrive in `args.props`: the SDK's
 * camelCase property names (the SDK translates to the API's snake_case on the wire only), with
 * every `Input<T>` resolved. Each interface is a subset of the SDK's args type; the test
 * `tests/policies/shapes.test.ts` checks that assignment from the real SDK types compiles, so a
 * provider upgrade that renames a field breaks the build instead of silently passing.
 *
 * Kept here (and not imported from @pulumi/cloudflare / @pulumiverse/vercel) so that the pack
 * depends on @pulumi/policy and @pulumi/pulumi only.
 */
import type { Resource } from "@pulumi/pulumi";
import { TYPES } from "../guide";

/** `cloudflare.RulesetArgs` (@pulumi/cloudflare 6.x). */
export interface RulesetInputs {
  kind: string;
  name: string;
  phase: string;
  description?: string;
  zoneId?: string;
  accountId?: string;
  rules?: RulesetRuleInputs[];
}

/** `inputs.RulesetRule`. */
export interface RulesetRuleInputs {
  action: string;
  expression: string;
  description?: string;
  enabled?: boolean;
  ref?: string;
  actionParameters?: RulesetActionParametersInputs;
  ratelimit?: RulesetRatelimitInputs;
}

/** `inputs.RulesetRuleActionParameters` (the fields the pack reads). */
export interface RulesetActionParametersInputs {
  /** Managed ruleset id for `execute`. */
  id?: string;
  /** `skip`: the remaining rules of the current ruleset (`"current"`). */
  ruleset?: string;
  /** `skip` (exception in http_request_firewall_managed): managed ruleset ids to skip. */
  rulesets?: string[];
  /** `skip`: managed ruleset id → ids of its rules to skip. */
  rules?: Record<string, string[]>;
  /** `skip` (custom rules): whole phases to skip, e.g. `http_ratelimit`, `http_request_firewall_managed`. */
  phases?: string[];
  /** `skip` (custom rules): legacy products to skip, e.g. `rateLimit`, `waf`. */
  products?: string[];
  overrides?: {
    action?: string;
    enabled?: boolean;
    /** Per-rule overrides of a managed ruleset (the OWASP anomaly-score rule carries the threshold). */
    rules?: { id: string; action?: string; enabled?: boolean; scoreThreshold?: number; sensitivityLevel?: string }[];
    /** Per-tag overrides (`paranoia-level-2`, …). */
    categories?: { category: string; action?: string; enabled?: boolean }[];
  };
  /** `set_cache_settings`: whether the edge caches. */
  cache?: boolean;
  edgeTtl?: { mode: string; default?: number; statusCodeTtls?: { value?: number }[] };
  browserTtl?: { mode: string; default?: number };
  /** `rewrite` in http_response_headers_transform: header name → operation. */
  headers?: Record<string, { operation: string; value?: string; expression?: string }>;
}

/** `inputs.RulesetRuleRatelimit`. */
export interface RulesetRatelimitInputs {
  characteristics: string[];
  period: number;
  requestsPerPeriod?: number;
  mitigationTimeout?: number;
  countingExpression?: string;
  /** `true`: only requests that reach the origin are counted (cached responses are free). */
  requestsToOrigin?: boolean;
  scorePerPeriod?: number;
}

/** `cloudflare.ZoneSettingArgs`. `value` is untyped in the SDK. */
export interface ZoneSettingInputs {
  zoneId: string;
  settingId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the SDK types `value` as any
  value: any;
  enabled?: boolean;
}

/** `vercel.ProjectArgs` (@pulumiverse/vercel 5.x). */
export interface VercelProjectInputs {
  name?: string;
  resourceConfig?: { functionDefaultTimeout?: number; fluid?: boolean };
}

/** `vercel.ProjectEnvironmentVariableArgs`. */
export interface VercelEnvVarInputs {
  projectId: string;
  key: string;
  value?: string;
  sensitive: boolean;
  targets?: string[];
}

/** `vercel.ProjectRouteArgs`. */
export interface VercelRouteInputs {
  projectId: string;
  enabled?: boolean;
  route: {
    src: string;
    headers?: Record<string, string>;
    transforms?: { type: string; op: string; target?: string; args?: string }[];
    /** Conditions (host, header, cookie, query) the route applies only with / without. */
    has?: unknown[];
    missings?: unknown[];
  };
}

/**
 * Inputs of the in-repo Supabase dynamic resources (components/database/supabase): the plain
 * form of `SupabaseProjectArgs` / `SupabaseSettingsArgs`. The resources are matched by type token
 * (`pulumi-nodejs:dynamic/supabase:Project`, `…:Settings`), not by an input. Secret inputs
 * (`accessToken`, `dbPassword`, `smtpPassword`) are deliberately left out: no policy reads them.
 */
export interface SupabaseProjectInputs {
  organizationSlug?: string;
  name?: string;
  region?: string;
  instanceSize?: string;
  desiredPostgresMajor?: number;
}

/** `SupabaseSettingsArgs`, the areas the policies read. An absent area is not managed by Pulumi. */
export interface SupabaseSettingsInputs {
  projectRef?: string;
  projectName?: string;
  auth?: SupabaseAuthInputs;
  postgres?: { maxConnections?: number };
  pooler?: { defaultPoolSize?: number; poolMode?: string };
  storage?: { fileSizeLimitBytes?: number };
  sslEnforcement?: boolean;
  networkRestrictions?: { ipv4Cidrs?: string[]; ipv6Cidrs?: string[] };
  pitr?: { enabled: boolean; retentionDays?: number };
  backups?: { dailyScheduleUtc?: string };
}

/** `SupabaseSettingsArgs.auth` (`AuthSettings` of settings-ops), the fields the policies read. */
export interface SupabaseAuthInputs {
  siteUrl?: string;
  redirectUrls?: string[];
  jwtExpirySeconds?: number;
  refreshTokenRotation?: boolean;
  refreshTokenReuseIntervalSeconds?: number;
  /** Session lifetime in HOURS (`sessions_timebox` is hours in the Management API); 0 means unlimited. */
  sessionTimeboxHours?: number;
}

/**
 * A stand-in "resource class" for `validateResourceOfType`: the helpers (and the policy server)
 * match on the static `__pulumiType`, exactly as with an SDK class.
 */
export interface ResourceType<TArgs> {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors @pulumi/policy's resourceClass parameter
  new (name: string, args: TArgs, ...rest: any[]): Resource;
  readonly __pulumiType: string;
}

export function resourceType<TArgs>(token: string): ResourceType<TArgs> {
  return { __pulumiType: token } as unknown as ResourceType<TArgs>;
}

/** The Supabase project resource, matched by its type token. */
export const SupabaseProjectType = resourceType<SupabaseProjectInputs>(TYPES.supabaseProject);

/** The Supabase settings resource, matched by its type token. */
export const SupabaseSettingsType = resourceType<SupabaseSettingsInputs>(TYPES.supabaseSettings);
