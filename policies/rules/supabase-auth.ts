/**
 * supabase-auth: Supabase Auth only redirects to the site itself over HTTPS, and access tokens
 * expire within the guide's JWT expiry. Reads the `supabase:Settings` dynamic resource.
 *
 * Redirect URLs: each must be https on the host of `auth.siteUrl` (or a host listed in
 * `allowedRedirectHosts`), with no wildcard in the host. `http://localhost` / `127.0.0.1` are
 * accepted only when `allowHttpLocalhost` is true (staging), never in prod.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DATABASE, SUPABASE_KINDS, TYPES } from "../guide";
import { type DynamicInputs, resourceType, type SupabaseSettingsInputs } from "../lib/shapes";
import { configWithDefaults, parseUrl } from "../lib/util";

export const configSchema = {
  properties: {
    maxJwtExpirySeconds: {
      type: "integer",
      minimum: 1,
      description: "Longest access-token (JWT) lifetime allowed, in seconds.",
      default: DATABASE.jwtExpirySeconds,
    },
    allowedRedirectHosts: {
      type: "array",
      items: { type: "string", pattern: "^[a-z0-9.-]+$" },
      description: "Hosts accepted in redirect URLs besides the host of auth.siteUrl.",
      default: [],
    },
    allowHttpLocalhost: {
      type: "boolean",
      description: "Accept http://localhost and http://127.0.0.1 redirect URLs (local development against staging).",
      default: false,
    },
  },
} as const;

interface Config {
  maxJwtExpirySeconds: number;
  allowedRedirectHosts: string[];
  allowHttpLocalhost: boolean;
}

export const DynamicResource = resourceType<DynamicInputs>(TYPES.dynamic);

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

export const supabaseAuth: ResourceValidationPolicy = {
  name: "supabase-auth",
  description: "Supabase Auth redirects only to the site's own domain over HTTPS (no localhost in prod), and JWTs expire within 3600 seconds.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(DynamicResource, (props, args, reportViolation) => {
    if (props.resourceKind !== SUPABASE_KINDS.settings) {
      args.notApplicable(`Policy only applies to dynamic resources with resourceKind "${SUPABASE_KINDS.settings}"`);
    }
    const settings = props as unknown as SupabaseSettingsInputs;
    const cfg = configWithDefaults<Config>({ maxJwtExpirySeconds: DATABASE.jwtExpirySeconds, allowedRedirectHosts: [], allowHttpLocalhost: false }, args);
    const auth = settings.auth;
    if (!auth) {
      reportViolation(`Supabase settings "${args.name}" has no auth block; set auth.siteUrl, auth.redirectUrls and auth.jwtExpirySeconds.`);
      return;
    }
    if (auth.jwtExpirySeconds === undefined) {
      reportViolation(`Supabase settings "${args.name}" does not set auth.jwtExpirySeconds; set it to at most ${cfg.maxJwtExpirySeconds}.`);
    } else if (auth.jwtExpirySeconds > cfg.maxJwtExpirySeconds) {
      reportViolation(`Supabase settings "${args.name}" sets auth.jwtExpirySeconds to ${auth.jwtExpirySeconds}; the guide allows at most ${cfg.maxJwtExpirySeconds}.`);
    }
    const site = auth.siteUrl ? parseUrl(auth.siteUrl) : undefined;
    if (site?.scheme !== "https") {
      reportViolation(`Supabase settings "${args.name}" must set auth.siteUrl to an https:// URL (got ${auth.siteUrl === undefined ? "nothing" : `"${auth.siteUrl}"`}).`);
    }
    const hosts = new Set([...(site ? [site.host] : []), ...cfg.allowedRedirectHosts.map((h) => h.toLowerCase())]);
    for (const url of auth.redirectUrls ?? []) {
      const parsed = parseUrl(url);
      if (!parsed) {
        reportViolation(`Supabase settings "${args.name}": redirect URL "${url}" is not an absolute URL.`);
        continue;
      }
      const local = LOCAL_HOSTS.includes(parsed.host);
      if (local && cfg.allowHttpLocalhost && (parsed.scheme === "http" || parsed.scheme === "https")) continue;
      if (local) {
        reportViolation(`Supabase settings "${args.name}": redirect URL "${url}" points at the local machine; it is only allowed where allowHttpLocalhost is true (staging).`);
        continue;
      }
      if (parsed.scheme !== "https") reportViolation(`Supabase settings "${args.name}": redirect URL "${url}" must use https.`);
      if (parsed.host.includes("*")) reportViolation(`Supabase settings "${args.name}": redirect URL "${url}" has a wildcard host; list exact hosts.`);
      else if (!hosts.has(parsed.host)) {
        reportViolation(`Supabase settings "${args.name}": redirect URL "${url}" leaves the site's domain (allowed hosts: ${[...hosts].join(", ") || "none"}).`);
      }
    }
  }),
};
