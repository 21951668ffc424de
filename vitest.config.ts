import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests that need the wall clock are test/soak/*.soak.ts, run by `npm run soak`, not here.
    include: ["test/**/*.test.ts", "server/**/*.test.ts", "conformance/**/*.test.ts"],
    // The packaging tests (test/packaging) run the compiled package: dist/ is built first if stale.
    globalSetup: ["test/packaging/global-setup.ts"],
    // Every test starts its own emulators on port 0 with :memory: state: files can run in parallel.
    pool: "forks",
    // Vitest's default is one fewer worker than processors: one on a 2-core CI machine. Many
    // files mostly wait (child processes, Chromium, sockets), so at least three workers keep
    // both cores busy: the suite takes about 95 s instead of 170 s there. Larger machines keep
    // vitest's default.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
