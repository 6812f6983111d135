import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Pulumi's runtime keeps global state (mocks, stack resource): every test file gets its own
    // process so one file's mocks can never leak into another's.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
