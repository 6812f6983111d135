import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GUIDE } from "../../stacks/guide";
import { VENDORED_GUIDE } from "../helpers/vendored";
import { vendoredCopyTest } from "../helpers/vendored-test";

/**
 * GUIDE (stacks/guide.ts) must say what the owner's guide says. Each check builds its pattern
 * from the GUIDE value and looks for it next to the guide's own key, so a changed number on
 * either side fails here. The guide is read from its pinned copy in the repo
 * (docs/guide/infrastructure-guide.md), so these checks run everywhere; a separate test fails
 * when the owner's original beside the repo has changed and the copy was not refreshed.
 */
const text = readFileSync(VENDORED_GUIDE.vendored, "utf8");

const esc = (s: string | number) => String(s).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `key: value` (YAML) or `"key": value` (JSON), value optionally quoted, on one line. */
const kv = (key: string, value: string | number) => new RegExp(`"?${esc(key)}"?\\s*:\\s*"?${esc(value)}"?(\\s|,|$|#)`, "m");

/** The text of a YAML block that starts at `key:` and runs until the next blank-line-separated top-level key. */
function block(start: string): string {
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`guide has no "${start}"`);
  return text.slice(at, at + 400);
}

describe("the pinned guide is the owner's current guide", () => {
  vendoredCopyTest(VENDORED_GUIDE);
});

describe("GUIDE matches the owner's guide (docs/guide/infrastructure-guide.md)", () => {
  it.each([
    ["maxDuration", GUIDE.app.functionMaxDurationSeconds],
    ["pool_size", GUIDE.database.poolSize],
    ["max_connections", GUIDE.database.maxConnections],
    ["jwt_expiry", GUIDE.database.jwtExpirySeconds],
    ["refresh_token_expiry", GUIDE.database.refreshTokenExpirySeconds],
    ["file_size_limit", `${GUIDE.database.fileSizeLimitMb}MB`],
    ["bucket_size", `${GUIDE.database.storageBucketSizeGb}GB`],
    ["version", `${GUIDE.database.postgresMajorVersion}.0`],
    ["site_url", GUIDE.database.siteUrl],
    ["level", GUIDE.compression.level],
    ["min_instances", GUIDE.autoScaling.minInstances],
    ["max_instances", GUIDE.autoScaling.maxInstances],
    ["target_cpu", `${GUIDE.autoScaling.targetCpuPercent}%`],
    ["target_memory", `${GUIDE.autoScaling.targetMemoryPercent}%`],
    ["scale_up_cooldown", GUIDE.autoScaling.scaleUpCooldownSeconds],
    ["scale_down_cooldown", GUIDE.autoScaling.scaleDownCooldownSeconds],
    ["read_replicas", GUIDE.databaseScaling.readReplicas],
    ["connection_pool_size", GUIDE.databaseScaling.connectionPoolSize],
    ["failover_timeout", GUIDE.databaseScaling.failoverTimeoutSeconds],
  ])("%s: %s", (key, value) => {
    expect(text).toMatch(kv(key, value));
  });

  it("database_scaling.max_connections", () => {
    expect(block("database_scaling:")).toMatch(kv("max_connections", GUIDE.databaseScaling.maxConnections));
  });

  it.each(Object.entries(GUIDE.rateLimits))("rate limit %s_endpoints", (cls, { requestsPerMinute, burst }) => {
    const b = block(`${cls}_endpoints:`);
    expect(b).toMatch(kv("requests_per_minute", requestsPerMinute));
    expect(b).toMatch(kv("burst", burst));
  });

  it.each(GUIDE.cacheRules.map((r) => [r.pattern, r.ttlSeconds] as const))("cache rule %s ttl %i", (pattern, ttl) => {
    expect(text).toMatch(new RegExp(`pattern:\\s*"${esc(pattern)}"\\s*\\n\\s*ttl:\\s*${ttl}\\b`));
  });

  it("auth redirect URLs", () => {
    for (const url of GUIDE.database.redirectUrls) expect(text).toContain(`"${url}"`);
  });

  it("/api/(.*) security headers", () => {
    for (const [key, value] of Object.entries(GUIDE.app.apiSecurityHeaders)) {
      expect(text).toMatch(new RegExp(`"key":\\s*"${esc(key)}",\\s*\\n\\s*"value":\\s*"${esc(value)}"`));
    }
  });

  it("WAF rules and compression types", () => {
    for (const rule of GUIDE.wafRules) expect(block("waf_rules:")).toMatch(new RegExp(`-\\s*${esc(rule)}\\b`));
    expect(text).toContain(`types: [${GUIDE.compression.types.map((t) => `"${t}"`).join(", ")}]`);
  });

  it("firewall ports", () => {
    for (const rule of [...GUIDE.firewall.inbound, ...GUIDE.firewall.outbound]) expect(text).toMatch(new RegExp(`- port: ${rule.port} \\(`));
  });

  it("recovery targets", () => {
    expect(text).toMatch(kv("recovery_time_objective", `${GUIDE.recovery.rtoHours} hours`));
    expect(text).toMatch(kv("recovery_point_objective", `${GUIDE.recovery.rpoMinutes} minutes`));
    expect(text).toContain(`Incremental backups (every ${GUIDE.recovery.incrementalBackupMinutes} min)`);
  });

  it("maintenance window", () => {
    const w = GUIDE.maintenanceWindow;
    expect(w.day).toBe("first-sunday");
    expect(text).toContain('day: "First Sunday"');
    expect(text).toContain(`time: "${w.startUtc} - ${w.endUtc} UTC"`);
    expect(text).toContain(`duration: "${w.durationHours} hours"`);
    expect(text).toContain(`notification: "${w.noticeDays} days in advance"`);
  });

  it("scaling table: 10x has primary + read_replicas database nodes", () => {
    expect(text).toContain(`${GUIDE.databaseScaling.readReplicas + 1} Database nodes (primary + ${GUIDE.databaseScaling.readReplicas} replicas)`);
  });
});
