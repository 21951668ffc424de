/**
 * The packaging tests run what `npm pack` ships, dist/: built here once before the run when it
 * is missing or older than the sources (a few stat calls when it is not; `npm ci` builds it).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../server/config";

export default function setup(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, "scripts", "ensure-built.mjs")], { stdio: "inherit" });
}
