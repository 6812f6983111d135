import type { EdgeArgs } from "../../components/edge/edge";
import { VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES } from "../../components/app/app";
import { type EdgeSettings, edgeConfigSchema } from "../../stacks/schema/edge";

export const ACCOUNT_ID = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
export const DKIM = { name: "resend._domainkey", value: `p=${"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ".repeat(3)}IDAQAB` };

/** Edge settings with only the required keys set: every other value is the guide's default. */
export function edgeSettings(overrides: Record<string, unknown> = {}): EdgeSettings {
  return edgeConfigSchema.parse({ accountId: ACCOUNT_ID, email: { dkim: [DKIM] }, ...overrides });
}

/** Arguments of the Edge component as the staging composition would pass them. */
export function edgeArgs(overrides: Partial<EdgeArgs> = {}): EdgeArgs {
  return {
    project: "promptandpause",
    environment: "staging",
    domain: "staging-promptandpause.com",
    settings: edgeSettings(),
    contacts: { security: "security@promptandpause.com", dmarcReports: "dmarc@promptandpause.com" },
    origin: { apexIpv4: "76.76.21.21", cname: "cname.vercel-dns.com", healthCheckPath: "/api/health" },
    maxRequestBodyBytes: VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES,
    ...overrides,
  };
}
