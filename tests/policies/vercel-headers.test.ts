/**
 * security-headers, Vercel branch: the origin rule is a ProjectRoute whose "Modify response
 * headers" transforms (`response.headers`, op `set`, `target`/`args` JSON) carry the guide's
 * headers. Start from the compliant stack without the edge's copy (so the origin is the only
 * layer), change one field, assert the exact violation.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { App } from "../../components/app/app";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { recordProgram } from "../helpers/pulumi";
import { compliantStack, planned, replace, urnOf, vercelRoute } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const ROUTE = "vercel:index/projectRoute:ProjectRoute";
const HSTS = "max-age=31536000; includeSubDomains";
const GUIDE_HEADERS = { "Strict-Transport-Security": HSTS, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY" };

/** The compliant stack with the origin as the only layer that sets headers. */
const originOnly = (route: PlannedResource = vercelRoute()): PlannedResource[] => replace(compliantStack(), route).filter((r) => r.name !== "edge-headers");

/** The origin rule with its transforms replaced. */
function routeWithTransforms(transforms: Record<string, unknown>[], extra: Record<string, unknown> = {}): PlannedResource {
  return planned(ROUTE, "app-api-headers", { projectId: "prj_1", route: { src: "/api/(.*)", transforms, ...extra } });
}

const set = (key: string, value: unknown, op = "set") => ({ type: "response.headers", op, target: JSON.stringify({ key }), args: JSON.stringify(value) });
const missing = (header: string, expected: string) =>
  violation(
    "security-headers",
    `${header} is not set for /api/* by any layer. Set "${header}: ${expected}" with a Cloudflare http_response_headers_transform rule (action "rewrite", an expression matching every /api/* request, e.g. "true") or a Vercel ProjectRoute with src "/api/(.*)" and no has/missing conditions.`,
  );
const weaker = (message: string) => violation("security-headers", message, urnOf(ROUTE, "app-api-headers"));

describe("security-headers reads the origin's response-header transforms", () => {
  it.each<[string, () => PlannedResource[], ReturnType<typeof violation>[]]>([
    ["the app's transforms alone satisfy the policy", () => originOnly(), []],
    ["header names are case-insensitive", () => originOnly(routeWithTransforms(Object.entries(GUIDE_HEADERS).map(([k, v]) => set(k.toLowerCase(), v)))), []],
    ["append counts as setting", () => originOnly(routeWithTransforms(Object.entries(GUIDE_HEADERS).map(([k, v]) => set(k, v, "append")))), []],
    [
      "a transform on request headers does not count",
      () => originOnly(routeWithTransforms(Object.entries(GUIDE_HEADERS).map(([k, v]) => ({ ...set(k, v), type: "request.headers" })))),
      [missing("Strict-Transport-Security", HSTS), missing("X-Content-Type-Options", "nosniff"), missing("X-Frame-Options", "DENY")],
    ],
    [
      "one header left out",
      () => originOnly(routeWithTransforms([set("Strict-Transport-Security", HSTS), set("X-Content-Type-Options", "nosniff")])),
      [missing("X-Frame-Options", "DENY")],
    ],
    [
      "X-Frame-Options SAMEORIGIN",
      () => originOnly(vercelRoute({ ...GUIDE_HEADERS, "X-Frame-Options": "SAMEORIGIN" })),
      [weaker('Vercel route "app-api-headers" (/api/(.*)) sets "SAMEORIGIN" (must be "DENY") for X-Frame-Options on /api/*; it must not be weaker than "DENY".')],
    ],
    [
      "short HSTS max-age",
      () => originOnly(vercelRoute({ ...GUIDE_HEADERS, "Strict-Transport-Security": "max-age=300" })),
      [weaker(`Vercel route "app-api-headers" (/api/(.*)) sets "max-age=300" (max-age must be at least 31536000, includeSubDomains is missing) for Strict-Transport-Security on /api/*; it must not be weaker than "${HSTS}".`)],
    ],
    [
      "nosniff misspelt",
      () => originOnly(vercelRoute({ ...GUIDE_HEADERS, "X-Content-Type-Options": "no-sniff" })),
      [weaker('Vercel route "app-api-headers" (/api/(.*)) sets "no-sniff" (must be "nosniff") for X-Content-Type-Options on /api/*; it must not be weaker than "nosniff".')],
    ],
    [
      "a rule on another path does not cover /api",
      () => originOnly({ ...vercelRoute(), inputs: { projectId: "prj_1", route: { ...(vercelRoute().inputs.route as object), src: "/blog/(.*)" } } }),
      [missing("Strict-Transport-Security", HSTS), missing("X-Content-Type-Options", "nosniff"), missing("X-Frame-Options", "DENY")],
    ],
    [
      "a disabled rule does not count",
      () => originOnly({ ...vercelRoute(), inputs: { ...vercelRoute().inputs, enabled: false } }),
      [missing("Strict-Transport-Security", HSTS), missing("X-Content-Type-Options", "nosniff"), missing("X-Frame-Options", "DENY")],
    ],
  ])("%s", async (_label, stack, expected) => {
    expect(await violationsOf("security-headers", stack())).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    ["by name", { type: "response.headers", op: "delete", target: JSON.stringify({ key: "X-Frame-Options" }) }],
    ["by prefix matcher", { type: "response.headers", op: "delete", target: JSON.stringify({ key: { pre: "x-frame" } }) }],
    ["by equality matcher", { type: "response.headers", op: "delete", target: JSON.stringify({ key: { eq: "x-frame-options" } }) }],
  ])("a delete transform %s strips the header, even behind the edge's copy", async (_label, transform) => {
    const stripper = planned(ROUTE, "app-strip", { projectId: "prj_1", route: { src: "/api/(.*)", transforms: [transform] } });
    expect(await violationsOf("security-headers", [...compliantStack(), stripper])).toEqual([
      violation(
        "security-headers",
        'Vercel route "app-strip" (/api/(.*)) removes it for X-Frame-Options on /api/*; it must not be weaker than "DENY".',
        urnOf(ROUTE, "app-strip"),
      ),
    ]);
  });
});

describe("the App component's own rule, as registered, passes on its own", () => {
  it("security-headers finds all three guide headers in the origin rule the component creates", async () => {
    class FakeProvider extends pulumi.ProviderResource {}
    const { resources } = await recordProgram(
      () =>
        new App(
          "app",
          {
            projectName: "promptandpause-prod",
            domain: "promptandpause.com",
            gitRepository: { type: "github", repo: "promptandpause/web" },
            functionRegions: ["lhr1"],
            environmentVariables: [],
            stripe: { apiKey: pulumi.secret("sk_test_fake0000"), events: ["invoice.paid"] },
          },
          { providers: [new FakeProvider("vercel", "vercel", {}), new FakeProvider("random", "random", {})] },
        ),
      { skipEngineExtras: true },
    );
    const route = resources.find((r) => r.type === ROUTE);
    expect(route).toBeDefined();
    expect(await violationsOf("security-headers", resources)).toEqual([]);
    // Mutating one value of the registered rule is caught.
    const weakened = structuredClone(route as PlannedResource);
    const transforms = (weakened.inputs.route as { transforms: { target: string; args: string }[] }).transforms;
    const xfo = transforms.find((t) => t.target === '{"key":"X-Frame-Options"}');
    expect(xfo).toBeDefined();
    if (xfo) xfo.args = '"SAMEORIGIN"';
    expect((await violationsOf("security-headers", replace(resources, weakened))).map((v) => v.message.split("\n")[1])).toEqual([
      'Vercel route "app-api-headers" (/api/(.*)) sets "SAMEORIGIN" (must be "DENY") for X-Frame-Options on /api/*; it must not be weaker than "DENY".',
    ]);
  });
});
