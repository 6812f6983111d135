/**
 * Pinned copies of documents whose originals live beside the repo (`../shared/`), so the tests
 * that read them run wherever only this repo is checked out (CI). The tests always read the
 * vendored copy; `vendoredCopyTest` (./vendored-test.ts) fails when the original next to the repo
 * has changed and the copy was not refreshed, and is skipped (by name) where it is not there.
 * No vitest import here: the Supabase test server imports this outside tests too.
 */
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../..");

/** A document copied into the repo from `../shared/`. */
export interface VendoredDocument {
  /** What it is, for test names. */
  readonly name: string;
  /** The copy in this repo (what the tests read). */
  readonly vendored: string;
  /** The original beside the repo (may be absent). */
  readonly upstream: string;
}

/** The product owner's infrastructure guide: every number in it is a requirement. */
export const VENDORED_GUIDE: VendoredDocument = {
  name: "infrastructure guide",
  vendored: path.join(REPO_ROOT, "docs", "guide", "infrastructure-guide.md"),
  upstream: path.resolve(REPO_ROOT, "..", "shared", "guide", "infrastructure-guide.md"),
};

/** The Supabase Management API v1 OpenAPI document the provider's requests are validated against. */
export const VENDORED_SUPABASE_SPEC: VendoredDocument = {
  name: "Supabase Management API v1 OpenAPI document",
  vendored: path.join(REPO_ROOT, "tests", "fixtures", "supabase", "management-api-v1.openapi.json"),
  upstream: path.resolve(REPO_ROOT, "..", "shared", "supabase", "management-api-v1.openapi.json"),
};

/** Repo-relative path (for messages). */
export function rel(p: string): string {
  return path.relative(REPO_ROOT, p);
}

/**
 * Why the vendored copy differs from the original (first differing byte, sizes, how to re-copy),
 * or undefined when they are byte-identical.
 */
export function driftProblem(doc: VendoredDocument, upstream: Buffer, vendored: Buffer): string | undefined {
  if (upstream.equals(vendored)) return undefined;
  let at = 0;
  while (at < upstream.length && at < vendored.length && upstream[at] === vendored[at]) at++;
  return (
    `${rel(doc.vendored)} (${vendored.length} bytes) differs from ${rel(doc.upstream)} (${upstream.length} bytes) from byte ${at}: ` +
    `the ${doc.name} changed beside the repo and the pinned copy is stale. ` +
    `Re-copy it: cp ${rel(doc.upstream)} ${rel(doc.vendored)} — then rerun the tests and review what the change requires.`
  );
}
