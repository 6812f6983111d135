/** Pack metadata: names, descriptions, levels, config defaults equal to the guide, self-containment. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CACHE_RULES, DATABASE, FUNCTION_MAX_DURATION_SECONDS, MANAGED_RULESETS, NO_EDGE_CACHE_PATHS, RATE_LIMITS, SECURITY_HEADERS, TLS, WAF_RULE_REFS } from "../../policies/guide";
import { configFrom } from "../../policies/lib/util";
import { packArgs, packEnforcementLevel, packName, packVersion, policies } from "../../policies/pack";
import { evaluatePolicyPack } from "../../scripts/lib/policy-evaluator";
import { compliantStack, replace, supabaseProject, supabaseSettings, zone } from "./fixtures";

const POLICIES_DIR = path.resolve(__dirname, "../../policies");

function defaultsOf(name: string): Record<string, unknown> {
  const p = policies.find((x) => x.name === name);
  return Object.fromEntries(Object.entries(p?.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]));
}

/** Recommendations beyond the guide's numbers; every other policy enforces the guide (mandatory). */
const ADVISORY = ["supabase-hardening"];

describe("pack", () => {
  it("has its published name, the package.json version and a mandatory default", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8")) as { version: string };
    expect(packName).toBe("promptandpause-guide");
    expect(packVersion).toBe(pkg.version);
    expect(packEnforcementLevel).toBe("mandatory");
    expect(packArgs.policies).toBe(policies);
  });

  it.each(policies.map((p) => [p.name, p] as const))("%s: kebab-case name, a sentence of description, an explicit level, a config schema", (name, p) => {
    expect(name).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    expect(p.description.length).toBeGreaterThan(40);
    expect(p.enforcementLevel).toBe(ADVISORY.includes(name) ? "advisory" : "mandatory");
    expect(Object.keys(p.configSchema?.properties ?? {}).length).toBeGreaterThan(0);
    expect(p.configSchema?.properties).not.toHaveProperty("enforcementLevel");
  });

  it.each(policies.map((p) => [p.name, p] as const))("%s: every config property has a default, the one place a policy's defaults live", (_name, p) => {
    const missing = Object.entries(p.configSchema?.properties ?? {}).filter(([, v]) => (v as { default?: unknown }).default === undefined).map(([k]) => k);
    expect(missing).toEqual([]);
  });

  it("configFrom: the schema's defaults, under what the analyzer passes (which wins, key by key)", () => {
    const schema = { properties: { a: { type: "integer", default: 1 }, b: { type: "array", default: ["x"] } } };
    expect(configFrom(schema, { getConfig: <C extends object>() => ({}) as C })).toEqual({ a: 1, b: ["x"] });
    expect(configFrom(schema, { getConfig: <C extends object>() => ({ b: [] }) as C })).toEqual({ a: 1, b: [] });
  });

  it("has one file per policy under policies/rules, named after the policy", () => {
    const files = fs.readdirSync(path.join(POLICIES_DIR, "rules")).map((f) => f.replace(/\.ts$/, "")).sort();
    expect(files).toEqual(policies.map((p) => p.name).sort());
  });
});

describe("config schema defaults are the guide's numbers", () => {
  it.each<[string, Record<string, unknown>]>([
    ["security-headers", { hstsMinMaxAgeSeconds: 31536000, requireIncludeSubDomains: true, frameOptions: "DENY", probePath: "/api/prompts/today" }],
    [
      "rate-limits",
      {
        classes: {
          auth: { requestsPerMinute: 10, burst: 20, paths: ["/api/auth/*", "/auth/*"] },
          api: { requestsPerMinute: 100, burst: 200, paths: ["/api/*"] },
          ai: { requestsPerMinute: 30, burst: 50, paths: ["/api/ai/*"] },
        },
        webhookPaths: ["/api/webhooks/stripe"],
        webhookLimit: { requestsPerMinute: 1000, burst: 2000 },
      },
    ],
    [
      "cache-rules",
      {
        rules: {
          "cache-prompts-today": { maxEdgeTtlSeconds: 300, pathHint: "/api/prompts/today" },
          "cache-static": { maxEdgeTtlSeconds: 86400, pathHint: "/static/" },
          "cache-js": { maxEdgeTtlSeconds: 31536000, pathHint: ".js" },
        },
        requiredRefs: ["cache-prompts-today", "cache-static", "cache-js"],
        noEdgeCachePaths: ["/api/user/", "/auth/"],
        bypassRef: "cache-bypass-private",
      },
    ],
    ["edge-tls-baseline", { allowedSslModes: ["strict"], minTlsVersion: "1.2" }],
    ["waf-baseline", { managedRulesets: { "Cloudflare Managed Ruleset": "efb7b8c949ac4650a09736fc376e9aee", "Cloudflare OWASP Core Ruleset": "4814384a9e5d4991b9815dcfc25d2f1f" }, customRuleRefs: ["waf-sqli", "waf-xss", "waf-path-traversal", "waf-file-upload"], webhookPaths: ["/api/webhooks/stripe"], skippableRulesets: ["4814384a9e5d4991b9815dcfc25d2f1f"] }],
    ["vercel-function-timeout", { maxTimeoutSeconds: 30 }],
    ["supabase-auth", { maxJwtExpirySeconds: 3600, maxSessionSeconds: 604800, allowedRedirectHosts: [], allowHttpLocalhost: false }],
    ["supabase-database", { maxPoolSize: 20, maxConnections: 100, maxFileSizeBytes: 52428800, requirePointInTimeRecovery: true }],
    ["supabase-hardening", { poolMode: "transaction" }],
    ["stateful-resources-protected", { requireProtection: true }],
  ])("%s", (name, expected) => {
    expect(defaultsOf(name)).toEqual(expected);
  });

  it("the guide module holds the numbers the defaults come from", () => {
    expect([SECURITY_HEADERS.hstsMaxAgeSeconds, FUNCTION_MAX_DURATION_SECONDS, DATABASE.poolSize, DATABASE.maxConnections, DATABASE.jwtExpirySeconds]).toEqual([31536000, 30, 20, 100, 3600]);
    // refresh_token_expiry 604800; file_size_limit "50MB" = 50 × 1024 × 1024 bytes; RPO 15 minutes.
    expect([DATABASE.refreshTokenExpirySeconds, DATABASE.fileSizeLimitBytes, DATABASE.recoveryPointObjectiveMinutes]).toEqual([604800, 50 * 1024 * 1024, 15]);
    expect(RATE_LIMITS).toEqual(defaultsOf("rate-limits").classes);
    expect(CACHE_RULES).toEqual(defaultsOf("cache-rules").rules);
    expect([...NO_EDGE_CACHE_PATHS, TLS.minTlsVersion, Object.values(MANAGED_RULESETS).length, WAF_RULE_REFS.length]).toEqual(["/api/user/", "/auth/", "1.2", 2, 4]);
  });
});

describe("per-environment config files", () => {
  it.each([
    ["prod", 2],
    ["staging", 0],
  ])("%s: policies/config/<stack>.json is the default and sets requireProtection accordingly", async (stack, expected) => {
    const unprotected = [...compliantStack().filter((r) => r.name !== "edge-zone" && r.name !== "database-project"), { ...zone(), protect: false }, supabaseProject(false)];
    const report = await evaluatePolicyPack(unprotected, { project: "promptandpause", stack });
    expect(report.violations.filter((v) => v.policy === "stateful-resources-protected")).toHaveLength(expected);
  });

  it.each([
    ["prod", 1],
    ["staging", 0],
  ])("%s: policies/config/<stack>.json sets requirePointInTimeRecovery accordingly", async (stack, expected) => {
    const withoutPitr = replace(compliantStack(), supabaseSettings({ pitr: { enabled: false } }));
    const report = await evaluatePolicyPack(withoutPitr, { project: "promptandpause", stack });
    expect(report.violations.filter((v) => v.policy === "supabase-database")).toHaveLength(expected);
  });

  it("the compliant stack passes every policy in both environments", async () => {
    for (const stack of ["prod", "staging"]) {
      const report = await evaluatePolicyPack(compliantStack(), { project: "promptandpause", stack });
      expect(report.violations).toEqual([]);
    }
  });
});

describe("self-containment", () => {
  function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (e.name === "node_modules" || e.name === "bin") return [];
      const full = path.join(dir, e.name);
      return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : [];
    });
  }
  const files = tsFiles(POLICIES_DIR);
  const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };

  it.each(files.map((f) => [path.relative(POLICIES_DIR, f), f]))("%s imports only inside policies/ and its declared dependencies", (_rel, file) => {
    const source = fs.readFileSync(file, "utf8");
    const specifiers = [...source.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|require\(\s*["']([^"']+)["']\s*\)|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
    for (const spec of specifiers) {
      if (spec.startsWith(".")) {
        expect(path.resolve(path.dirname(file), spec).startsWith(POLICIES_DIR + path.sep)).toBe(true);
      } else {
        const pkgName = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec);
        expect(Object.keys(pkg.dependencies)).toContain(pkgName);
      }
    }
  });

  it("only index.ts constructs the PolicyPack", () => {
    const code = (f: string) => fs.readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const constructing = files.filter((f) => /new\s+PolicyPack\s*\(/.test(code(f))).map((f) => path.relative(POLICIES_DIR, f));
    expect(constructing).toEqual(["index.ts"]);
  });
});
