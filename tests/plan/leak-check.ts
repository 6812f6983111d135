/**
 * A program recorded under skipEngineExtras that leaves one of the SDK's wrapped promises pending
 * (with `leave-pending`; without it, nothing), in a process of its own: the SDK's promise-leak check runs at
 * process exit, and tests/plan/record-program.test.ts reads its exit code and message.
 *
 *   node scripts/launch.cjs tests/plan/leak-check.ts [leave-pending]
 */
import { recordProgram } from "../../scripts/lib/record-program";

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
const leavePending = process.argv[2] === "leave-pending";

recordProgram(
  () => {
    if (leavePending) void debuggable.debuggablePromise(new Promise<never>(() => {}), "never settles");
    return {};
  },
  { project: "promptandpause", stack: "leak-check", skipEngineExtras: true },
).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 3;
});
