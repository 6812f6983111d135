/** Shared fixtures for the Supabase provider tests. Recognisable secrets, so a leak is easy to find. */
export const TOKEN = "sbp_TESTTOKEN_do_not_leak_4f1c9a";
export const DB_PASSWORD = "db-pass-DO-NOT-LEAK-7d2e";
export const SMTP_PASSWORD = "re_RESENDKEY_do_not_leak_88aa";

/** Every value that must never appear in an error or a log line. */
export const SECRETS = [TOKEN, DB_PASSWORD, SMTP_PASSWORD];

/** Asserts none of the secrets appears in any of the texts. */
export function leakedSecrets(texts: readonly string[]): string[] {
  return texts.flatMap((t) => SECRETS.filter((s) => t.includes(s)).map((s) => `${s.slice(0, 6)}… in: ${t.slice(0, 120)}`));
}

export function projectInputs(overrides: Record<string, unknown> = {}) {
  return {
    accessToken: TOKEN,
    organizationSlug: "prompt-and-pause",
    name: "promptandpause-staging",
    region: "eu-west-2",
    dbPassword: DB_PASSWORD,
    instanceSize: "micro",
    desiredPostgresMajor: 15,
    pollIntervalMs: 5,
    createTimeoutMs: 5_000,
    requestTimeoutMs: 2_000,
    maxAttempts: 3,
    ...overrides,
  };
}
