/**
 * The packaging checks at full length, for `npm run soak` (several minutes: better-sqlite3 is
 * compiled three times, as these machines cannot download its prebuilt binary):
 *
 * - the tarball installed with its install scripts, every `.d.ts` type-checked (no
 *   skipLibCheck), and the vitest, jest and pytest recipes of docs/packaging.md run in it;
 * - the README's recipe for another language's CI from a real `git clone` of this project
 *   (its last commit: uncommitted changes are not in a clone) and `npm ci`;
 * - both stages of the Dockerfile in a scratch folder, then the image's CMD as in npm test.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSUMER_TS, type Consumer, consumerTsconfig, makeConsumer, TSC } from "./consumer";
import { composeEnvironment, parseDockerfile, runImage, runStage } from "./dockerfile";
import { bash, ciRecipe, kill, login, ROOT, ready, recipe, scratch, stop } from "./support";

const MINUTES = 60_000;
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
    .version;

describe("the tarball installed with its scripts", () => {
  let consumer: Consumer;
  beforeAll(async () => {
    // The consumer's own test runners: vitest as this project has it, jest 30 from the registry.
    consumer = await makeConsumer({ scripts: true, extra: [`vitest@${version("vitest")}`, "jest@30"] });
  }, 15 * MINUTES);
  afterAll(() => consumer?.remove());

  it.each(["NodeNext", "Bundler"] as const)(
    "a consumer's file type-checks with moduleResolution %s, every .d.ts checked",
    async (resolution) => {
      consumer.write("consumer.ts", CONSUMER_TS);
      consumer.write(`tsconfig.${resolution}.json`, consumerTsconfig(resolution, false));
      await expect(consumer.exec(process.execPath, [TSC, "-p", `tsconfig.${resolution}.json`])).resolves.toBe(
        "",
      );
    },
    2 * MINUTES,
  );

  it(
    "the vitest recipe passes",
    async () => {
      consumer.write("vmm.test.ts", recipe("docs/packaging.md", "vitest"));
      const out = await consumer.exec(process.execPath, [
        "node_modules/vitest/vitest.mjs",
        "run",
        "vmm.test.ts",
      ]);
      expect(out).toMatch(/1 passed/);
    },
    2 * MINUTES,
  );

  it(
    "the jest recipe passes in jest's ES-module mode",
    async () => {
      const pkg = JSON.parse(readFileSync(join(consumer.dir, "package.json"), "utf8"));
      consumer.write(
        "package.json",
        JSON.stringify({ ...pkg, ...JSON.parse(recipe("docs/packaging.md", "jest-config")) }),
      );
      consumer.write("vmm.jest.test.js", recipe("docs/packaging.md", "jest"));
      const out = await consumer.exec("npm", ["test", "--", "vmm.jest.test.js"]);
      expect(out).toMatch(/Tests:\s+1 passed/);
    },
    2 * MINUTES,
  );

  it(
    "the pytest recipe's fixture starts the emulator through npx",
    async () => {
      consumer.write("conftest.py", recipe("docs/packaging.md", "pytest"));
      consumer.write(
        "test_vmm.py",
        [
          "import json, urllib.request",
          "",
          "def test_login(vmm_emulator):",
          '    url = vmm_emulator["url"] + "/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology&format=sid"',
          '    assert json.load(urllib.request.urlopen(url))["success"] is True',
          "",
        ].join("\n"),
      );
      const out = await consumer.exec("python3", [
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "test_vmm.py",
      ]);
      expect(out).toMatch(/1 passed/);
    },
    2 * MINUTES,
  );
});

describe("the README's recipe for another language's CI, from a real clone", () => {
  const tmp = scratch("ci-clone");
  afterAll(tmp.remove);

  it(
    "clones, installs, starts, serves a login and stops",
    async () => {
      const run = await bash(
        ciRecipe(`git clone "${ROOT}" vmm-emulator && (cd vmm-emulator && npm ci)`),
        tmp.dir,
      );
      expect(run.code, run.output).toBe(0);
      expect(JSON.parse(readFileSync(join(tmp.dir, "login.json"), "utf8"))).toMatchObject({ success: true });
    },
    15 * MINUTES,
  );
});

describe("both stages of the Dockerfile", () => {
  const tmp = scratch("docker-full");
  afterAll(tmp.remove);

  it(
    "builds, prunes, and the run stage is healthy with the compose service's environment",
    async () => {
      const image = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
      const [build, run] = image.stages;
      if (build === undefined || run === undefined) throw new Error("two stages expected");
      const log: string[] = [];
      runStage(build, join(tmp.dir, "build"), { log: (l) => log.push(l) });
      expect(log).toEqual([expect.stringMatching(/^skipped RUN apt-get/)]);
      runStage(run, join(tmp.dir, "run"), {
        built: { build: join(tmp.dir, "build") },
        log: (l) => log.push(l),
      });
      // Pruned: no dev dependency reached the run stage.
      for (const dev of ["tsx", "typescript", "vitest"])
        expect(() =>
          readFileSync(join(tmp.dir, "run", "app", "node_modules", dev, "package.json")),
        ).toThrow();
      // The volume (its RUN mkdir is skipped with the chown).
      const data = join(tmp.dir, "data");
      mkdirSync(data);
      const { proc, health } = await runImage(image, join(tmp.dir, "run", "app"), data, composeEnvironment());
      let pid: number | undefined;
      try {
        const line = await ready(proc);
        pid = line.pid;
        expect(await health()).toBe(0);
        expect((await login(line.https ?? "", "terraform", "Syn0logy")).success).toBe(true);
        expect(await stop(proc, line)).toBe(0);
      } finally {
        kill(pid, proc.child.pid);
      }
    },
    20 * MINUTES,
  );
});
