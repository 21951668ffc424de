import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests that need the wall clock are test/soak/*.soak.ts, run by `npm run soak`, not here.
    include: ["test/**/*.test.ts", "server/**/*.test.ts", "conformance/**/*.test.ts"],
    // The packaging tests (test/packaging) run the compiled package: dist/ is built first if stale.
    globalSetup: ["test/packaging/global-setup.ts"],
    // Every test starts its own emulators on port 0 with :memory: state: files can run in parallel.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
