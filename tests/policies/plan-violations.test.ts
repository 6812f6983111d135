import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type Document, parseDocument } from "yaml";
import { type CliResult, runPlanInProcess } from "../helpers/plan-cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUIDE } from "../../stacks/guide";
import { DEFAULT_RATE_LIMIT_PATHS, edgeConfigSchema } from "../../stacks/schema/edge";

/**
 * Issue 6: a stack file that loosens a guide security rule is accepted by the config schema (which
 * checks types and feasibility only) and refused by the policy pack: `npm run plan` exits 1 and
 * names the policy. Each case is the real Pulumi.prod.yaml with one change, planned by the CLI's
 * own entry in this process (`planMain`: the flags, output and exit code of `npm run plan`;
 * tests/plan/plan-cli-stacks.test.ts runs the same entry as a child process). The unmodified file
 * plans clean.
 */

const EDGE = ["config", "promptandpause:edge"];

/** The edge defaults (the guide's values) a stack file has to repeat when it replaces a list or record. */
const defaults = edgeConfigSchema.shape.cache.parse(undefined);

const guideClasses = () =>
  Object.fromEntries(Object.entries(GUIDE.rateLimits).map(([name, limit]) => [name, { ...limit, paths: [...DEFAULT_RATE_LIMIT_PATHS[name as keyof typeof DEFAULT_RATE_LIMIT_PATHS]] }]));

interface Case {
  /** What the stack file changes. */
  change: string;
  edit: (doc: Document) => void;
  policy: string;
  /** A fragment of the violation message (the policy's own words, not the whole message). */
  fragment: RegExp;
}

const CASES: Case[] = [
  {
    change: "auth rate limit loosened to 100/min, burst 200",
    edit: (doc) => doc.setIn([...EDGE, "rateLimits", "classes"], { ...guideClasses(), auth: { requestsPerMinute: 100, burst: 200, paths: [...DEFAULT_RATE_LIMIT_PATHS.auth] } }),
    policy: "rate-limits",
    fragment: /Route class "auth" allows 100 requests\/min .*the guide allows at most 10\/min/,
  },
  {
    // One change in intent; in config it takes the path out of privatePaths (a cache rule on a
    // private path is a contradiction checkEdgeConfig refuses) and drops its browser-only TTL.
    change: "/api/user/profile edge-cached for 60 s (no longer a private path)",
    edit: (doc) =>
      doc.setIn([...EDGE, "cache"], {
        rules: [...defaults.rules, { ref: "cache-user-profile", paths: ["/api/user/profile"], edgeTtlSeconds: 60 }],
        privatePaths: ["/auth/*"],
        privateBrowserTtls: [],
      }),
    policy: "cache-rules",
    fragment: /does not cover "\/api\/user\/": its expression must match every request under every authenticated path/,
  },
  {
    change: "HSTS turned off",
    edit: (doc) => doc.setIn([...EDGE, "hsts"], { enabled: false }),
    policy: "security-headers",
    fragment: /removes it for Strict-Transport-Security on \/api\/\*/,
  },
  {
    change: "HSTS max-age cut to one hour",
    edit: (doc) => doc.setIn([...EDGE, "hsts"], { maxAgeSeconds: 3600 }),
    policy: "security-headers",
    fragment: /sets "max-age=3600; includeSubDomains" \(max-age must be at least 31536000\)/,
  },
  {
    change: "webhook limit loosened to 5000/min, burst 10000",
    edit: (doc) => doc.setIn([...EDGE, "webhooks"], { requestsPerMinute: 5000, burst: 10000 }),
    policy: "rate-limits",
    fragment: /Route class "webhooks" allows 5000 requests\/min .*the webhook limit \(this policy's "webhookLimit"\) allows at most 1000\/min/,
  },
  // Issue 14 item 9: narrowing what a rule covers, or downgrading what it does, is loosening too.
  {
    change: "auth class narrowed to one route (drops /api/auth/* and /auth/*)",
    edit: (doc) => doc.setIn([...EDGE, "rateLimits", "classes"], { ...guideClasses(), auth: { requestsPerMinute: 10, burst: 20, paths: ["/api/auth/login"] } }),
    policy: "rate-limits",
    fragment: /Route class "auth" does not cover \/api\/auth\/\*: no blocking rule of the class counts every request to \/api\/auth\/zz-probe/,
  },
  {
    change: "rate limits downgraded to a managed challenge",
    edit: (doc) => doc.setIn([...EDGE, "rateLimits", "action"], "managed_challenge"),
    policy: "rate-limits",
    fragment: /has action "managed_challenge", which does not limit anything; use one of block/,
  },
  {
    change: "OWASP downgraded to log",
    edit: (doc) => doc.setIn([...EDGE, "waf", "owaspAction"], "log"),
    policy: "waf-baseline",
    fragment: /changes rule 6179ae15870a4bb7b2d480d4843b323c of the Cloudflare OWASP Core Ruleset to "log"/,
  },
  {
    change: "OWASP downgraded to a managed challenge",
    edit: (doc) => doc.setIn([...EDGE, "waf", "owaspAction"], "managed_challenge"),
    policy: "waf-baseline",
    fragment: /changes rule 6179ae15870a4bb7b2d480d4843b323c of the Cloudflare OWASP Core Ruleset to "managed_challenge"/,
  },
  {
    change: "upload validation narrowed to /api/forms/*",
    edit: (doc) => doc.setIn([...EDGE, "waf", "uploadScopePaths"], ["/api/forms/*"]),
    policy: "waf-baseline",
    fragment: /rule ref "waf-file-upload" of ruleset "[^"]+" does not block a multipart upload POSTed to an API route that is not an upload route/,
  },
  {
    change: "private cache bypass narrowed to /api/user/profile",
    edit: (doc) => doc.setIn([...EDGE, "cache"], { ...defaults, privatePaths: ["/api/user/profile", "/auth/*"] }),
    policy: "cache-rules",
    fragment: /does not cover "\/api\/user\/": its expression must match every request under every authenticated path/,
  },
  {
    change: "minimum TLS version 1.0",
    edit: (doc) => doc.setIn([...EDGE, "minTlsVersion"], "1.0"),
    policy: "edge-tls-baseline",
    fragment: /sets min_tls_version to "1\.0"; it must be at least "1\.2"/,
  },
];

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The real Pulumi.prod.yaml with one edit (through the yaml document API, comments kept), written to `file`. */
function prodStackFileWith(file: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
  edit(doc);
  if (doc.errors.length > 0) throw new Error(`edited stack file is not valid YAML: ${doc.errors[0]?.message}`);
  writeFileSync(file, String(doc));
  return file;
}

interface Violation {
  policy: string;
  level: "mandatory" | "advisory";
  message: string;
}

interface Run {
  cli: CliResult;
  violations: Violation[];
}

const runs = new Map<string, Run>();
const dir = mkdtempSync(path.join(tmpdir(), "promptandpause-plan-violations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const jobs = [{ key: "unmodified", edit: (_doc: Document) => {} }, ...CASES.map((c) => ({ key: c.change, edit: c.edit }))];
  for (const [i, job] of jobs.entries()) {
    const config = prodStackFileWith(path.join(dir, `prod-${i}.yaml`), job.edit);
    const json = path.join(dir, `plan-${i}.json`);
    const cli = await runPlanInProcess(["--stack", "prod", "--config", config, "--json", json]);
    const violations = cli.code === 0 || cli.code === 1 ? (JSON.parse(readFileSync(json, "utf8")).policies.violations as Violation[]) : [];
    runs.set(job.key, { cli, violations });
  }
}, 300_000);

const run = (key: string): Run => {
  const r = runs.get(key);
  if (!r) throw new Error(`no plan ran for "${key}"`);
  return r;
};
const mandatory = (r: Run) => r.violations.filter((v) => v.level === "mandatory");

describe("the unmodified prod stack file", () => {
  it("plans clean: exit 0 and no mandatory violation", () => {
    const r = run("unmodified");
    expect(r.cli.code, r.cli.stderr).toBe(0);
    expect(mandatory(r)).toEqual([]);
  });
});

describe.each(CASES)("prod with $change", ({ change, policy, fragment }) => {
  it("passes the config schema and exits 1 (mandatory policy violation), not 2", () => {
    const r = run(change);
    expect(r.cli.stderr).not.toMatch(/Invalid configuration/);
    expect(r.cli.code, r.cli.stderr).toBe(1);
  });

  it(`names the policy ${policy} in the printed report`, () => {
    expect(`${run(change).cli.stdout}${run(change).cli.stderr}`).toContain(`[mandatory] ${policy}:`);
  });

  it(`the JSON report has a mandatory ${policy} violation saying why, and no other policy fails`, () => {
    const found = mandatory(run(change));
    expect(found).toContainEqual(expect.objectContaining({ policy, level: "mandatory", message: expect.stringMatching(fragment) }));
    expect(new Set(found.map((v) => v.policy))).toEqual(new Set([policy]));
  });
});
