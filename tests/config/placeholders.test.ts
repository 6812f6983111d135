import { describe, expect, it } from "vitest";
import { placeholderMarker } from "../../stacks/placeholders";
import { planStack, rawStackConfig } from "../helpers/pulumi";
import { patched, problemsOrNone, validRaw } from "./support";

/**
 * Placeholder values never deploy: a stack-file value that is obviously a stand-in ("example",
 * "replace…", "changeme", "xxx", "TODO", …) is refused with the key and where the real value comes
 * from. A value not known yet is left out instead: the feature stays off and the plan warns.
 */

const FAKE_DKIM = "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCstg0examplekeyreplacewithresendvalueIDAQAB";
const REAL_LOOKING_DKIM = `p=${"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDh7k2Qz9vXa1Tn+/Rb".repeat(3)}IDAQAB`;
const edge = (patch: Record<string, unknown>) => ({ "promptandpause:edge": patched("promptandpause:edge", patch) });

describe("placeholderMarker", () => {
  it.each([
    [FAKE_DKIM, "example"],
    ["https://logs.example.com/vercel", "example"],
    ["ops@example.org", "example"],
    ["REPLACE_ME", "replace"],
    ["changeme", "changeme"],
    ["change-me", "change-me"],
    ["xxx", "xxx"],
    ["re_xxxx_xxxx", "xxxx"],
    ["TODO", "todo"],
    ["todo: ask Resend", "todo"],
    ["<your team slug>", "<your team slug>"],
    ["your-team", "your-"],
    ["placeholder", "placeholder"],
    ["TBD", "tbd"],
    ["dummy-value", "dummy"],
  ])("%j is a placeholder (%s)", (value, marker) => {
    expect(placeholderMarker(value)?.toLowerCase()).toBe(marker.toLowerCase());
  });

  it.each([REAL_LOOKING_DKIM, "promptandpause", "promptandpause/web", "https://logs.promptandpause.com/vercel/staging", "ops@promptandpause.com", "eu-west-2", "smtp.google.com", "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"])(
    "%j is not",
    (value) => {
      expect(placeholderMarker(value)).toBeUndefined();
    },
  );

  it("a base64 key that happens to contain xxx or todo inside a run of letters is not refused", () => {
    expect(placeholderMarker("p=MIGfMA0GCSqGSIbXxXb3DtodoQEBAQUAA4GNADCBiQKBgQC")).toBeUndefined();
  });
});

describe("a stack file with a placeholder", () => {
  it("the example DKIM key is refused, naming the key and where Resend shows the real one", () => {
    const lines = problemsOrNone(validRaw(edge({ email: { dkim: [{ name: "resend._domainkey", value: FAKE_DKIM }] } })));
    const line = lines.find((l) => l.startsWith("promptandpause:edge.email.dkim[0].value:"));
    expect(line).toContain('is a placeholder ("example"), not a real value');
    expect(line).toContain("Resend");
    expect(line).toContain("Domains → promptandpause-staging.com → DNS records");
    expect(line).toContain("or leave the key out");
  });

  it.each([
    ["promptandpause:app", { team: "your-team" }, "promptandpause:app.team:", "Vercel"],
    ["promptandpause:database", { organizationSlug: "changeme" }, "promptandpause:database.organizationSlug:", "Supabase"],
    ["promptandpause:app", { logDrain: { endpoint: "https://logs.example.com/x" } }, "promptandpause:app.logDrain.endpoint:", "log aggregator"],
  ])("%s %j is refused with a hint", (key, patch, prefix, hint) => {
    const lines = problemsOrNone(validRaw({ [key]: patched(key, patch) }));
    const line = lines.find((l) => l.startsWith(prefix));
    expect(line, lines.join("\n")).toContain("is a placeholder");
    expect(line).toContain(hint);
  });

  it("neither real stack file contains a placeholder (the fake DKIM key is gone)", () => {
    for (const stack of ["staging", "prod"] as const) {
      expect(JSON.stringify(rawStackConfig(stack).values)).not.toContain("example");
    }
  });
});

describe.each(["staging", "prod"] as const)("the %s stack without a DKIM key yet", (stack) => {
  it("publishes no DKIM record and warns what is missing and where to get it", async () => {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(outcome.problems.join("\n"));
    const doc = outcome.document;
    const dkim = doc.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && String(r.inputs.name).includes("._domainkey."));
    expect(dkim).toEqual([]);
    const warning = doc.warnings.find((w: string) => w.includes("promptandpause:edge.email.dkim"));
    expect(warning).toContain("Resend cannot verify");
    expect(warning).toContain("Domains →");
    if (stack === "prod") {
      // prod's contacts are at promptandpause.com, and prod's zone has no inbound MX yet.
      const mx = doc.warnings.find((w: string) => w.includes("promptandpause:edge.email.inboundMx"));
      expect(mx).toContain("ops@promptandpause.com");
      expect(mx).toContain("bounce");
    } else {
      expect(doc.warnings.filter((w: string) => w.includes("inboundMx"))).toEqual([]);
    }
  });
});
