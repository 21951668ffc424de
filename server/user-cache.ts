/**
 * The user's cache folder, where an in-memory emulator keeps what it can reuse on its next start:
 * its HTTPS certificate and the seeded image of its fixture. `$XDG_CACHE_HOME/synology-vmm-emulator`
 * (`~/.cache/...` without the variable); `VMM_EMULATOR_CACHE=off` keeps nothing there. Whatever
 * cannot be read or written there is made in memory instead: the cache only ever saves time.
 */
import { homedir } from "node:os";
import { join } from "node:path";

export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VMM_EMULATOR_CACHE === "off") return undefined;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "synology-vmm-emulator");
}
