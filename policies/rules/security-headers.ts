/**
 * security-headers: every `/api/*` response carries the guide's three security headers, set by at
 * least one layer (Cloudflare response-header transform rule, the zone's `security_header`
 * setting, or a Vercel ProjectRoute), and no layer sets or strips one to something weaker.
 *
 * A Vercel ProjectRoute sets a header through Vercel's "Modify response headers" action —
 * `route.transforms` entries `{ type: "response.headers", op: "set" | "append", target: '{"key":…}',
 * args: '"value"' }` (JSON documents, as the provider takes them) — or the legacy `route.headers`
 * map; a `delete` transform whose key matches strips the header.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PHASES, SECURITY_HEADERS, TYPES } from "../guide";
import type { VercelRouteInputs } from "../lib/shapes";
import { matchesProbe } from "../lib/expression";
import { configFrom, enabledRules, getLoose, hasType, parseHsts, ruleLabel, rulesetsInPhase, zoneSettings } from "../lib/util";

export const configSchema = {
  properties: {
    hstsMinMaxAgeSeconds: {
      type: "integer",
      minimum: 0,
      default: SECURITY_HEADERS.hstsMaxAgeSeconds,
      description: "Smallest Strict-Transport-Security max-age accepted (seconds).",
    },
    requireIncludeSubDomains: {
      type: "boolean",
      default: SECURITY_HEADERS.hstsIncludeSubDomains,
      description: "Strict-Transport-Security must carry includeSubDomains.",
    },
    frameOptions: {
      type: "string",
      enum: ["DENY", "SAMEORIGIN"],
      default: SECURITY_HEADERS.frameOptions,
      description: "Weakest X-Frame-Options value accepted (DENY is stronger than SAMEORIGIN).",
    },
    probePath: {
      type: "string",
      pattern: "^/api/",
      default: SECURITY_HEADERS.probePath,
      description: "A path under /api/ used to decide whether a Vercel route source covers the API.",
    },
  },
} as const;

interface Config {
  hstsMinMaxAgeSeconds: number;
  requireIncludeSubDomains: boolean;
  frameOptions: "DENY" | "SAMEORIGIN";
  probePath: string;
}

const HSTS = "Strict-Transport-Security";
const XCTO = "X-Content-Type-Options";
const XFO = "X-Frame-Options";
const HEADERS = [HSTS, XCTO, XFO] as const;
type HeaderName = (typeof HEADERS)[number];

/**
 * One layer's effect on one header for /api/*: a value it sets, or `null` when it strips it.
 * `covers`: it applies to every /api/* response (every probe path, whatever the host or source);
 * otherwise it applies to some of them only, which can weaken the header there but never set it.
 */
interface HeaderSetting {
  header: HeaderName;
  value: string | null;
  where: string;
  urn: string;
  covers: boolean;
}

function canonicalHeader(name: string): HeaderName | undefined {
  return HEADERS.find((h) => h.toLowerCase() === name.trim().toLowerCase());
}

/** The paths a setting must reach to count for /api/*: the configured probe and a few more. */
function probePaths(cfg: Config): string[] {
  return [cfg.probePath, ...SECURITY_HEADERS.extraProbePaths];
}

/**
 * How far a Cloudflare rule reaches on /api/*: `all` when it matches every probe path whatever
 * the host, source or method (policies/lib/expression.ts), `some` when it may match one, `none`.
 */
function expressionReach(expression: string, cfg: Config): "all" | "some" | "none" {
  const results = probePaths(cfg).map((path) => matchesProbe(expression, { path }));
  if (results.every((r) => r === true)) return "all";
  if (results.some((r) => r !== false)) return "some";
  // A rule for one route the probes miss (`path eq "/api/embed"`, `ends_with(path, "/embed")`)
  // still reaches /api/*: probe the API paths its own string literals suggest.
  const literals = [...expression.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? "");
  const suggested = literals.map((s) => (s.startsWith("/api/") ? s : s.startsWith("/") ? `/api${s}` : `/api/zz-probe${s}`));
  return suggested.some((path) => matchesProbe(expression, { path }) !== false) ? "some" : "none";
}

/**
 * How far a Vercel route reaches on /api/*: its `src` is a regular expression over the path; a
 * route with `has`/`missing` conditions (a host, header, cookie or query) applies to some requests only.
 */
function routeReach(route: VercelRouteInputs["route"], cfg: Config): "all" | "some" | "none" {
  let re: RegExp;
  try {
    re = new RegExp(`^${route.src}$`);
  } catch {
    return route.src.startsWith("/api") ? "some" : "none";
  }
  const results = probePaths(cfg).map((path) => re.test(path));
  if (!results.some(Boolean)) return "none";
  const conditional = (route.has ?? []).length > 0 || (route.missings ?? []).length > 0;
  return results.every(Boolean) && !conditional ? "all" : "some";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The guide headers a Vercel transform `target` (a JSON document `{"key": …}`) names. `key` is a
 * header name, or a matcher object (`eq`, `pre`, `suf`, `inc`, `re`); a target that cannot be
 * read falls back to "mentions the header name", so an unreadable delete still counts as a strip.
 */
function transformTargets(target: string): HeaderName[] {
  const key = getLoose(parseJson(target), "key");
  if (typeof key === "string") {
    const header = canonicalHeader(key);
    return header ? [header] : [];
  }
  if (key && typeof key === "object") {
    const m = key as Record<string, unknown>;
    return HEADERS.filter((h) => {
      const name = h.toLowerCase();
      const str = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);
      if (str(m.eq) === name || (str(m.pre) !== undefined && name.startsWith(str(m.pre) as string)) || (str(m.suf) !== undefined && name.endsWith(str(m.suf) as string))) return true;
      if (Array.isArray(m.inc) && m.inc.some((v) => str(v) === name)) return true;
      if (typeof m.re === "string") {
        try {
          return new RegExp(m.re, "i").test(h);
        } catch {
          return false;
        }
      }
      return false;
    });
  }
  return HEADERS.filter((h) => target.toLowerCase().includes(h.toLowerCase()));
}

/** The value a `set` / `append` transform writes: its `args` JSON (a string, or strings joined). */
function transformValue(args: string | undefined): string {
  const parsed = args === undefined ? "" : parseJson(args);
  if (typeof parsed === "string") return parsed;
  if (Array.isArray(parsed)) return parsed.map(String).join(", ");
  return args ?? "";
}

function collect(resources: PolicyResource[], cfg: Config): HeaderSetting[] {
  const out: HeaderSetting[] = [];
  // Edge: response-header transform rules.
  for (const { ruleset, rule, index } of enabledRules(rulesetsInPhase(resources, PHASES.responseHeaders))) {
    if (rule.action !== "rewrite") continue;
    const reach = expressionReach(rule.expression, cfg);
    if (reach === "none") continue;
    const covers = reach === "all";
    for (const [name, op] of Object.entries(rule.actionParameters?.headers ?? {})) {
      const header = canonicalHeader(name);
      if (!header) continue;
      const where = `Cloudflare ${ruleLabel(ruleset, rule, index)}${covers ? "" : " (on some /api/* responses)"}`;
      if (op.operation === "remove") out.push({ header, value: null, where, urn: ruleset.resource.urn, covers });
      else if (op.value !== undefined) out.push({ header, value: op.value, where, urn: ruleset.resource.urn, covers });
      // A value computed per request cannot be checked: it counts as a weakening, never as the header.
      else if (op.expression !== undefined) out.push({ header, value: `<computed by ${op.expression}>`, where, urn: ruleset.resource.urn, covers: false });
    }
  }
  // Edge: the zone's security_header setting (HSTS and nosniff only).
  const sh = zoneSettings(resources).get("securityheader");
  const hsts = sh ? getLoose(sh.props.value, "strict_transport_security") : undefined;
  if (sh && hsts && getLoose(hsts, "enabled") === true) {
    const where = `Cloudflare zone setting "${sh.resource.name}" (security_header)`;
    const maxAge = Number(getLoose(hsts, "max_age") ?? 0);
    const sub = getLoose(hsts, "include_subdomains") === true ? "; includeSubDomains" : "";
    out.push({ header: HSTS, value: `max-age=${maxAge}${sub}`, where, urn: sh.resource.urn, covers: true });
    if (getLoose(hsts, "nosniff") === true) out.push({ header: XCTO, value: "nosniff", where, urn: sh.resource.urn, covers: true });
  }
  // Origin: Vercel project routes.
  for (const r of resources) {
    if (r.type !== TYPES.vercelRoute) continue;
    const props = r.props as VercelRouteInputs;
    if (props.enabled === false) continue;
    const reach = routeReach(props.route, cfg);
    if (reach === "none") continue;
    const covers = reach === "all";
    const where = `Vercel route "${r.name}" (${props.route.src})${covers ? "" : " (on some /api/* responses)"}`;
    for (const [name, value] of Object.entries(props.route.headers ?? {})) {
      const header = canonicalHeader(name);
      if (header) out.push({ header, value, where, urn: r.urn, covers });
    }
    for (const t of props.route.transforms ?? []) {
      if (t.type !== "response.headers" || !t.target) continue;
      const targeted = transformTargets(t.target);
      if (t.op === "delete") {
        for (const header of targeted) out.push({ header, value: null, where, urn: r.urn, covers });
      } else if (t.op === "set" || t.op === "append") {
        const value = transformValue(t.args);
        for (const header of targeted) out.push({ header, value, where, urn: r.urn, covers });
      }
    }
  }
  return out;
}

/** Why a value is weaker than required, or undefined when it is strong enough. */
function weakness(s: HeaderSetting, cfg: Config): string | undefined {
  if (s.value === null) return "removes it";
  if (s.header === HSTS) {
    const { maxAge, includeSubDomains } = parseHsts(s.value);
    const problems: string[] = [];
    if (maxAge === undefined || maxAge < cfg.hstsMinMaxAgeSeconds) problems.push(`max-age must be at least ${cfg.hstsMinMaxAgeSeconds}`);
    if (cfg.requireIncludeSubDomains && !includeSubDomains) problems.push("includeSubDomains is missing");
    return problems.length ? `sets "${s.value}" (${problems.join(", ")})` : undefined;
  }
  if (s.header === XCTO) return s.value.trim().toLowerCase() === "nosniff" ? undefined : `sets "${s.value}" (must be "nosniff")`;
  const v = s.value.trim().toUpperCase();
  const ok = v === "DENY" || (cfg.frameOptions === "SAMEORIGIN" && v === "SAMEORIGIN");
  return ok ? undefined : `sets "${s.value}" (must be "${cfg.frameOptions}")`;
}

function expected(header: HeaderName, cfg: Config): string {
  if (header === HSTS) return `max-age=${cfg.hstsMinMaxAgeSeconds}${cfg.requireIncludeSubDomains ? "; includeSubDomains" : ""}`;
  return header === XCTO ? "nosniff" : cfg.frameOptions;
}

export function validateSecurityHeaders(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const { resources } = args;
  if (!hasType(resources, TYPES.zone) && !hasType(resources, TYPES.vercelProject)) {
    args.notApplicable("The stack has neither a Cloudflare zone nor a Vercel project.");
  }
  const cfg = configFrom<Config>(configSchema, args);
  const settings = collect(resources, cfg);
  for (const header of HEADERS) {
    const forHeader = settings.filter((s) => s.header === header);
    if (!forHeader.some((s) => s.value !== null && s.covers)) {
      const partial = forHeader.some((s) => s.value !== null);
      reportViolation(
        `${header} is not set for ${partial ? "every /api/* response (only some are covered)" : "/api/*"} by any layer. Set "${header}: ${expected(header, cfg)}" with a Cloudflare ` +
          `${PHASES.responseHeaders} rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "${SECURITY_HEADERS.apiSource}" and no has/missing conditions.`,
      );
    }
    for (const s of forHeader) {
      const why = weakness(s, cfg);
      if (why) reportViolation(`${s.where} ${why} for ${header} on /api/*; it must not be weaker than "${expected(header, cfg)}".`, s.urn);
    }
  }
}

export const securityHeaders: StackValidationPolicy = {
  name: "security-headers",
  description:
    "API responses (/api/*) carry Strict-Transport-Security (max-age ≥ 1 year, includeSubDomains), X-Content-Type-Options: nosniff and X-Frame-Options: DENY, set by the edge or the origin and never weakened by another layer.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateSecurityHeaders,
};
