/**
 * A preload for the server under test (`node --import tsx --import ./bench/cpu-profile.ts ...`):
 * the first SIGUSR2 starts V8's CPU profiler, the next one stops it and writes the profile to
 * the file named by VMM_BENCH_PROFILE_FILE. Unlike `--cpu-prof`, start-up (module loading,
 * seeding) stays out of the profile: only the load in between is in it.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.VMM_BENCH_PROFILE_FILE;
if (file !== undefined) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.enable", () => session.post("Profiler.start"));
      return;
    }
    running = false;
    session.post("Profiler.stop", (err, result) => {
      if (err === null) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
