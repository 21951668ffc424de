// Runs `scripts/build.ts` when dist/ is missing or older than any file it is built from, and
// does nothing otherwise (a few hundred stat calls). `npm start`, `npm install` (prepare) and the
// tests that need dist/ go through it. Plain JavaScript: loading tsx just to find dist/ up to
// date would cost `npm start` about 0.3 s.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const INPUTS = [
  "contract",
  "server",
  "conformance",
  "fixtures",
  "scripts/build.ts",
  "tsconfig.json",
  "tsconfig.build.json",
];

/** The newest modification time under `path`, in ms (0 when it does not exist). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const built = statSync(join(ROOT, "dist", ".built"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const changed = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
if (changed > built) {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "build.ts")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (run.error !== undefined || run.status !== 0) {
    process.stderr.write(
      "dist/ is missing or older than the sources and could not be built: `npm install` brings the dev dependencies (typescript, tsx) that build it\n",
    );
    process.exit(1);
  }
}
