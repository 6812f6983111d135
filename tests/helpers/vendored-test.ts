/** The drift test of a vendored document (see ./vendored.ts). */
import { existsSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { driftProblem, rel, type VendoredDocument } from "./vendored";

/**
 * Registers one test: the original beside the repo is byte-identical to the vendored copy.
 * Skipped, saying so in its name, when the original is not there.
 */
export function vendoredCopyTest(doc: VendoredDocument): void {
  const present = existsSync(doc.upstream);
  const title = present
    ? `vendored ${doc.name} (${rel(doc.vendored)}) is byte-identical to ${rel(doc.upstream)}`
    : `vendored ${doc.name} drift check (skipped: ${rel(doc.upstream)} not found beside the repo)`;
  it.skipIf(!present)(title, () => {
    const problem = driftProblem(doc, readFileSync(doc.upstream), readFileSync(doc.vendored));
    if (problem !== undefined) expect.fail(problem);
  });
}
