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
import { rawRequest } from "../harness";
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
      VMM_EMULATOR_ADMIN: "true",
      VMM_EMULATOR_ADMIN_OPEN: "true",
    });
    expect(image.healthcheck[0]).toBe("node");
  });

  it("the compose service's environment: healthy on GET /health, terraform logs in over HTTP and HTTPS, the control plane reachable and guarded", async () => {
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
      // The control plane answers a CI job, as moto's and WireMock's do in their images ...
      expect(line.admin).toBe(`${line.url}/__admin`);
      expect((await fetch(`${line.url}/__admin/health`)).status).toBe(200);
      expect((await fetch(`${line.url}/__admin/reset`, { method: "POST" })).status).toBe(200);
      // ... and no web page: neither another site's script nor a rebound host name.
      const crossSite = await fetch(`${line.url}/__admin/reset`, {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      });
      expect(crossSite.status).toBe(403);
      const rebound = await rawRequest(line.url, "POST", "/__admin/reset", {
        headers: { host: "evil.example" },
      });
      expect(rebound.status).toBe(403);
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

  it("with a token (a shared network) the control plane needs it; without VMM_EMULATOR_ADMIN_OPEN nor a token it refuses to start (exit 2)", async () => {
    const data = join(tmp.dir, "data-token");
    mkdirSync(data);
    const guarded = await runImage(image, app, data, { VMM_EMULATOR_ADMIN_TOKEN: "s3cret" });
    let pid: number | undefined;
    try {
      const line = await ready(guarded.proc);
      pid = line.pid;
      expect((await fetch(`${line.url}/__admin/health`)).status).toBe(401);
      const withToken = await fetch(`${line.url}/__admin/health`, {
        headers: { authorization: "Bearer s3cret" },
      });
      expect(withToken.status).toBe(200);
      expect(await guarded.health()).toBe(0);
      expect(await stop(guarded.proc, line)).toBe(0);
    } finally {
      kill(pid, guarded.proc.child.pid);
    }
    const refused = await runImage(image, app, join(tmp.dir, "data-refused"), {
      VMM_EMULATOR_ADMIN_OPEN: "false",
    });
    expect(await refused.proc.done).toBe(2);
    expect(refused.proc.stderr()).toMatch(/--admin-token: needed to serve the control plane on 0\.0\.0\.0/);
  });
});
