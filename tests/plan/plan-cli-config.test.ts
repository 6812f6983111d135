import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { YAMLMap } from "yaml";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/stack-file";
import { type CliResult, editedStackFile, runPlanCli, runPlanInProcess, tempDir } from "./support";

/**
 * `npm run plan` refuses bad input with the documented exit codes: 2 for invalid configuration
 * (every bad key, before anything is planned), 3 for bad usage. The secrets case runs as a child
 * process (nothing any library prints may carry the secret); the others through the CLI's own
 * entry in this process (`planMain`, tests/helpers/plan-cli.ts), one after another.
 */

const LEAKED = "sk_live_51HxFAKEbutRealLookingKey0123456789";
let dir: string;
let threeErrors: CliResult;
let secrets: CliResult;
let badFlag: CliResult;
let badStackName: CliResult;
let missingFile: CliResult;
let missingStack: CliResult;
let invalidYaml: CliResult;
let help: CliResult;
let missingFilePath: string;

beforeAll(async () => {
  dir = tempDir("plan-config");
  // The real staging file with three edits: a typo'd key, a wrong type, an out-of-range number.
  const threeErrorsFile = editedStackFile("staging", dir, "three-errors.yaml", (doc) => {
    const database = doc.getIn(["config", "promptandpause:database"]) as YAMLMap;
    const pitr = database.get("pointInTimeRecovery");
    database.delete("pointInTimeRecovery");
    database.set("pointInTimeRecovry", pitr);
    doc.setIn(["config", "promptandpause:protectStatefulResources"], "yes");
    doc.setIn(["config", "promptandpause:database", "auth", "jwtExpirySeconds"], 10);
  });
  // A secret in plaintext, and an encrypted secret under a misspelt key.
  const secretsFile = editedStackFile("staging", dir, "secrets.yaml", (doc) => {
    doc.setIn(["config", "promptandpause:stripeSecretKey"], LEAKED);
    doc.setIn(["config", "promptandpause:resendApiKye"], doc.createNode({ secure: "v1:ZmFrZSBjaXBoZXJ0ZXh0IGZvciBhIHRlc3Q=" }));
  });
  const invalidYamlFile = path.join(dir, "invalid.yaml");
  writeFileSync(invalidYamlFile, "config:\n  promptandpause:environment: staging\n    promptandpause:domain: [unclosed\n");
  missingFilePath = path.join(dir, "does-not-exist.yaml");

  const secretsRun = runPlanCli(["--config", secretsFile]);
  threeErrors = await runPlanInProcess(["--config", threeErrorsFile]);
  badFlag = await runPlanInProcess(["--bogus"]);
  badStackName = await runPlanInProcess(["--stack", "../etc"]);
  missingFile = await runPlanInProcess(["--config", missingFilePath]);
  missingStack = await runPlanInProcess(["--stack", "no-such-stack"]);
  invalidYaml = await runPlanInProcess(["--config", invalidYamlFile]);
  help = await runPlanInProcess(["--help"]);
  secrets = await secretsRun;
});

describe("invalid configuration exits 2 and lists every bad key", () => {
  it("a typo'd key, a wrong type and an out-of-range number: exit 2, all three named", () => {
    expect(threeErrors.stderr).toContain("Invalid configuration for stack staging (nothing was planned):");
    const lines = threeErrors.stderr.split("\n").map((l) => l.replace(/^\s+-\s/, ""));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^promptandpause:database\.pointInTimeRecovry: unknown key \(got false\)\. Did you mean promptandpause:database\.pointInTimeRecovery\?/),
        expect.stringMatching(/^promptandpause:protectStatefulResources: must be a boolean \(got "yes"\)/),
        expect.stringMatching(/^promptandpause:database\.auth\.jwtExpirySeconds: must be >= 300 \(got 10\)/),
      ]),
    );
    expect(threeErrors.code, threeErrors.stderr).toBe(2);
  });

  it("prints nothing of a plan", () => {
    expect(threeErrors.stdout).not.toContain("Offline plan of");
  });

  it("does not crash with a stack trace", () => {
    expect(threeErrors.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a plaintext secret without printing it (exit 2)", () => {
    expect(secrets.stderr).toContain("promptandpause:stripeSecretKey: is stored in plaintext; it must be a secret (got [secret])");
    expect(secrets.code, secrets.stderr).toBe(2);
    expect(secrets.stdout + secrets.stderr).not.toContain(LEAKED);
    expect(secrets.stdout + secrets.stderr).not.toContain("sk_live_");
  });

  it("reports the misspelt secret key without printing its value", () => {
    expect(secrets.stderr).toMatch(/promptandpause:resendApiKye: unknown key \(got \[secret\]\)/);
    expect(secrets.stdout + secrets.stderr).not.toContain(SECRET_PLACEHOLDER);
  });
});

describe("settings files that cannot be read exit 2", () => {
  it("--config naming a missing file", () => {
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain(`${missingFilePath}: cannot read the settings file (ENOENT)`);
  });

  it("--stack with no Pulumi.<stack>.yaml", () => {
    expect(missingStack.code).toBe(2);
    expect(missingStack.stderr).toContain("Pulumi.no-such-stack.yaml: cannot read the settings file (ENOENT)");
  });

  it("a file that is not valid YAML", () => {
    expect(invalidYaml.code).toBe(2);
    expect(invalidYaml.stderr).toContain("invalid.yaml: not valid YAML: ");
  });
});

describe("bad usage exits 3 with the usage line", () => {
  it("an unknown flag", () => {
    expect(badFlag.code).toBe(3);
    expect(badFlag.stderr).toContain("--bogus");
    expect(badFlag.stderr).toContain("usage: npm run plan -- [--stack staging|prod] [--config FILE] [--json FILE] [--markdown FILE]");
  });

  it("a stack name that is not a name", () => {
    expect(badStackName.code).toBe(3);
    expect(badStackName.stderr).toContain('--stack: not a stack name (got "../etc")');
  });

  it("--help prints the usage and exits 0", () => {
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: npm run plan --");
  });
});
