/**
 * The tests that need the wall clock (a delay that must last, a close that must be prompt, a
 * server timeout that must fire), kept out of `npm test` and run by `npm run soak`, or alone:
 * `npx vitest run --config test/soak/vitest.config.ts`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/soak/**/*.soak.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 20_000,
  },
});
