/**
 * The package as another project gets it (test/packaging/consumer.ts): `npm pack`, the tarball
 * installed into a fresh folder without our dev dependencies, and from there plain `node`
 * imports and requires it, `npx synology-vmm-emulator --port 0 --db :memory:` answers a login,
 * and a consumer's file type-checks under `NodeNext` and `Bundler`.
 *
 * The cheap way, for npm test: the install takes the better-sqlite3 binary this project built,
 * and the type check skips the libraries' own .d.ts (checking zod's costs 9 s a run) with
 * `@ts-expect-error` lines that catch a type decaying to `any`. test/packaging/full.soak.ts does
 * it all for real (install scripts, every .d.ts checked, vitest and jest consumers).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSUMER_TS, type Consumer, consumerTsconfig, docSnippets, makeConsumer, TSC } from "./consumer";
import { parseDockerfile } from "./dockerfile";
import { kill, launch, login, ready, stop } from "./support";

let consumer: Consumer;
beforeAll(async () => {
  consumer = await makeConsumer({ scripts: false });
}, 60_000);
afterAll(() => consumer?.remove());

// Each test only reads the installed folder (or writes its own files): they run side by side.
describe.concurrent("the packed package, installed in another project", () => {
  it("holds the compiled code, its types and the fixtures, and none of the sources, tests or dev dependencies", () => {
    const pkg = join(consumer.dir, "node_modules", "synology-vmm-emulator");
    for (const file of [
      "dist/server/index.js",
      "dist/server/index.d.ts",
      "dist/server/cli.js",
      "dist/conformance/index.d.ts",
      "dist/fixtures/default.json",
      "dist/server/dashboard/assets/dashboard.js",
      "dist/conformance/expectations/emulator.json",
      "README.md",
    ])
      expect(existsSync(join(pkg, file)), file).toBe(true);
    for (const file of ["test", "bench", "dist/.built", "server/app.test.ts", "data"])
      expect(existsSync(join(pkg, file)), file).toBe(false);
    for (const dev of ["tsx", "typescript", "vitest", "@biomejs/biome"])
      expect(existsSync(join(consumer.dir, "node_modules", dev)), dev).toBe(false);
  });

  it("holds LICENSE, the Dockerfile and everything its build stage copies (startEmulatorContainer builds from it)", () => {
    const pkg = join(consumer.dir, "node_modules", "synology-vmm-emulator");
    expect(readFileSync(join(pkg, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    const [build] = parseDockerfile(readFileSync(join(pkg, "Dockerfile"), "utf8")).stages;
    const sources = (build?.steps ?? [])
      .filter((s) => s.instruction === "COPY" && !s.args.startsWith("--from="))
      .flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    expect(sources).toContain("server");
    // A `*` source may match nothing (package-lock.json*: npm never packs a lock file).
    const missing = sources.filter((source) => !source.includes("*") && !existsSync(join(pkg, source)));
    expect(missing).toEqual([]);
    expect(readFileSync(join(pkg, ".dockerignore"), "utf8")).toContain("node_modules");
  });

  it("every relative link of its README and docs resolves inside the package", () => {
    const pkg = join(consumer.dir, "node_modules", "synology-vmm-emulator");
    const files = [
      "README.md",
      ...readdirSync(join(pkg, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    expect(files.length).toBeGreaterThan(10);
    const links = files.flatMap((file) =>
      [...readFileSync(join(pkg, file), "utf8").matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1] ?? "")
        .filter((target) => !/^[a-z]+:/i.test(target))
        .map((target) => ({ file, target })),
    );
    expect(links.length).toBeGreaterThan(20);
    const broken = links.filter(({ file, target }) => !existsSync(join(pkg, dirname(file), target)));
    expect(broken).toEqual([]);
  });

  it("leaves the consumer's globals as they were, even after making an HTTPS certificate", async () => {
    const out = await consumer.exec(process.execPath, [
      "--input-type=module",
      "-e",
      `const before = { global: Object.getOwnPropertyNames(globalThis).sort(), reflect: Reflect.ownKeys(Reflect).map(String).sort() };
       const { startEmulator } = await import("synology-vmm-emulator");
       const emu = await startEmulator({ httpsPort: 0 });
       const after = { global: Object.getOwnPropertyNames(globalThis).sort(), reflect: Reflect.ownKeys(Reflect).map(String).sort() };
       await emu.close();
       console.log(JSON.stringify({ before, after, pin: emu.publicKeyPin }));`,
    ]);
    const { before, after, pin } = JSON.parse(out.trim().split("\n").pop() ?? "") as {
      before: { global: string[]; reflect: string[] };
      after: { global: string[]; reflect: string[] };
      pin: string;
    };
    expect(pin).toMatch(/^sha256\/\//);
    // No Reflect metadata polyfill (what @peculiar/x509 needed) and no global of ours. zod 4
    // keeps its config and registry on globalThis for every copy of zod in a process (the
    // consumer's too) as soon as any code imports it: those two are zod's, and the options'
    // help sits in a registry of its own, not in that shared one.
    expect(after.reflect).toEqual(before.reflect);
    expect(after.global.filter((name) => !before.global.includes(name))).toEqual([
      "__zod_globalConfig",
      "__zod_globalRegistry",
    ]);
    expect(before.global.filter((name) => !after.global.includes(name))).toEqual([]);
  });

  it("plain node imports it (ESM), requires it (Node 20.19's require of ESM) and loads the kit", async () => {
    const out = await consumer.exec(process.execPath, [
      "--input-type=module",
      "-e",
      `import { startEmulator } from "synology-vmm-emulator";
       import { DsmClient } from "synology-vmm-emulator/conformance";
       import { createRequire } from "node:module";
       const emu = await startEmulator({ timeScale: "instant" });
       const res = await fetch(emu.url + "/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology&format=sid");
       const required = createRequire(import.meta.url)("synology-vmm-emulator");
       console.log(JSON.stringify({ login: (await res.json()).success, client: typeof DsmClient, required: typeof required.startEmulator }));
       await emu.close();`,
    ]);
    expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual({
      login: true,
      client: "function",
      required: "function",
    });
  });

  it("`npx synology-vmm-emulator --port 0 --db :memory:` answers a login and stops with 0 on SIGTERM", async () => {
    const run = launch("npx", ["synology-vmm-emulator", "--port", "0", "--db", ":memory:"], {
      cwd: consumer.dir,
    });
    let pid: number | undefined;
    try {
      const line = await ready(run);
      pid = line.pid;
      expect((await login(line.url)).success).toBe(true);
      expect((await fetch(`${line.url}/`)).status).toBe(200);
      expect(await stop(run, line)).toBe(0);
    } finally {
      kill(pid, run.child.pid);
    }
  });

  it("the short alias runs the same command, and the kit's command is there too", () => {
    const bin = (name: string) => realpathSync(join(consumer.dir, "node_modules", ".bin", name));
    expect(bin("vmm-emulator")).toBe(bin("synology-vmm-emulator"));
    expect(bin("vmm-conformance")).toMatch(/dist\/conformance\/cli\.js$/);
  });

  it("a consumer's file and the docs' snippets type-check with moduleResolution NodeNext and with Bundler", async () => {
    consumer.write("consumer.ts", CONSUMER_TS);
    const snippets = docSnippets();
    expect(Object.keys(snippets).length).toBeGreaterThanOrEqual(4);
    for (const [name, code] of Object.entries(snippets)) consumer.write(name, code);
    for (const resolution of ["NodeNext", "Bundler"] as const)
      consumer.write(
        `tsconfig.${resolution}.json`,
        consumerTsconfig(resolution, true, Object.keys(snippets)),
      );
    // One build-mode run checks both: they share the parsed files (2.3 s where two runs take 3.8 s).
    await expect(
      consumer.exec(process.execPath, [TSC, "-b", "tsconfig.NodeNext.json", "tsconfig.Bundler.json"]),
    ).resolves.toBe("");
    // tsc over two configurations: 9 s alone, over 20 s beside the other packaging files on 2 cores.
  }, 60_000);
});
