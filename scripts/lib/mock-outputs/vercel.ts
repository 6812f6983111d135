import type { MockInvokeTable, MockOutputTable } from "./types";

/**
 * Computed outputs of the mocked Vercel API and of the Stripe dynamic resource: what the real
 * provider adds to the inputs (ids, team, verification state, defaults the API fills in). Ids
 * are derived from the logical name, so plans are reproducible.
 */

const TEAM_ID = "team_mockpromptandpause0000";

/** Stable pseudo-id from a name (FNV-1a, hex). */
export function mockId(prefix: string, name: string, length = 24): string {
  let hash = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i) + round;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(36);
  }
  return `${prefix}${out.slice(0, length)}`;
}

export const vercelMockOutputs: MockOutputTable = {
  "vercel:index/provider:Provider": () => ({}),
  "vercel:index/project:Project": (_inputs, name) => ({
    id: mockId("prj_", name, 28),
    teamId: TEAM_ID,
    environments: [],
  }),
  "vercel:index/projectDomain:ProjectDomain": (inputs, name) => ({
    id: String(inputs.domain ?? mockId("dom_", name)),
    teamId: TEAM_ID,
    verified: true,
    verifications: [],
  }),
  "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": (inputs, name) => ({
    id: mockId("env_", name, 16),
    teamId: TEAM_ID,
    customEnvironmentIds: [],
    comment: inputs.comment ?? "",
  }),
  "vercel:index/projectRoute:ProjectRoute": (inputs, name) => ({
    id: mockId("rt_", name, 20),
    teamId: TEAM_ID,
    // Vercel computes one of rewrite / redirect / set_status / transform.
    routeType: routeType(inputs.route as Record<string, unknown> | undefined),
    srcSyntax: "regex",
  }),
  "vercel:index/logDrain:LogDrain": (_inputs, name) => ({
    id: mockId("ld_", name, 32),
    teamId: TEAM_ID,
    headers: {},
  }),
};

/** The `routeType` Vercel reports for a rule: its primary action, else `transform`. */
function routeType(route: Record<string, unknown> | undefined): string {
  if (route?.dest !== undefined) return route.status !== undefined ? "redirect" : "rewrite";
  return route?.status !== undefined ? "set_status" : "transform";
}

/**
 * `vercel.getEndpointVerification` (GetEndpointVerificationResult: `id`, `teamId`,
 * `verificationCode`; the provider sets `id` to the code). A recognisable fake code.
 */
export const vercelMockInvokes: MockInvokeTable = {
  "vercel:index/getEndpointVerification:getEndpointVerification": (inputs) => {
    const code = "mockverify0000000000000000000000";
    return { id: code, teamId: typeof inputs.teamId === "string" ? inputs.teamId : TEAM_ID, verificationCode: code };
  },
};

const stripeWebhookEndpoint = (inputs: Record<string, unknown>, name: string): Record<string, unknown> => {
  const id = mockId("we_", name, 24);
  return {
    id,
    endpointId: id,
    // A recognisable fake, never a real secret; secret-marked by the resource's additionalSecretOutputs.
    secret: `whsec_mock${mockId("", name, 24)}`,
    status: "enabled",
    livemode: typeof inputs.apiKey === "string" && inputs.apiKey.startsWith("sk_live_"),
  };
};

/** The Stripe webhook endpoint dynamic resource (components/app/stripe), keyed by its type token. */
export const stripeMockOutputs: MockOutputTable = {
  "pulumi-nodejs:dynamic/stripe:WebhookEndpoint": stripeWebhookEndpoint,
};
