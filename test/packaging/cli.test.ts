/**
 * The command line as the package's bin runs it (dist/server/cli.js): `--help` and `--version`,
 * the README's table held to the options, the rules across options (a token beyond loopback,
 * the token file, HTTPS on a free port with `--port 0`), accounts from the environment, and the
 * ready file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { optionTable, parseConfig } from "../../server/config";
import { startEmulator } from "../../server/emulator";
import { CLI, kill, launch, login, ROOT, ready, scratch, stop } from "./support";

const tmp = scratch("cli");
afterAll(tmp.remove);

const cli = (args: string[], env: Record<string, string> = {}) =>
  launch(process.execPath, [CLI, ...args], { env });

describe("--help and --version", () => {
  it("--help lists every option with its variable, default and meaning, and the exit codes", async () => {
    const run = cli(["--help"]);
    expect(await run.done).toBe(0);
    const text = run.stdout();
    for (const option of optionTable()) {
      expect(option.description, option.flag).not.toBe("");
      expect(text).toContain(
        `  ${option.flag} ${option.arg}\n      ${option.env}; default: ${option.shownDefault}\n`,
      );
      expect(text).toContain(option.description);
    }
    expect(text).toMatch(/Exit codes: 0 stopped by SIGINT or SIGTERM; 1 could not start .*; 2 bad usage/s);
  });

  it("--version prints package.json's version", async () => {
    const run = cli(["--version"]);
    expect(await run.done).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(run.stdout()).toBe(`${pkg.version}\n`);
  });
});

describe("docs/configuration.md's table", () => {
  it("has one row per option, in order, with its placeholder, variable and default as --help shows them", () => {
    const readme = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Configuration\n"));
    const rows = section
      .split("\n")
      .filter((l) => l.startsWith("| `--"))
      .map((l) =>
        l
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim().replace(/\\\|/g, "|").replace(/`/g, "")),
      );
    expect(rows.map(([flag, env, shown]) => ({ flag, env, shown }))).toEqual(
      optionTable().map((o) => ({ flag: `${o.flag} ${o.arg}`, env: o.env, shown: o.shownDefault })),
    );
  });
});

describe("rules across options", () => {
  it("--port 0 gives HTTPS a free port too; a given --https-port wins, and 5001 stays the default", () => {
    expect(parseConfig(["--port", "0"], {}).httpsPort).toBe(0);
    expect(parseConfig(["--port", "0", "--https-port", "off"], {}).httpsPort).toBe("off");
    expect(parseConfig([], {}).httpsPort).toBe(5001);
  });

  it("the control plane beyond loopback needs a token: refused without one, not with a token or --admin false", () => {
    expect(() => parseConfig(["--host", "0.0.0.0"], {})).toThrow(
      /--admin-token: needed to serve the control plane on 0\.0\.0\.0/,
    );
    expect(parseConfig(["--host", "0.0.0.0", "--admin-token", "t"], {}).adminToken).toBe("t");
    expect(parseConfig(["--host", "0.0.0.0"], { VMM_EMULATOR_ADMIN: "false" }).admin).toBe(false);
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
      expect(parseConfig(["--host", host], {}).adminToken).toBeUndefined();
  });

  it("--admin-token-file reads the token without its newline; beside --admin-token it is refused", () => {
    const file = join(tmp.dir, "token");
    writeFileSync(file, "from-a-file\n");
    const config = parseConfig(["--host", "0.0.0.0"], { VMM_EMULATOR_ADMIN_TOKEN_FILE: file });
    expect(config).toMatchObject({ adminToken: "from-a-file", adminTokenFile: undefined });
    expect(() => parseConfig(["--admin-token-file", file, "--admin-token", "x"], {})).toThrow(/not both/);
    expect(() => parseConfig(["--admin-token-file", join(tmp.dir, "missing")], {})).toThrow(
      /--admin-token-file: ENOENT/,
    );
  });

  it("--accounts reads name:password[:admin|:user], and no message repeats a password", () => {
    expect(
      parseConfig([], { VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin,ci:a:b:user,ro:pw" }).accounts,
    ).toEqual([
      { name: "terraform", password: "Syn0logy", admin: true },
      { name: "ci", password: "a:b", admin: false },
      { name: "ro", password: "pw", admin: false },
    ]);
    const refusal = (() => {
      try {
        parseConfig(["--accounts", "no-colon-Secret1,x:Secret2,x:Secret3"], {});
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(refusal).toMatch(/--accounts: entry 1 is not name:password/);
    expect(refusal).toMatch(/--accounts: account x is given twice/);
    expect(refusal).not.toMatch(/Secret/);
    expect(() => parseConfig(["--acounts=x:Secret4"], {})).toThrow(
      /^unknown option --acounts \(did you mean --accounts\?\)\n/,
    );
    expect(() => parseConfig(["--acounts=x:Secret4"], {})).not.toThrow(/Secret4/);
  });
});

describe("accounts from the environment", () => {
  it("VMM_EMULATOR_ACCOUNTS adds terraform/Syn0logy as an administrator and replaces the fixture's admin", async () => {
    const config = parseConfig(["--db", ":memory:", "--port", "0", "--https-port", "off"], {
      VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin,admin:changed",
    });
    const emu = await startEmulator(config);
    try {
      expect((await login(emu.url, "terraform", "Syn0logy")).success).toBe(true);
      expect((await login(emu.url, "admin", "synology")).error?.code).toBe(400);
      expect((await login(emu.url, "admin", "changed")).success).toBe(true);
      const accounts = (await emu.admin.state()).accounts;
      expect(accounts.find((a) => a.name === "terraform")).toMatchObject({ is_admin: true, otp: false });
      // Replaced whole: the fixture's admin was an administrator, the entry says user.
      expect(accounts.find((a) => a.name === "admin")).toMatchObject({ is_admin: false });
      expect(accounts.map((a) => a.name)).toContain("viewer");
      // Only a hash reaches the database.
      const hash = emu.db
        .prepare("SELECT password_hash FROM accounts WHERE name = 'terraform'")
        .pluck()
        .get();
      expect(String(hash)).not.toContain("Syn0logy");
      // A reset goes back to the fixture as seeded, accounts included.
      await emu.admin.reset();
      expect((await login(emu.url, "terraform", "Syn0logy")).success).toBe(true);
    } finally {
      await emu.close();
    }
  });
});

describe("the compiled CLI", () => {
  it("--ready-file holds the stdout line once listening, replaces a stale one, and is gone after SIGTERM", async () => {
    const file = join(tmp.dir, "ready.json");
    writeFileSync(file, '{"event":"listening","url":"http://stale"}\n');
    const run = cli(["--port", "0", "--db", ":memory:", "--ready-file", file]);
    let pid: number | undefined;
    try {
      const line = await ready(run);
      pid = line.pid;
      expect(readFileSync(file, "utf8")).toBe(`${run.stdout().split("\n")[0]}\n`);
      expect(line.https).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await login(line.url)).success).toBe(true);
      expect(await stop(run, line)).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      kill(pid, run.child.pid);
    }
  });

  it("refuses --host 0.0.0.0 with the control plane on and no token: exit 2, saying what to set", async () => {
    const run = cli(["--host", "0.0.0.0", "--port", "0", "--db", ":memory:"]);
    expect(await run.done).toBe(2);
    expect(run.stderr()).toMatch(/--admin-token: needed .* or --admin false\)/);
    expect(run.stdout()).toBe("");
  });
});
