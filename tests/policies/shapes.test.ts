/**
 * The policies read the providers' REAL input shapes: (1) at compile time, every SDK args type is
 * assignable to the pack's shape interface (a renamed/retyped field fails `tsc`); (2) at run time,
 * resources built with the real SDK classes under Pulumi mocks register exactly the camelCase
 * inputs the policies read, and the policies pass/fail on them as expected.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as vercel from "@pulumiverse/vercel";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as awsVpc from "@pulumi/aws/vpc";
import type {
  InstanceMetadataInputs,
  RulesetInputs,
  SecurityGroupIngressRuleInputs,
  VercelEnvVarInputs,
  VercelProjectInputs,
  VercelRouteInputs,
  VpnConnectionInputs,
  ZoneSettingInputs,
} from "../../policies/lib/shapes";
import type { PlannedResource } from "../../scripts/lib/plan-types";
import { compliantStack, planned, replace } from "./fixtures";
import { violationsOf } from "./helpers";

// Compile-time shape checks: every SDK args type fits the pack's shape interface. They are enforced
// by `npm run typecheck` (tsc over tests/**; CI runs it before the tests), not by vitest: at run
// time expectTypeOf does nothing. A renamed or retyped SDK field makes tsc fail on these lines.
expectTypeOf<pulumi.Unwrap<cloudflare.RulesetArgs>>().toExtend<RulesetInputs>();
expectTypeOf<pulumi.Unwrap<cloudflare.ZoneSettingArgs>>().toExtend<ZoneSettingInputs>();
expectTypeOf<pulumi.Unwrap<vercel.ProjectArgs>>().toExtend<VercelProjectInputs>();
expectTypeOf<pulumi.Unwrap<vercel.ProjectEnvironmentVariableArgs>>().toExtend<VercelEnvVarInputs>();
expectTypeOf<pulumi.Unwrap<vercel.ProjectRouteArgs>>().toExtend<VercelRouteInputs>();
expectTypeOf<pulumi.Unwrap<ec2.VpnConnectionArgs>>().toExtend<VpnConnectionInputs>();
expectTypeOf<pulumi.Unwrap<awsVpc.SecurityGroupIngressRuleArgs>>().toExtend<SecurityGroupIngressRuleInputs>();
expectTypeOf<pulumi.Unwrap<ec2.LaunchTemplateArgs>>().toExtend<InstanceMetadataInputs>();
expectTypeOf<pulumi.Unwrap<ec2.InstanceArgs>>().toExtend<InstanceMetadataInputs>();

const registered = new Map<string, { type: string; inputs: Record<string, unknown> }>();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.set(args.name, { type: args.type, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => {
        throw new Error("unexpected invoke");
      },
    },
    "promptandpause",
    "prod",
    false,
  );
});

async function registeredAs(resource: pulumi.CustomResource): Promise<PlannedResource> {
  const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
  const name = urn.split("::").pop() as string;
  const r = registered.get(name);
  if (!r) throw new Error(`not registered: ${name}`);
  return planned(r.type, name, r.inputs);
}

describe("real SDK registrations", () => {
  it("a cloudflare.Ruleset registers camelCase ratelimit inputs the rate-limits policy reads", async () => {
    const rl = new cloudflare.Ruleset("edge-ratelimit", {
      zoneId: "zone-id-1",
      kind: "zone",
      name: "edge-ratelimit",
      phase: "http_ratelimit",
      rules: [
        { ref: "rate-limit-auth", action: "block", expression: "true", ratelimit: { characteristics: ["ip.src", "cf.colo.id"], period: 10, requestsPerPeriod: 3, mitigationTimeout: 60 } },
        { ref: "rate-limit-api", action: "block", expression: "true", ratelimit: { characteristics: ["ip.src", "cf.colo.id"], period: 60, requestsPerPeriod: 100 } },
        { ref: "rate-limit-ai", action: "block", expression: "true", ratelimit: { characteristics: ["ip.src", "cf.colo.id"], period: 60, requestsPerPeriod: 30 } },
      ],
    });
    const r = await registeredAs(rl);
    expect((r.inputs.rules as { ratelimit: Record<string, unknown> }[])[0]?.ratelimit).toMatchObject({ requestsPerPeriod: 3, period: 10, mitigationTimeout: 60 });
    const found = await violationsOf("rate-limits", replace(compliantStack(), r));
    expect(found.map((v) => v.message.split("\n")[1])).toEqual([
      'Route class "auth" allows 18 requests/min even by its strictest rule, rule ref "rate-limit-auth" of ruleset "edge-ratelimit" (3 requests per 10 s); the guide allows at most 10/min.',
    ]);
  });

  it("a cloudflare.Ruleset cache rule registers actionParameters.edgeTtl as the cache-rules policy reads it", async () => {
    const cache = new cloudflare.Ruleset("edge-cache", {
      zoneId: "zone-id-1",
      kind: "zone",
      name: "edge-cache",
      phase: "http_request_cache_settings",
      rules: [
        { ref: "cache-prompts-today", action: "set_cache_settings", expression: 'http.request.uri.path eq "/api/prompts/today"', actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: 900 } } },
        { ref: "cache-static", action: "set_cache_settings", expression: 'starts_with(http.request.uri.path, "/static/")', actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: 86400 } } },
        { ref: "cache-js", action: "set_cache_settings", expression: 'ends_with(http.request.uri.path, ".js")', actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: 31536000 } } },
        { ref: "cache-bypass-private", action: "set_cache_settings", expression: 'starts_with(http.request.uri.path, "/api/user/") or starts_with(http.request.uri.path, "/auth/")', actionParameters: { cache: false } },
      ],
    });
    const found = await violationsOf("cache-rules", replace(compliantStack(), await registeredAs(cache)));
    expect(found.map((v) => v.message.split("\n")[1])).toEqual(['rule ref "cache-prompts-today" of ruleset "edge-cache" caches for 900 s at the edge; the guide allows at most 300 s.']);
  });

  it("a cloudflare.Ruleset header transform and ZoneSettings satisfy security-headers and edge-tls-baseline", async () => {
    const headers = new cloudflare.Ruleset("edge-headers", {
      zoneId: "zone-id-1",
      kind: "zone",
      name: "edge-headers",
      phase: "http_response_headers_transform",
      rules: [
        {
          ref: "security-headers-api",
          action: "rewrite",
          expression: 'starts_with(http.request.uri.path, "/api/")',
          actionParameters: {
            headers: {
              "Strict-Transport-Security": { operation: "set", value: "max-age=31536000; includeSubDomains" },
              "X-Content-Type-Options": { operation: "set", value: "nosniff" },
              "X-Frame-Options": { operation: "set", value: "DENY" },
            },
          },
        },
      ],
    });
    const ssl = new cloudflare.ZoneSetting("edge-ssl", { zoneId: "zone-id-1", settingId: "ssl", value: "strict" });
    const tls = new cloudflare.ZoneSetting("edge-min-tls", { zoneId: "zone-id-1", settingId: "min_tls_version", value: "1.0" });
    let stack = compliantStack().filter((r) => r.name !== "app-api-headers");
    for (const r of [headers, ssl, tls]) stack = replace(stack, await registeredAs(r));
    expect(await violationsOf("security-headers", stack)).toEqual([]);
    expect((await violationsOf("edge-tls-baseline", stack)).map((v) => v.message.split("\n")[1])).toEqual([
      'Zone setting "edge-min-tls" sets min_tls_version to "1.0"; it must be at least "1.2".',
    ]);
  });

  it("vercel Project, ProjectRoute and ProjectEnvironmentVariable register the inputs the app policies read", async () => {
    const project = new vercel.Project("app-project", { name: "promptandpause", framework: "nextjs", resourceConfig: { functionDefaultTimeout: 45 } });
    const route = new vercel.ProjectRoute("app-api-headers", {
      projectId: project.id,
      route: { src: "/api/(.*)", headers: { "Strict-Transport-Security": "max-age=31536000; includeSubDomains", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN" } },
    });
    const env = new vercel.ProjectEnvironmentVariable("app-env-x", { projectId: project.id, key: "SUPABASE_SERVICE_ROLE_KEY", value: "placeholder", sensitive: false, targets: ["production"] });
    let stack = compliantStack().filter((r) => r.name !== "edge-headers");
    for (const r of [project, route]) stack = replace(stack, await registeredAs(r));
    stack = [...stack, await registeredAs(env)];
    expect((await violationsOf("vercel-function-timeout", stack)).map((v) => v.message.split("\n")[1])).toEqual([
      'Vercel project "app-project" sets resourceConfig.functionDefaultTimeout to 45 s; the guide allows at most 30 s.',
    ]);
    expect((await violationsOf("security-headers", stack)).map((v) => v.message.split("\n")[1])).toEqual([
      'Vercel route "app-api-headers" (/api/(.*)) sets "SAMEORIGIN" (must be "DENY") for X-Frame-Options on /api/*; it must not be weaker than "DENY".',
    ]);
    expect((await violationsOf("vercel-env-secrets", stack)).map((v) => v.message.split("\n")[1])).toEqual([
      "SUPABASE_SERVICE_ROLE_KEY is named like a secret (matches /SERVICE_ROLE/i) but sensitive is false. Set sensitive: true on the ProjectEnvironmentVariable.",
    ]);
  });
});
