/**
 * The tests that need the wall clock (a delay that must last, a close that must be prompt, a
 * server timeout that must fire) and the packaging checks at full length
 * (test/packaging/full.soak.ts), kept out of `npm test` and run by `npm run soak`, or alone:
 * `npx vitest run --config test/soak/vitest.config.ts`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/soak/**/*.soak.ts", "test/packaging/**/*.soak.ts"],
    // test/packaging/full.soak.ts packs dist/: built first if stale, as for npm test.
    globalSetup: ["test/packaging/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 20_000,
  },
});
