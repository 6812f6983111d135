import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { runEntry } from "../helpers/run-entry";
import { type CappedPlanResult, RESULT_PREFIX } from "./capped-plans-result";
import { editedStackFile, runPlanInProcess, tempDir } from "../plan/support";
import { readFileSync } from "node:fs";
import { REPO_ROOT } from "../helpers/pulumi";

/**
 * Hostile stack files against the real plan entry (`planMain`, what `npm run plan -- --config
 * FILE` runs; the crash cases in a child process with a time and memory bound). Every case must
 * end with exit 2, name the offending key, echo no secret, and print nothing a terminal would
 * render as something else (control, escape or bidi characters, fake problem lines).
 *
 * Each file is the real staging file with one edit (through the `yaml` document API, or raw
 * text appended under `config:` where the edit is the YAML itself).
 */

const STRIPE_LIVE = "sk_live_51HxFAKEbutRealLookingKey0123456789";
const VERCEL_TOKEN = "Xq7rT2mN9vB4kL8pW3sD6fGh";
/** Characters a terminal interprets: C0/C1 controls (but \n between lines), DEL, bidi controls, line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the test looks for
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

type Edit = (doc: Document) => void;
interface Case {
  name: string;
  /** An edit of the staging document, or YAML text appended under `config:`. */
  edit: Edit | string;
  /** Text the problem line must start with (the key path). */
  key: string;
  /** A value that must appear nowhere in the output. */
  secret?: string;
}

const set =
  (keyPath: (string | number)[], value: unknown): Edit =>
  (doc) =>
    doc.setIn(["config", ...keyPath], doc.createNode(value));
const classes = (authPaths: string[]) => ({
  auth: { requestsPerMinute: 10, burst: 20, paths: authPaths },
  api: { requestsPerMinute: 100, burst: 200, paths: ["/api/*"] },
  ai: { requestsPerMinute: 30, burst: 50, paths: ["/api/ai/*"] },
});
const DKIM_KEY = `p=${"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC".repeat(3)}IDAQAB`;

const CASES: Case[] = [
  // Values that reached provider inputs raw.
  { name: "CR/LF in a header value", edit: set(["promptandpause:edge", "headers", "permissionsPolicy"], "camera=()\r\nSet-Cookie: session=stolen"), key: "promptandpause:edge.headers.permissionsPolicy" },
  { name: "NUL in a header value", edit: set(["promptandpause:edge", "headers", "permissionsPolicy"], "camera=()\u0000"), key: "promptandpause:edge.headers.permissionsPolicy" },
  { name: "bidi override in a rate-limit path", edit: set(["promptandpause:edge", "rateLimits", "classes"], classes(["/api/\u202ehtua/*", "/auth/*"])), key: "promptandpause:edge.rateLimits.classes.auth.paths[0]" },
  { name: "control character in a rate-limit path", edit: set(["promptandpause:edge", "rateLimits", "classes"], classes(["/api/auth\u0007/*", "/auth/*"])), key: "promptandpause:edge.rateLimits.classes.auth.paths[0]" },
  { name: "newline in a DKIM value", edit: set(["promptandpause:edge", "email", "dkim"], [{ name: "resend._domainkey", value: `k=rsa\n; ${DKIM_KEY}` }]), key: "promptandpause:edge.email.dkim[0].value" },
  { name: "newline in the Vercel team", edit: set(["promptandpause:app", "team"], "promptandpause\nevil"), key: "promptandpause:app.team" },
  { name: "NUL in the production branch", edit: set(["promptandpause:app", "productionBranch"], "main\u0000"), key: "promptandpause:app.productionBranch" },
  { name: "git-invalid production branch", edit: set(["promptandpause:app", "productionBranch"], "release/../main"), key: "promptandpause:app.productionBranch" },
  { name: "`:::` as a source IP", edit: set(["promptandpause:edge", "webhooks", "sourceIps"], [":::"]), key: "promptandpause:edge.webhooks.sourceIps[0]" },
  { name: "host bits in a source CIDR", edit: set(["promptandpause:edge", "webhooks", "sourceIps"], ["3.18.12.63/16"]), key: "promptandpause:edge.webhooks.sourceIps[0]" },
  {
    name: "source-IP list whose expression exceeds Cloudflare's 4,096 characters",
    edit: set(["promptandpause:edge", "webhooks", "sourceIps"], Array.from({ length: 96 }, (_, i) => `2600:1f18:0000:0000:0000:0000:${(i + 1).toString(16).padStart(4, "0")}:0000/128`)),
    key: "promptandpause:edge.webhooks.sourceIps",
  },
  {
    name: "rate-limit paths whose expression exceeds Cloudflare's 4,096 characters",
    edit: set(["promptandpause:edge", "rateLimits", "classes"], classes(["/api/auth/*", "/auth/*", ...Array.from({ length: 80 }, (_, i) => `/api/auth/a-rather-long-route-name-${i}`)])),
    key: "promptandpause:edge.rateLimits.classes.auth.paths",
  },
  { name: "NUL in the health-check path", edit: set(["promptandpause:edge", "healthCheck", "path"], "/api/health\u0000"), key: "promptandpause:edge.healthCheck.path" },
  { name: "quote in the health-check path", edit: set(["promptandpause:edge", "healthCheck", "path"], '/api/health"x'), key: "promptandpause:edge.healthCheck.path" },
  { name: "NUL in a public env value", edit: set(["promptandpause:app", "publicEnv"], { NEXT_PUBLIC_POSTHOG_HOST: "https://eu.posthog.com\u0000" }), key: "promptandpause:app.publicEnv.NEXT_PUBLIC_POSTHOG_HOST" },
  { name: "control characters in the Permissions-Policy (tab, ESC)", edit: set(["promptandpause:edge", "headers", "permissionsPolicy"], "camera=()\u001b[2J"), key: "promptandpause:edge.headers.permissionsPolicy" },

  // Secrets echoed.
  { name: "misspelt secret key in plaintext", edit: set(["promptandpause:stripeSecretKye"], STRIPE_LIVE), key: "promptandpause:stripeSecretKye", secret: STRIPE_LIVE },
  { name: "misspelt provider token key", edit: set(["vercel:apiTokenn"], VERCEL_TOKEN), key: "vercel:apiTokenn", secret: VERCEL_TOKEN },
  { name: "secret under an unknown nested key", edit: set(["promptandpause:app", "stripe", "secretKey"], STRIPE_LIVE), key: "promptandpause:app.stripe.secretKey", secret: STRIPE_LIVE },
  { name: "secret pasted into a plain setting", edit: set(["promptandpause:app", "team"], STRIPE_LIVE), key: "promptandpause:app.team", secret: STRIPE_LIVE },
  { name: "secret as an unknown namespace's value", edit: set(["stripe:secretKey"], STRIPE_LIVE), key: "stripe:secretKey", secret: STRIPE_LIVE },

  // Settings silently ignored or swapped.
  { name: "namespace typo", edit: set(["promptandpuase:scale"], { preset: "100x" }), key: "promptandpuase:scale" },
  { name: "namespace in another case", edit: set(["PromptAndPause:protectStatefulResources"], true), key: "PromptAndPause:protectStatefulResources" },
  { name: "bare key (no namespace) shadowing the real one", edit: "  edge:\n    plan: free\n", key: "edge" },
  { name: "__proto__ as a top-level key", edit: "  promptandpause:__proto__:\n    scale:\n      preset: 100x\n", key: "promptandpause:__proto__" },
  { name: "__proto__ inside a setting", edit: set(["promptandpause:app", "publicEnv"], { ["__proto__"]: { NEXT_PUBLIC_X: "y" } }), key: "promptandpause:app.publicEnv.__proto__" },

  // Output injection.
  { name: "key path with a newline and a fake problem line", edit: '  "promptandpause:edge2\\n  - promptandpause:fake: all good (got nothing)": 1\n', key: "promptandpause:edge2\\n" },
  { name: "key path with a terminal escape", edit: '  "promptandpause:\\e[2Jclear": 1\n', key: "promptandpause:\\u001b[2Jclear" },
  { name: "bidi override in a rejected value", edit: set(["promptandpause:edge", "plan"], "busi\u202eness"), key: "promptandpause:edge.plan" },

  // Format holes.
  { name: "log drain on a CGNAT address", edit: set(["promptandpause:app", "logDrain", "endpoint"], "https://100.64.1.2/vercel"), key: "promptandpause:app.logDrain.endpoint" },
  { name: "log drain on a private 172.16/12 address", edit: set(["promptandpause:app", "logDrain", "endpoint"], "https://172.20.0.5/vercel"), key: "promptandpause:app.logDrain.endpoint" },
  { name: "log drain on IPv6 loopback", edit: set(["promptandpause:app", "logDrain", "endpoint"], "https://[::1]/vercel"), key: "promptandpause:app.logDrain.endpoint" },
  { name: "log drain on 0.0.0.0", edit: set(["promptandpause:app", "logDrain", "endpoint"], "https://0.0.0.0/vercel"), key: "promptandpause:app.logDrain.endpoint" },
  { name: "log drain on an IPv4-mapped loopback", edit: set(["promptandpause:app", "logDrain", "endpoint"], "https://[::ffff:127.0.0.1]/vercel"), key: "promptandpause:app.logDrain.endpoint" },
  { name: "`..com` as a CAA issuer", edit: set(["promptandpause:edge", "caaIssuers"], ["..com"]), key: "promptandpause:edge.caaIssuers[0]" },
  { name: "`../../etc` as the repository", edit: set(["promptandpause:app", "gitRepository", "repo"], "../../etc"), key: "promptandpause:app.gitRepository.repo" },
];

let dir: string;
let stagingText: string;

beforeAll(() => {
  dir = tempDir("hostile");
  stagingText = readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml"), "utf8");
});

function fileFor(c: Case, index: number): string {
  const name = `case-${index}.yaml`;
  if (typeof c.edit === "function") return editedStackFile("staging", dir, name, c.edit);
  const file = path.join(dir, name);
  writeFileSync(file, `${stagingText.trimEnd()}\n${c.edit}`);
  return file;
}

async function plan(file: string): Promise<{ code: number | null; output: string; errors: string[] }> {
  const run = await runPlanInProcess(["--config", file]);
  return { code: run.code, output: `${run.stdout}${run.stderr}`, errors: run.stderr.split("\n") };
}

/** The problem lines `  - <key path>: …` of an exit-2 answer. */
function problems(errors: string[]): string[] {
  return errors
    .join("\n")
    .split("\n")
    .filter((l) => l.startsWith("  - "))
    .map((l) => l.slice(4));
}

describe("hostile stack files: exit 2 naming the key, nothing echoed or injected", () => {
  it.each(CASES.map((c, i) => ({ ...c, i })))("$name", async (c) => {
    const { code, output, errors } = await plan(fileFor(c, c.i));
    expect(code, output.slice(0, 2000)).toBe(2);
    expect(problems(errors).some((p) => p.startsWith(`${c.key}`)), output.slice(0, 2000)).toBe(true);
    expect(output).not.toMatch(TERMINAL_CONTROL);
    expect(problems(errors).some((p) => p.startsWith("promptandpause:fake"))).toBe(false);
    if (c.secret) expect(output).not.toContain(c.secret);
  });
});

/**
 * Crash cases: planned in one child process (tests/config/capped-plans.ts, the plan CLI's entry)
 * with a heap cap, each within a deadline.
 */
describe("hostile stack files that used to crash the plan", () => {
  const HEAP_MB = 512;
  const DEADLINE_MS = 20_000;
  const crash: Array<{ name: string; text: () => string; key: string }> = [
    {
      // Structured config arrives as JSON text (what `pulumi up` hands the program too): 100,000 levels.
      name: "deeply nested value",
      text: () => `  promptandpause:appx: '${"[".repeat(100_000)}${"]".repeat(100_000)}'\n`,
      key: "promptandpause:appx",
    },
    {
      // Nine levels of nine aliases: 9^9 = 387 million strings from 300 bytes of YAML.
      name: "YAML alias expansion (billion laughs)",
      text: () => {
        let s = '  promptandpause:lol:\n    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
        const names = "abcdefghi";
        for (let i = 1; i < names.length; i++) {
          const p = names[i - 1];
          s += `    ${names[i]}: &${names[i]} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]\n`;
        }
        return s;
      },
      key: "promptandpause:lol",
    },
    {
      name: "20,000 MX hosts",
      text: () => `  promptandpause:edge:\n    accountId: 0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f\n    email:\n      dkim: [{name: resend._domainkey, value: "${DKIM_KEY}"}]\n      inboundMx:\n${Array.from({ length: 20_000 }, (_, i) => `        - {host: mx${i}.example.com, priority: 1}`).join("\n")}\n`,
      key: "promptandpause:edge.email.inboundMx",
    },
  ];

  const results = new Map<string, CappedPlanResult>();
  let processExit: number | null = null;
  let processStderr = "";
  const fileOf = (name: string) => path.join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
  beforeAll(async () => {
    for (const c of crash) {
      // The 20,000 MX case replaces the staging edge block: write it without the original one.
      const base = c.key.startsWith("promptandpause:edge") ? stagingText.replace(/\n {2}promptandpause:edge:\n(?: {4}.*\n| *#.*\n|\n)*/, "\n") : stagingText;
      writeFileSync(fileOf(c.name), `${base.trimEnd()}\n${c.text()}`);
    }
    const run = await runEntry(path.join("tests", "config", "capped-plans.ts"), crash.map((c) => fileOf(c.name)), {
      nodeArgs: [`--max-old-space-size=${HEAP_MB}`],
      timeoutMs: DEADLINE_MS * crash.length,
    });
    processExit = run.code;
    processStderr = run.stderr;
    for (const line of run.stdout.split("\n").filter((l) => l.startsWith(RESULT_PREFIX))) {
      const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as CappedPlanResult;
      results.set(r.file, r);
    }
  }, DEADLINE_MS * crash.length + 10_000);

  it("the process plans every file and exits 0 (no crash, no heap exhaustion, nothing left rejecting)", () => {
    expect(processExit, processStderr.slice(0, 2000)).toBe(0);
    expect([...results.keys()].sort()).toEqual(crash.map((c) => fileOf(c.name)).sort());
  });

  it.each(crash)("$name", (c) => {
    const result = results.get(fileOf(c.name));
    if (!result) throw new Error(`no result for ${c.name}`);
    expect(result.code, result.stderr.slice(0, 2000)).toBe(2);
    expect(result.ms).toBeLessThan(DEADLINE_MS);
    expect(problems([result.stderr]).some((p) => p.startsWith(c.key)), result.stderr.slice(0, 2000)).toBe(true);
  });
});
