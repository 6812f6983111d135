/** The `npm run diagnose` command: its arguments, the stack file's targets, the report and exit code (scripts/diagnose.ts runs it). */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { load as parseYaml } from "js-yaml";
import { GUIDE } from "../../../stacks/guide";
import { findRepoRoot } from "../repo-root";
import { type DiagnoseOptions, type HostPort, LOAD_BOUNDS, runDiagnose } from "./checks";
import { parseResolver, systemResolver } from "./dns";
import { exitCodeOf, formatReport } from "./report";

const USAGE =
  "usage: npm run diagnose -- --stack staging|prod [--load [--requests N] [--concurrency C]] [--icmp] [--json FILE]\n" +
  "       [--domain D] [--resolver host:port] [--https host:port] [--http host:port] [--ca FILE] [--pooler host:port|none]\n" +
  "       [--rate-limit RPM] [--latency-budget-ms MS] [--connect-budget-ms MS] [--timeout-ms MS]";

class UsageError extends Error {}

function hostPort(flag: string, text: string, defaultPort: number): HostPort {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) throw new UsageError(`${flag}: expected host[:port] (got ${JSON.stringify(text)})`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!(port >= 1 && port <= 65_535)) throw new UsageError(`${flag}: port must be 1-65535 (got ${m[2]})`);
  return { host: m[1], port };
}

function positiveInt(flag: string, text: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag}: must be an integer from 1 to ${max} (got ${JSON.stringify(text)})`);
  return n;
}

/** What the diagnostics read from a stack file: domain, health path, API rate limit, database region. */
export interface StackTargets {
  domain: string;
  healthPath: string;
  apiRateLimitPerMinute: number;
  databaseRegion?: string;
}

export function stackTargets(file: string): StackTargets {
  let doc: { config?: Record<string, unknown> };
  try {
    doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as typeof doc;
  } catch (err) {
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split("\n")[0]}`);
  }
  const c = doc.config ?? {};
  const domain = c["promptandpause:domain"];
  if (typeof domain !== "string") throw new UsageError(`${file}: promptandpause:domain is not set`);
  const edge = (c["promptandpause:edge"] ?? {}) as { healthCheck?: { path?: string }; rateLimits?: { classes?: { api?: { requestsPerMinute?: number } } } };
  const database = (c["promptandpause:database"] ?? {}) as { region?: string };
  return {
    domain,
    healthPath: edge.healthCheck?.path ?? "/api/health",
    apiRateLimitPerMinute: edge.rateLimits?.classes?.api?.requestsPerMinute ?? GUIDE.rateLimits.api.requestsPerMinute,
    ...(database.region ? { databaseRegion: database.region } : {}),
  };
}

/** The edge-cached routes of the guide that are concrete paths (`/api/user/profile` is private, never edge-cached). */
export const CACHED_PATHS = GUIDE.cacheRules.map((r) => r.pattern).filter((p) => !p.includes("*") && p !== "/api/user/profile");

export function optionsFrom(argv: string[], resolvConf: () => string): { options: DiagnoseOptions; json?: string } {
  let a: Record<string, string | boolean | undefined>;
  try {
    ({ values: a } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        domain: { type: "string" },
        resolver: { type: "string" },
        https: { type: "string" },
        http: { type: "string" },
        ca: { type: "string" },
        pooler: { type: "string" },
        load: { type: "boolean" },
        requests: { type: "string" },
        concurrency: { type: "string" },
        "rate-limit": { type: "string" },
        icmp: { type: "boolean" },
        json: { type: "string" },
        "latency-budget-ms": { type: "string" },
        "connect-budget-ms": { type: "string" },
        "timeout-ms": { type: "string" },
        "latency-samples": { type: "string" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const stack = typeof a.stack === "string" ? a.stack : undefined;
  if (!stack || !/^[a-zA-Z0-9._-]+$/.test(stack)) throw new UsageError("--stack: required (staging or prod)");
  const targets = stackTargets(path.join(findRepoRoot(), `Pulumi.${stack}.yaml`));
  const domain = typeof a.domain === "string" ? a.domain : targets.domain;
  const resolver = typeof a.resolver === "string" ? parseResolver(a.resolver) : systemResolver(resolvConf());
  if (!resolver) throw new UsageError("no resolver: /etc/resolv.conf has no nameserver; pass --resolver host:port");
  const pooler =
    a.pooler === "none" ? undefined : typeof a.pooler === "string" ? hostPort("--pooler", a.pooler, 6543) : targets.databaseRegion ? { host: `aws-0-${targets.databaseRegion}.pooler.supabase.com`, port: 6543 } : undefined;
  const options: DiagnoseOptions = {
    domain,
    resolver,
    https: typeof a.https === "string" ? hostPort("--https", a.https, 443) : { host: domain, port: 443 },
    http: typeof a.http === "string" ? hostPort("--http", a.http, 80) : { host: domain, port: 80 },
    ...(typeof a.ca === "string" ? { ca: readFileSync(a.ca, "utf8") } : {}),
    ...(pooler ? { pooler } : {}),
    healthPath: targets.healthPath,
    cachedPaths: CACHED_PATHS,
    apiHeaders: GUIDE.app.apiSecurityHeaders,
    thresholds: {
      connectMs: positiveInt("--connect-budget-ms", a["connect-budget-ms"] as string | undefined, 1000),
      latencyP95Ms: positiveInt("--latency-budget-ms", a["latency-budget-ms"] as string | undefined, 800),
      certMinDays: 14,
      minHitRatio: 0.5,
      hstsMaxAge: 31_536_000,
    },
    latencySamples: positiveInt("--latency-samples", a["latency-samples"] as string | undefined, 5, 100),
    ...(a.load
      ? {
          load: {
            requests: positiveInt("--requests", a.requests as string | undefined, LOAD_BOUNDS.maxRequests, LOAD_BOUNDS.maxRequests),
            concurrency: positiveInt("--concurrency", a.concurrency as string | undefined, LOAD_BOUNDS.maxConcurrency, LOAD_BOUNDS.maxConcurrency),
            rateLimitPerMinute: positiveInt("--rate-limit", a["rate-limit"] as string | undefined, targets.apiRateLimitPerMinute),
          },
        }
      : {}),
    icmp: a.icmp === true,
    timeoutMs: positiveInt("--timeout-ms", a["timeout-ms"] as string | undefined, 5000),
  };
  return { options, ...(typeof a.json === "string" ? { json: a.json } : {}) };
}

export async function diagnoseMain(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let parsed: ReturnType<typeof optionsFrom>;
  try {
    parsed = optionsFrom(argv, () => readFileSync("/etc/resolv.conf", "utf8"));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  const results = await runDiagnose(parsed.options);
  console.log(formatReport(`diagnose ${parsed.options.domain} (resolver ${parsed.options.resolver.host}:${parsed.options.resolver.port})`, results));
  if (parsed.json) writeFileSync(parsed.json, `${JSON.stringify({ domain: parsed.options.domain, results }, null, 2)}\n`);
  return exitCodeOf(results);
}
