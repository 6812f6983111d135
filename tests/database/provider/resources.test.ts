/**
 * The resource classes under Pulumi mocks (how the Database component and the offline plan use
 * them): type tokens, inputs, and secretness of the token, password and key outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { SupabaseProject, SupabaseSettings } from "../../../components/database/supabase";
import { DB_PASSWORD, SMTP_PASSWORD, TOKEN } from "./fixtures";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const ref = "abcdefghijklmnopqrst";
        return { id: ref, state: { ...args.inputs, ref, publishableKey: "sb_publishable_x", secretKey: "sb_secret_x", poolerConnectionString: "postgresql://x" } };
      },
      call: () => {
        throw new Error("unexpected invoke");
      },
    },
    "promptandpause",
    "test",
  );
});

function secretness(o: pulumi.Output<unknown>): Promise<boolean> {
  // biome-ignore lint/suspicious/noExplicitAny: internal flag
  return (o as any).isSecret as Promise<boolean>;
}

describe("SupabaseProject / SupabaseSettings resources", () => {
  it("register with their type tokens, secret token/password inputs and secret key outputs", async () => {
    const project = new SupabaseProject("db-project", {
      accessToken: TOKEN,
      organizationSlug: "prompt-and-pause",
      name: "pp-staging",
      region: "eu-west-2",
      dbPassword: DB_PASSWORD,
      desiredPostgresMajor: 15,
    });
    const settings = new SupabaseSettings("db-settings", {
      accessToken: TOKEN,
      projectRef: project.ref,
      smtpPassword: SMTP_PASSWORD,
      auth: { siteUrl: "https://promptandpause.com", smtp: { senderEmail: "no-reply@promptandpause.com" } },
      pooler: { defaultPoolSize: 20 },
    });
    const ref = await new Promise((resolve) => project.ref.apply(resolve));
    expect(ref).toBe("abcdefghijklmnopqrst");
    expect(await secretness(project.publishableKey)).toBe(true);
    expect(await secretness(project.secretKey)).toBe(true);
    expect(await secretness(project.poolerConnectionString)).toBe(true);
    expect(await secretness(project.ref)).toBe(false);
    await new Promise((resolve) => settings.areas.apply(resolve));
    const types = registered.map((r) => `${r.type} ${r.name}`);
    expect(types).toEqual(expect.arrayContaining(["pulumi-nodejs:dynamic/supabase:Project db-project", "pulumi-nodejs:dynamic/supabase:Settings db-settings"]));
    const projectInputs = registered.find((r) => r.name === "db-project")?.inputs ?? {};
    expect(projectInputs.name).toBe("pp-staging");
    expect(typeof projectInputs.__provider).toBe("string");
    // the serialized provider never contains a secret
    for (const r of registered) for (const s of [TOKEN, DB_PASSWORD, SMTP_PASSWORD]) expect(String(r.inputs.__provider)).not.toContain(s);
  });
});
