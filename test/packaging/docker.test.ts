/**
 * The Dockerfile, without a Docker engine (none runs on these machines): its shape, then its run
 * stage on this project's own build (dist/ and node_modules linked in, where the image copies
 * the build stage's) with the environment of docs/packaging.md's compose service, started as
 * its CMD and checked with its HEALTHCHECK. test/packaging/full.soak.ts runs the build stage too.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeEnvironment, parseDockerfile, runImage, runStage } from "./dockerfile";
import { insecure, kill, login, ROOT, ready, scratch, stop } from "./support";

const image = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const tmp = scratch("docker");
/** The run stage's /app: what its COPY steps make of this project's build. */
const app = join(tmp.dir, "run", "app");
beforeAll(() => {
  const [, runStep] = image.stages;
  if (runStep === undefined) throw new Error("no run stage");
  // The build stage's /app is this project, built (global setup) and installed.
  const built = join(tmp.dir, "build");
  mkdirSync(built);
  symlinkSync(ROOT, join(built, "app"));
  runStage(runStep, join(tmp.dir, "run"), { built: { build: built }, link: true });
});
afterAll(tmp.remove);

describe("the Dockerfile", () => {
  it("builds in one stage and runs from another: production dependencies and dist/ only, as node", () => {
    expect(image.stages.map((s) => s.name)).toEqual(["build", undefined]);
    const [build, run] = image.stages;
    expect(build?.steps.filter((s) => s.instruction === "RUN").at(-1)?.args).toMatch(
      /npm run build && npm prune --omit=dev/,
    );
    expect(run?.steps.filter((s) => s.instruction === "COPY").map((s) => s.args)).toEqual([
      "--from=build /app/package.json ./",
      "--from=build /app/node_modules ./node_modules",
      "--from=build /app/dist ./dist",
    ]);
    expect(image.user).toBe("node");
    expect(image.exposed).toEqual(["5000", "5001"]);
    expect(image.volumes).toEqual(["/data"]);
    expect(image.env).toMatchObject({
      VMM_EMULATOR_HOST: "0.0.0.0",
      VMM_EMULATOR_DB: "/data/emulator.sqlite",
      VMM_EMULATOR_ADMIN: "false",
    });
    expect(image.healthcheck[0]).toBe("node");
  });

  it("the compose service's environment: healthy on GET /, terraform logs in over HTTP and HTTPS, no control plane", async () => {
    expect(composeEnvironment()).toMatchObject({ VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin" });
    const data = join(tmp.dir, "data");
    mkdirSync(data);
    const { proc, health } = await runImage(image, app, data, composeEnvironment());
    let pid: number | undefined;
    try {
      const line = await ready(proc);
      pid = line.pid;
      expect(await health()).toBe(0);
      expect((await login(line.url, "terraform", "Syn0logy")).success).toBe(true);
      expect((await login(line.https ?? "", "terraform", "Syn0logy")).success).toBe(true);
      expect((await undiciFetch(`${line.https}/`, { dispatcher: insecure })).status).toBe(200);
      expect((await fetch(`${line.url}/__admin/state`)).status).toBe(404);
      expect(line.admin).toBeNull();
      // State and the self-signed certificate on the volume.
      expect(existsSync(join(data, "emulator.sqlite"))).toBe(true);
      expect(existsSync(join(data, "tls-cert.pem"))).toBe(true);
      expect(await stop(proc, line)).toBe(0);
      // Stopped: the health check fails.
      expect(await health()).toBe(1);
    } finally {
      kill(pid, proc.child.pid);
    }
  });

  it("turning the control plane on without a token refuses to start (exit 2), as beyond loopback anywhere", async () => {
    const data = join(tmp.dir, "data-admin");
    mkdirSync(data);
    const refused = await runImage(image, app, data, { VMM_EMULATOR_ADMIN: "true" });
    expect(await refused.proc.done).toBe(2);
    expect(refused.proc.stderr()).toMatch(/--admin-token: needed to serve the control plane on 0\.0\.0\.0/);
  });
});
