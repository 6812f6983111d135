import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { recordProgram } from "../helpers/record";

/**
 * A program that fails must fail the recording cleanly: the error reaches the caller and nothing
 * else. (Own file: if the recorder leaves unhandled rejections behind, vitest reports them
 * against this file only.) Today the Stack resource's internal promises reject unhandled, so a
 * process running the plan crashes with exit code 1 ("policy violations") instead of 2.
 * Also today: the SDK rethrows an invoke failure as `new Error(err.details)`; PlatformMocks.call
 * throws a plain Error (no `details`), so the program sees an EMPTY message.
 */
describe("recordProgram when the program fails", () => {
  it("an unmocked invoke inside the program rejects the recording with the token", async () => {
    await expect(
      recordProgram(async () => {
        await pulumi.runtime.invoke("cloudflare:index/getZone:getZone", { name: "promptandpause.com" });
        return {};
      }),
    ).rejects.toThrow(/Unmocked invoke cloudflare:index\/getZone:getZone/);
  });

  it("leaves no unhandled promise rejection behind", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    // Vitest installs its own listener; ours sees the same events.
    process.on("unhandledRejection", listener);
    try {
      await expect(
        recordProgram(async () => {
          throw Object.assign(new Error("bad config"), { name: "ConfigError", issues: [] });
        }),
      ).rejects.toThrow("bad config");
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off("unhandledRejection", listener);
    }
    expect(unhandled.map((r) => (r as Error).message)).toEqual([]);
  });
});

describe("recordProgram with skipEngineExtras (as the plan runs it)", () => {
  it("a program's own error still carries its stack trace, and the SDK's promise wrapper and the stack limit are restored afterwards", async () => {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
    const before = { wrapper: debuggable.debuggablePromise, limit: Error.stackTraceLimit };
    const failure = await recordProgram(
      async () => {
        // Formatted while the run is on (V8 formats a stack on first access), then thrown.
        const error = new Error("component bug");
        void error.stack;
        throw error;
      },
      { skipEngineExtras: true },
    ).then(
      () => new Error("the program did not fail"),
      (err: unknown) => err as Error,
    );
    expect(failure.message).toBe("component bug");
    expect(failure.stack).toMatch(/^Error: component bug\n\s+at /);
    expect({ wrapper: debuggable.debuggablePromise, limit: Error.stackTraceLimit }).toEqual(before);
  });
});
