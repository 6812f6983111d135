/**
 * A rotated access token (the state's `olds.accessToken` differs from `news.accessToken`) is still
 * a secret during the update that replaces it: when the API echoes the old token in an error
 * message, every provider's update error shows `[secret]` instead. All three providers build
 * their client with `managementClient` (client.ts), which registers the old token.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { supabaseProjectProvider } from "../../../components/database/supabase/project";
import { supabaseReadReplicasProvider } from "../../../components/database/supabase/read-replica";
import { supabaseSettingsProvider } from "../../../components/database/supabase/settings";
import { useSupabaseApiServer } from "../../helpers/supabase-api-server";
import { TOKEN, leakedSecrets, projectInputs } from "./fixtures";

// biome-ignore lint/suspicious/noExplicitAny: provider methods take untyped property bags
type Bag = any;
const project = supabaseProjectProvider as Required<typeof supabaseProjectProvider>;
const settings = supabaseSettingsProvider as Required<typeof supabaseSettingsProvider>;
const replicas = supabaseReadReplicasProvider as Required<typeof supabaseReadReplicasProvider>;

/** The token the state was written with, before it was rotated to TOKEN. Recognisable, like the fixtures' secrets. */
const OLD_TOKEN = "sbp_OLDTOKEN_rotated_do_not_leak_61b2";

const server = useSupabaseApiServer({ token: TOKEN, comingUpPolls: 0 });
let ref: string;
let projectOuts: Bag;

beforeAll(async () => {
  const created = await project.create(projectInputs({ instanceSize: "small" }));
  ref = created.id;
  projectOuts = created.outs;
});

/** The message and stack of the error `promise` rejects with. */
async function errorText(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return `${(err as Error).message}\n${(err as Error).stack}`;
  }
  throw new Error("expected the update to fail");
}

const settingsInputs = (overrides: Record<string, unknown> = {}): Bag => ({
  accessToken: TOKEN,
  projectRef: ref,
  projectName: "promptandpause-staging",
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
  sslEnforcement: true,
  ...overrides,
});

const replicaInputs = (overrides: Record<string, unknown> = {}): Bag => ({
  accessToken: TOKEN,
  projectRef: ref,
  count: 0,
  pollIntervalMs: 5,
  timeoutMs: 5_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
  ...overrides,
});

describe("a rotated access token never appears in an update error", () => {
  it.each([
    {
      resource: "SupabaseProject (rename)",
      operation: "PATCH /v1/projects/{ref}",
      state: async (): Promise<Bag> => projectOuts,
      update: (olds: Bag) => project.update(ref, olds, projectInputs({ instanceSize: "small", name: "promptandpause-renamed" })),
    },
    {
      resource: "SupabaseSettings (SSL enforcement off)",
      operation: "PUT /v1/projects/{ref}/ssl-enforcement",
      state: async (): Promise<Bag> => (await settings.create(settingsInputs())).outs,
      update: (olds: Bag) => settings.update(`${ref}-settings`, olds, settingsInputs({ sslEnforcement: false })),
    },
    {
      resource: "SupabaseReadReplicas (count 0 -> 1)",
      operation: "GET /v1/projects/{ref}",
      state: async (): Promise<Bag> => (await replicas.create(replicaInputs())).outs,
      update: (olds: Bag) => replicas.update(`${ref}-read-replicas`, olds, replicaInputs({ count: 1 })),
    },
  ])("$resource: the API's message quoting the old token is redacted", async ({ operation, state, update }) => {
    // The state was written with the old token; the update runs with the new one (TOKEN).
    const olds = { ...(await state()), accessToken: OLD_TOKEN };
    server.inject({ operation, status: 403, body: { message: `token ${OLD_TOKEN} was revoked; use the new one` } });
    const text = await errorText(update(olds));
    // Booleans, not the text: a failing assertion must not print the token.
    expect(text.includes(OLD_TOKEN), "old token in the error").toBe(false);
    expect(text.includes("token [secret] was revoked"), "the API's message, redacted, in the error").toBe(true);
    expect(leakedSecrets([text])).toEqual([]);
    expect(server.invalid).toEqual([]);
  });
});
