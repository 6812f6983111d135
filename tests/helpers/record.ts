import { PROJECT } from "../../scripts/lib/plan-types";
import { type RecordedRun, type RecordOptions, recordProgram as record } from "../../scripts/lib/record-program";

/**
 * Runs `program` under mocks and returns every registration (see scripts/lib/record-program.ts).
 * Its own module, without the platform program behind it: a file that records only programs of
 * its own (tests/plan/record-program-failure.test.ts, which has a process of its own) does not
 * load every component and provider SDK for nothing.
 */
export function recordProgram<T>(program: () => T | Promise<T>, options: Partial<RecordOptions> = {}): Promise<RecordedRun<T>> {
  return record(program, { project: PROJECT, stack: "test", ...options });
}
