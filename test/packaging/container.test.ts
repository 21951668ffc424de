/**
 * `startEmulatorContainer` without Docker (no engine runs on the development machines): its
 * wiring against a stand-in of `testcontainers` that records each call, and the peer
 * dependency it declares. That the package holds the Dockerfile and all it copies is checked on
 * the packed tarball (test/packaging/pack.test.ts); that the image's steps work, by
 * test/packaging/docker.test.ts. What stays unproven here: a real build and start by Docker.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config";
import {
  startEmulatorContainer,
  TESTCONTAINERS_RANGE,
  type TestcontainersModule,
} from "../../server/container";

function standIn() {
  const calls: unknown[][] = [];
  let stopped = 0;
  const container = {
    withEnvironment(env: Record<string, string>) {
      calls.push(["withEnvironment", env]);
      return container;
    },
    withExposedPorts(...ports: number[]) {
      calls.push(["withExposedPorts", ...ports]);
      return container;
    },
    withWaitStrategy(strategy: unknown) {
      calls.push(["withWaitStrategy", strategy]);
      return container;
    },
    async start() {
      calls.push(["start"]);
      return {
        getHost: () => "docker.local",
        getMappedPort: (port: number) => port + 40000,
        stop: async () => {
          stopped++;
        },
      };
    },
  };
  const tc: TestcontainersModule = {
    GenericContainer: {
      fromDockerfile(context: string, dockerfile?: string) {
        calls.push(["fromDockerfile", context, dockerfile]);
        return {
          build: async (image?: string) => {
            calls.push(["build", image]);
            return container;
          },
        };
      },
    },
    Wait: { forHttp: (path: string, port: number) => ({ path, port }) },
  };
  return { tc, calls, stopped: () => stopped };
}

describe("startEmulatorContainer (Testcontainers), wired against a stand-in", () => {
  it("builds from the package's own Dockerfile, maps 5000 and 5001, waits for /health and answers the URLs", async () => {
    const { tc, calls, stopped } = standIn();
    const dsm = await startEmulatorContainer({
      testcontainers: tc,
      image: "vmm:test",
      env: { VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin", VMM_EMULATOR_ADMIN_TOKEN: "t0k" },
    });
    expect(calls).toEqual([
      ["fromDockerfile", PROJECT_ROOT, "Dockerfile"],
      ["build", "vmm:test"],
      [
        "withEnvironment",
        {
          VMM_EMULATOR_TIME_SCALE: "instant",
          VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin",
          VMM_EMULATOR_ADMIN_TOKEN: "t0k",
        },
      ],
      ["withExposedPorts", 5000, 5001],
      ["withWaitStrategy", { path: "/health", port: 5000 }],
      ["start"],
    ]);
    expect(existsSync(join(PROJECT_ROOT, "Dockerfile"))).toBe(true);
    expect(dsm.url).toBe("http://docker.local:45000");
    expect(dsm.httpsUrl).toBe("https://docker.local:45001");
    // The control plane's client carries the token the container was given.
    const seen: (string | null)[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (request: Request) => {
      seen.push(request.headers.get("authorization"));
      return Response.json({ reset: true });
    }) as typeof fetch;
    try {
      await dsm.admin.reset();
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toEqual(["Bearer t0k"]);
    await dsm.stop();
    expect(stopped()).toBe(1);
  });

  it("without testcontainers installed, says which version to install", async () => {
    await expect(startEmulatorContainer()).rejects.toThrow(
      `npm install -D testcontainers@${TESTCONTAINERS_RANGE}`,
    );
  });

  it("declares testcontainers an optional peer, of the range the helper is written for (11: 12 needs Node 22)", () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
      dependencies: Record<string, string>;
      exports: Record<string, unknown>;
    };
    expect(pkg.peerDependencies.testcontainers).toBe(TESTCONTAINERS_RANGE);
    expect(pkg.peerDependenciesMeta.testcontainers?.optional).toBe(true);
    expect(pkg.dependencies.testcontainers).toBeUndefined();
    expect(pkg.exports["./container"]).toBeDefined();
  });
});
