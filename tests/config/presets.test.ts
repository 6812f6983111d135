import { describe, expect, it } from "vitest";
import { resolveScale, SCALE_PRESET_NAMES, SCALE_PRESETS, scaleValuesSchema } from "../../stacks/presets";
import { configErrorOf, parse, problemLines, validRaw } from "./support";

/**
 * Scale presets from the guide's "Scaling Strategy" table:
 *   current: 1 database node, 1 Redis instance
 *   10x:     3 database nodes (primary + 2 replicas), 2 Redis instances (cluster)
 *   100x:    5 database nodes, 5 Redis instances (cluster)
 * and "database_scaling": read_replicas 2, connection_pool_size 20, max_connections 100.
 */
describe("scale presets follow the guide's scaling table", () => {
  it.each([
    // preset, database nodes (primary + replicas), Redis instances (shards)
    ["current", 1, 1],
    ["10x", 3, 2],
    ["100x", 5, 5],
  ] as const)("%s: %i database node(s), %i Redis instance(s)", (preset, dbNodes, redis) => {
    const scale = resolveScale(preset);
    expect(1 + scale.database.readReplicas).toBe(dbNodes);
    expect(scale.cache.shards).toBe(redis);
    expect(scale.database.poolSize).toBe(20);
    expect(scale.database.maxConnections).toBe(100);
  });

  it("10x has the guide's 2 read replicas (database_scaling.read_replicas)", () => {
    expect(resolveScale("10x").database.readReplicas).toBe(2);
  });

  it("a Redis cluster (10x, 100x) keeps a replica per shard; current runs a single node", () => {
    expect(resolveScale("current").cache.replicasPerShard).toBe(0);
    expect(resolveScale("10x").cache.replicasPerShard).toBeGreaterThanOrEqual(1);
    expect(resolveScale("100x").cache.replicasPerShard).toBeGreaterThanOrEqual(1);
  });

  it("grows monotonically: each preset is at least the one before", () => {
    const order = ["current", "10x", "100x"] as const;
    expect([...SCALE_PRESET_NAMES]).toEqual([...order]);
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [resolveScale(order[i - 1] as (typeof order)[number]), resolveScale(order[i] as (typeof order)[number])];
      expect(b.database.readReplicas).toBeGreaterThanOrEqual(a.database.readReplicas);
      expect(b.cache.shards).toBeGreaterThanOrEqual(a.cache.shards);
    }
  });

  it.each(SCALE_PRESET_NAMES)("preset %s is valid against the scale schema", (preset) => {
    expect(scaleValuesSchema.safeParse(SCALE_PRESETS[preset]).success).toBe(true);
  });
});

describe("a stack picks a preset and may override single values", () => {
  it("10x from the stack file gives 2 read replicas", () => {
    const config = parse(validRaw({ "promptandpause:scale": { preset: "10x" } }));
    expect(config.scalePreset).toBe("10x");
    expect(config.scale.database.readReplicas).toBe(2);
    expect(config.scale.cache.shards).toBe(2);
  });

  it("an override of a single value wins and leaves the rest of the preset alone", () => {
    const config = parse(validRaw({ "promptandpause:scale": { preset: "10x", overrides: { database: { readReplicas: 3 }, cache: { shards: 4 } } } }));
    expect(config.scale).toEqual({
      ...resolveScale("10x"),
      database: { ...resolveScale("10x").database, readReplicas: 3 },
      cache: { ...resolveScale("10x").cache, shards: 4 },
    });
  });

  it("resolveScale does not modify the preset table", () => {
    const before = JSON.stringify(SCALE_PRESETS);
    resolveScale("current", { database: { readReplicas: 9 } });
    expect(JSON.stringify(SCALE_PRESETS)).toBe(before);
    expect(resolveScale("current").database.readReplicas).toBe(0);
  });

  it.each([
    ["promptandpause:scale.overrides.database.replicas: unknown key (got 3)", { database: { replicas: 3 } }, "Did you mean promptandpause:scale.overrides.database.readReplicas?"],
    ["promptandpause:scale.overrides.network: unknown key", { network: { nodes: 2 } }, undefined],
    ['promptandpause:scale.overrides.app.functionCpuType: must be one of "standard_legacy", "standard", "performance" (got "turbo")', { app: { functionCpuType: "turbo" } }, undefined],
    ["promptandpause:scale.overrides.cache.shards: must be >= 1 (got 0)", { cache: { shards: 0 } }, undefined],
  ])("rejects a bad override: %s", (expected, overrides, fix) => {
    const lines = problemLines(configErrorOf(validRaw({ "promptandpause:scale": { preset: "current", overrides } })));
    const line = lines.find((l) => l.startsWith(expected));
    expect(line, lines.join("\n")).toBeDefined();
    if (fix) expect(line).toContain(fix);
  });

  it("rejects an unknown key next to the preset", () => {
    const lines = problemLines(configErrorOf(validRaw({ "promptandpause:scale": { preset: "current", presett: "10x" } })));
    expect(lines.find((l) => l.startsWith('promptandpause:scale.presett: unknown key (got "10x")'))).toContain("Did you mean promptandpause:scale.preset?");
  });
});
