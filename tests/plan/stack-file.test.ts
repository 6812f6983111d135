import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isConfigError } from "../../components/shared/errors";
import { readStackFile, SECRET_PLACEHOLDER, StackFileError, toStackSettings } from "../../scripts/lib/stack-file";
import { REPO_ROOT } from "../helpers/pulumi";

const fixture = (name: string) => path.join(REPO_ROOT, "tests", "fixtures", "stacks", name);
// Not a committed fixture: the repo's linter parses every .yaml file.
const invalidYaml = path.join(mkdtempSync(path.join(tmpdir(), "stack-file-")), "invalid-yaml.yaml");
writeFileSync(invalidYaml, "config:\n  promptandpause:environment: staging\n    promptandpause:domain: [unclosed\n");
const REQUIRED = ["cloudflare:apiToken", "vercel:apiToken", "promptandpause:supabaseAccessToken", "promptandpause:stripeSecretKey", "promptandpause:resendApiKey", "promptandpause:redisUrl"];

describe("readStackFile: a stack file as the Pulumi CLI hands it to the program", () => {
  const settings = readStackFile(fixture("secure-values.yaml"), "promptandpause");

  it("replaces encrypted (secure:) values with the placeholder and marks them secret", () => {
    expect(settings.config["promptandpause:stripeSecretKey"]).toBe(SECRET_PLACEHOLDER);
    expect(settings.config["cloudflare:apiToken"]).toBe(SECRET_PLACEHOLDER);
    expect(settings.secretKeys).toEqual(expect.arrayContaining(["promptandpause:stripeSecretKey", "cloudflare:apiToken"]));
  });

  it("never passes the ciphertext on", () => {
    expect(JSON.stringify(settings)).not.toContain("v1:");
  });

  it("a secure: value nested in a structured key makes the whole key secret", () => {
    expect(settings.config["promptandpause:app"]).toBe(SECRET_PLACEHOLDER);
    expect(settings.secretKeys).toContain("promptandpause:app");
  });

  it("reads `<namespace>:config:<name>` as `<namespace>:<name>`, as Pulumi does", () => {
    expect(settings.config["promptandpause:environment"]).toBe("staging");
    expect(settings.config["promptandpause:protectStatefulResources"]).toBe("false");
    expect(settings.config).not.toHaveProperty("promptandpause:config:protectStatefulResources");
  });

  it("passes structured values as JSON text and scalars as text", () => {
    expect(JSON.parse(settings.config["promptandpause:contacts"] as string)).toEqual({ operations: "ops@promptandpause.com" });
  });

  it("fills every missing required secret with a placeholder and warns with the key and the fix", () => {
    const missing = ["vercel:apiToken", "promptandpause:supabaseAccessToken", "promptandpause:resendApiKey", "promptandpause:redisUrl"];
    for (const key of missing) {
      expect(settings.config[key], key).toBe(SECRET_PLACEHOLDER);
      expect(settings.secretKeys, key).toContain(key);
      const warning = settings.warnings.find((w) => w.startsWith(`${key} is not set`));
      expect(warning, key).toBeDefined();
      expect(warning).toContain(`Set it with: pulumi config set --secret ${key} <value>`);
    }
    // Secrets that are set produce no warning.
    expect(settings.warnings.some((w) => w.startsWith("promptandpause:stripeSecretKey"))).toBe(false);
  });

  it("the warnings never contain the placeholder value", () => {
    for (const w of settings.warnings) expect(w).not.toContain(SECRET_PLACEHOLDER);
  });
});

describe("toStackSettings: AI provider keys follow app.aiProviders", () => {
  it.each([
    [{ "promptandpause:app": { aiProviders: ["anthropic", "google"] } }, ["promptandpause:anthropicApiKey", "promptandpause:googleApiKey"], ["promptandpause:openaiApiKey"]],
    [{}, ["promptandpause:openaiApiKey"], ["promptandpause:anthropicApiKey", "promptandpause:googleApiKey"]],
  ])("%j", (section, required, notRequired) => {
    const s = toStackSettings(section, "promptandpause");
    for (const key of [...REQUIRED, ...required]) expect(s.secretKeys, key).toContain(key);
    for (const key of notRequired) expect(s.config, key).not.toHaveProperty(key);
    expect(s.warnings).toHaveLength(REQUIRED.length + required.length);
  });

  it("keeps a plaintext secret as plaintext (not secret), so the config loader can refuse it", () => {
    const s = toStackSettings({ "promptandpause:stripeSecretKey": "sk_test_plain" }, "promptandpause");
    expect(s.config["promptandpause:stripeSecretKey"]).toBe("sk_test_plain");
    expect(s.secretKeys).not.toContain("promptandpause:stripeSecretKey");
  });
});

describe("toStackSettings: keys Pulumi would refuse are configuration errors naming the key", () => {
  it.each([
    [{ edge: { plan: "free" } }, "edge: is not a Pulumi config key", "Write it as promptandpause:edge"],
    [{ "a:b:c": 1 }, "a:b:c: is not a Pulumi config key", "Write it as <namespace>:<name>"],
    [{ "promptandpause:edge": {}, "promptandpause:config:edge": {} }, "promptandpause:config:edge: is the same key as promptandpause:edge, set twice", "Keep one of them."],
  ])("%j", (section, problem, fix) => {
    let caught: unknown;
    try {
      toStackSettings(section, "promptandpause");
    } catch (err) {
      caught = err;
    }
    expect(isConfigError(caught)).toBe(true);
    const line = (caught as Error).message.split("\n")[1] ?? "";
    expect(line).toContain(problem);
    expect(line).toContain(fix);
  });
});

describe("readStackFile errors are StackFileErrors naming the file", () => {
  it.each([
    ["invalid-yaml.yaml", /invalid-yaml\.yaml: not valid YAML: /],
    ["not-a-mapping.yaml", /not-a-mapping\.yaml: must be a mapping with a top-level "config:" key/],
    ["config-not-a-mapping.yaml", /config-not-a-mapping\.yaml: "config" must be a mapping of namespace:key to value/],
    ["does-not-exist.yaml", /does-not-exist\.yaml: cannot read the settings file \(ENOENT\)\. Pass an existing file with --config/],
  ])("%s", (file, message) => {
    let caught: unknown;
    try {
      readStackFile(file === "invalid-yaml.yaml" ? invalidYaml : fixture(file), "promptandpause");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StackFileError);
    expect((caught as Error).message).toMatch(message);
  });

  it("an empty stack file is no settings at all: every required secret becomes a warning", () => {
    const s = readStackFile(fixture("empty.yaml"), "promptandpause");
    expect(Object.keys(s.config).sort()).toEqual([...REQUIRED, "promptandpause:openaiApiKey"].sort());
    expect(s.warnings).toHaveLength(REQUIRED.length + 1);
  });

  it("the real stack files read without errors", () => {
    for (const stack of ["staging", "prod"]) {
      const s = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "promptandpause");
      expect(s.config["promptandpause:environment"]).toBe(stack);
      expect(s.config["pulumi:disable-default-providers"]).toBe('["*"]');
    }
  });
});
