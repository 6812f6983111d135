/**
 * The rate-limits policy (front2's per-route evaluation, issue 14 item 9) on the ai class as the
 * edge registers it since issue 14 item 8 (documented periods only): a burst rule of 50 per 60 s
 * and a sustained rule of 60 per 120 s, both on /api/ai/* (from the prod plan). Together they hold
 * the guide's 30/min, burst 50; neither alone does.
 */
import { describe, expect, it } from "vitest";
import { compliantStack, rateLimitRule, rateLimitRuleset, replace, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const urn = urnOf("cloudflare:index/ruleset:Ruleset", "edge-ratelimit");
const auth = rateLimitRule("rate-limit-auth", 20, 120);
const api = rateLimitRule("rate-limit-api", 200, 120);
const burst = rateLimitRule("rate-limit-ai-burst", 50, 60);
const sustained = rateLimitRule("rate-limit-ai-sustained", 60, 120);

describe("rate-limits: the ai class's burst and sustained rules", () => {
  it.each<[string, Record<string, unknown>[], ReturnType<typeof violation>[]]>([
    ["as the edge registers them (50/60 s + 60/120 s)", [auth, api, burst, sustained], []],
    [
      "the sustained rule dropped (50/min)",
      [auth, api, burst],
      [violation("rate-limits", `Route class "ai" allows 50 requests/min even by its strictest rule, rule ref "rate-limit-ai-burst" of ruleset "edge-ratelimit" (50 requests per 60 s); the guide allows at most 30/min.`, urn)],
    ],
    [
      "the burst rule dropped (bursts of 60)",
      [auth, api, sustained],
      [violation("rate-limits", `Route class "ai" allows bursts of 60 requests even by its strictest rule, rule ref "rate-limit-ai-sustained" of ruleset "edge-ratelimit" (60 requests per 120 s); the guide allows a burst of at most 50.`, urn)],
    ],
    [
      "the sustained rule narrowed to POST (GETs are only held to the burst rule's 50/min)",
      [auth, api, burst, { ...sustained, expression: 'starts_with(http.request.uri.path, "/api/ai/") and http.request.method eq "POST"' }],
      [violation("rate-limits", `Route class "ai" allows 50 requests/min even by its strictest rule, rule ref "rate-limit-ai-burst" of ruleset "edge-ratelimit" (50 requests per 60 s); the guide allows at most 30/min.`, urn)],
    ],
  ])("%s", async (_title, rules, expected) => {
    expect(await violationsOf("rate-limits", replace(compliantStack(), rateLimitRuleset(rules)))).toEqual(expected);
  });
});
