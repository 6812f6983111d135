import { type EdgeSettings, edgeConfigSchema } from "../../stacks/schema/edge";

export const ACCOUNT_ID = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
export const DKIM = { name: "resend._domainkey", value: `p=${"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ".repeat(3)}IDAQAB` };

/** Edge settings with only the required keys set: every other value is the guide's default. */
export function edgeSettings(overrides: Record<string, unknown> = {}): EdgeSettings {
  return edgeConfigSchema.parse({ accountId: ACCOUNT_ID, email: { dkim: [DKIM] }, ...overrides });
}
