/**
 * supabase-auth: Supabase Auth only redirects to the site itself over HTTPS, access tokens expire
 * within the guide's jwt_expiry and sessions within its refresh_token_expiry. Reads the Supabase
 * settings dynamic resource (type `pulumi-nodejs:dynamic/supabase:Settings`).
 *
 * Sessions: the guide's refresh_token_expiry (604800 s) is Supabase's `sessions_timebox`, the
 * settings input `auth.sessionTimeboxHours` — HOURS, as the Management API takes it (the Supabase
 * CLI sends `Timebox.Hours()`). It must be set, positive (0 means sessions never end) and at most
 * `maxSessionSeconds` (the policy config stays in the guide's seconds; 604800 s = 168 h).
 *
 * Redirect URLs: each must be https on the host of `auth.siteUrl` (or a host listed in
 * `allowedRedirectHosts`), with no wildcard in the host. `http://localhost` / `127.0.0.1` are
 * accepted only when `allowHttpLocalhost` is true (staging), never in prod.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DATABASE } from "../guide";
import { SupabaseSettingsType } from "../lib/shapes";
import { configFrom, parseUrl } from "../lib/util";

export const configSchema = {
  properties: {
    maxJwtExpirySeconds: {
      type: "integer",
      minimum: 1,
      description: "Longest access-token (JWT) lifetime allowed, in seconds.",
      default: DATABASE.jwtExpirySeconds,
    },
    maxSessionSeconds: {
      type: "integer",
      minimum: 1,
      description: "Longest session allowed, in seconds (the guide's refresh_token_expiry); compared with auth.sessionTimeboxHours × 3600.",
      default: DATABASE.refreshTokenExpirySeconds,
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
  maxSessionSeconds: number;
  allowedRedirectHosts: string[];
  allowHttpLocalhost: boolean;
}

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

export const supabaseAuth: ResourceValidationPolicy = {
  name: "supabase-auth",
  description:
    "Supabase Auth redirects only to the site's own domain over HTTPS (no localhost in prod), JWTs expire within 3600 seconds and sessions within 604800 seconds (the guide's jwt_expiry and refresh_token_expiry).",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(SupabaseSettingsType, (settings, args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
    const auth = settings.auth;
    if (!auth) {
      reportViolation(`Supabase settings "${args.name}" has no auth block; set auth.siteUrl, auth.redirectUrls, auth.jwtExpirySeconds and auth.sessionTimeboxHours.`);
      return;
    }
    if (auth.jwtExpirySeconds === undefined) {
      reportViolation(`Supabase settings "${args.name}" does not set auth.jwtExpirySeconds; set it to at most ${cfg.maxJwtExpirySeconds}.`);
    } else if (auth.jwtExpirySeconds > cfg.maxJwtExpirySeconds) {
      reportViolation(`Supabase settings "${args.name}" sets auth.jwtExpirySeconds to ${auth.jwtExpirySeconds}; the guide allows at most ${cfg.maxJwtExpirySeconds}.`);
    }
    const session = auth.sessionTimeboxHours;
    const maxHours = cfg.maxSessionSeconds / 3600;
    const most = `${maxHours} h (${cfg.maxSessionSeconds} s)`;
    if (session === undefined) {
      reportViolation(`Supabase settings "${args.name}" does not set auth.sessionTimeboxHours (the guide's refresh_token_expiry); set it to at most ${most}.`);
    } else if (!(session > 0)) {
      reportViolation(`Supabase settings "${args.name}" sets auth.sessionTimeboxHours to ${session}, which means sessions never expire; set it above 0 and at most ${most} (the guide's refresh_token_expiry).`);
    } else if (session * 3600 > cfg.maxSessionSeconds) {
      reportViolation(`Supabase settings "${args.name}" sets auth.sessionTimeboxHours to ${session} (${session * 3600} s); the guide's refresh_token_expiry allows at most ${most}.`);
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
