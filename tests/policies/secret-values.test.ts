/**
 * The one secret-value detector (policies/lib/secrets.ts) seen from both places that use it: the
 * stack configuration's `publicEnv` check (stacks/schema/app.ts) and the `vercel-env-secrets`
 * policy. Both `it.each` blocks read the same table, so the two cannot drift apart, and the
 * coverage test fails until every kind the detector knows has a row. Removing a pattern fails the
 * rows of its kind in both blocks.
 *
 * Fake secrets are assembled at runtime, so no secret-looking literal sits in the repository.
 */
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../components/shared/errors";
import { SECRET_KINDS } from "../../policies/lib/secrets";
import { checkPublicEnv } from "../../stacks/schema/app";
import { compliantStack, envVar, urnOf } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const ENV = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const jwt = (role: string) => [b64({ alg: "HS256", typ: "JWT" }), b64({ role, iss: "supabase", ref: "abcdefghijklmnopqrst" }), "c2lnbmF0dXJl"].join(".");

interface Row {
  /** What the value is (test name). */
  label: string;
  value: string;
  /** The kind the detector must name (as `secretKind` returns it). */
  kind: string;
  /** The kind with its article, as both messages must read. */
  phrase: string;
}

const SECRET_VALUE_ROWS: Row[] = [
  { label: "Stripe live secret key", value: ["sk", "live", "51Habcdef"].join("_"), kind: "Stripe secret or restricted key", phrase: "a Stripe secret or restricted key" },
  { label: "Stripe test restricted key", value: ["rk", "test", "0123456789abcdef"].join("_"), kind: "Stripe secret or restricted key", phrase: "a Stripe secret or restricted key" },
  { label: "Stripe webhook signing secret", value: ["whsec", "abcdef123"].join("_"), kind: "Stripe webhook signing secret", phrase: "a Stripe webhook signing secret" },
  // Measured: the policy missed this one before the detectors were merged.
  { label: "Resend key (re_<id>_<secret>)", value: ["re", "abcdefgh", "ijkl"].join("_"), kind: "Resend API key", phrase: "a Resend API key" },
  { label: "Resend key (long token)", value: ["re", "abcdefghijklmnopqr"].join("_"), kind: "Resend API key", phrase: "a Resend API key" },
  { label: "Supabase secret key", value: ["sb", "secret", "abcdefghij0123"].join("_"), kind: "Supabase secret key", phrase: "a Supabase secret key" },
  // Measured: the config check missed this one before the detectors were merged.
  { label: "Supabase service-role JWT", value: jwt("service_role"), kind: "Supabase service-role JWT", phrase: "a Supabase service-role JWT" },
  { label: "Anthropic key", value: ["sk", "ant", "api03", "fake0000000000000000"].join("-"), kind: "Anthropic API key", phrase: "an Anthropic API key" },
  { label: "OpenAI project key", value: ["sk", "proj", "fake0000000000000000"].join("-"), kind: "OpenAI API key", phrase: "an OpenAI API key" },
  { label: "OpenAI legacy key", value: ["sk", "fake0000000000000000"].join("-"), kind: "OpenAI API key", phrase: "an OpenAI API key" },
  // Measured: the policy missed this one before the detectors were merged.
  { label: "Google API key", value: `AIza${"Sy"}${"0".repeat(33)}`, kind: "Google API key", phrase: "a Google API key" },
  // Measured: the policy (postgres:// only) missed this one before the detectors were merged.
  { label: "rediss:// URL with a password", value: `rediss://default:${"hunter2".repeat(2)}@cache.example.com:6379`, kind: "URL with a password", phrase: "a URL with a password" },
  { label: "postgres:// URL with a password", value: `postgresql://postgres.abc:${"pw".repeat(6)}@aws-0-eu-west-2.pooler.supabase.com:6543/postgres`, kind: "URL with a password", phrase: "a URL with a password" },
  { label: "PEM private key", value: `-----BEGIN ${"PRIVATE KEY"}-----\nMIIEvQ\n-----END PRIVATE KEY-----`, kind: "private key", phrase: "a private key" },
  { label: "AWS credentials line", value: `aws_secret_access_key = ${"x".repeat(40)}`, kind: "AWS secret access key assignment", phrase: "an AWS secret access key assignment" },
];

/** Public by design or harmless: neither check may flag them. */
const PUBLIC_ROWS: [string, string][] = [
  ["the Supabase anon key (a JWT, role anon)", jwt("anon")],
  ["a Stripe publishable key", ["pk", "live", "0123456789abcdef"].join("_")],
  ["an https URL", "https://eu.posthog.com"],
  ["a URL with a port and an @ in its path", "https://example.com:443/users/@alice"],
  ["a key prefix without a key", "sk_live_..."],
];

const KEY = "NEXT_PUBLIC_VALUE";
const configLine = (phrase: string) =>
  `promptandpause:app.publicEnv.${KEY}: value looks like ${phrase}; NEXT_PUBLIC_ values ship to every browser (got [secret]). Remove it from the stack file now (treat it as leaked and rotate it), then store it with pulumi config set --secret.`;

describe("one secret-value detector for the config check and the policy", () => {
  it("every kind the detector knows has a row in the shared table", () => {
    expect([...new Set(SECRET_VALUE_ROWS.map((r) => r.kind))].sort()).toEqual([...SECRET_KINDS].sort());
  });

  describe("config: promptandpause:app.publicEnv refuses it, without echoing the value", () => {
    it.each(SECRET_VALUE_ROWS.map((r) => [r.label, r] as const))("%s", (_label, row) => {
      const lines = checkPublicEnv({ [KEY]: row.value }).map(formatIssue);
      expect(lines).toEqual([configLine(row.phrase)]);
      expect(lines.join("\n")).not.toContain(row.value);
    });
    it.each(PUBLIC_ROWS)("accepts %s", (_label, value) => {
      expect(checkPublicEnv({ [KEY]: value })).toEqual([]);
    });
  });

  describe("policy: vercel-env-secrets reports it on a NEXT_PUBLIC_ variable and on a non-sensitive one", () => {
    it.each(SECRET_VALUE_ROWS.map((r) => [r.label, r] as const))("%s", async (_label, row) => {
      const pub = envVar("app-env-x", KEY, row.value, false);
      const found = await violationsOf("vercel-env-secrets", [...compliantStack(), pub]);
      expect(found).toEqual([
        violation(
          "vercel-env-secrets",
          `${KEY} holds a value that looks like ${row.phrase}, but NEXT_PUBLIC_ variables are inlined into the browser bundle. Move it to a variable without the NEXT_PUBLIC_ prefix, mark it sensitive, and rotate the secret.`,
          urnOf(ENV, "app-env-x"),
        ),
      ]);
      const server = envVar("app-env-y", "PAYMENTS", row.value, false);
      expect(await violationsOf("vercel-env-secrets", [...compliantStack(), server])).toEqual([
        violation("vercel-env-secrets", `PAYMENTS holds a value that looks like ${row.phrase} but sensitive is false. Set sensitive: true on the ProjectEnvironmentVariable.`, urnOf(ENV, "app-env-y")),
      ]);
      expect(JSON.stringify(found)).not.toContain(row.value);
    });
    it.each(PUBLIC_ROWS)("accepts %s", async (_label, value) => {
      expect(await violationsOf("vercel-env-secrets", [...compliantStack(), envVar("app-env-x", KEY, value, false)])).toEqual([]);
    });
  });
});
