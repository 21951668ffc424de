import { describe, expect, it } from "vitest";
import { suggestion } from "../../server/cli-args";
import { parseConfig } from "../../server/config";

const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseConfig(argv, env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("the emulator's command line (util.parseArgs)", () => {
  it("takes a boolean alone (--admin), negated (--no-admin), with a word, or with =", () => {
    expect(parseConfig(["--no-admin"], {}).admin).toBe(false);
    expect(parseConfig(["--admin"], { VMM_EMULATOR_ADMIN: "false" }).admin).toBe(true);
    expect(parseConfig(["--admin", "false", "--port", "0"], {})).toMatchObject({ admin: false, port: 0 });
    expect(parseConfig(["--admin=0"], {}).admin).toBe(false);
    expect(parseConfig(["--log-requests", "--port", "0"], {})).toMatchObject({ logRequests: true, port: 0 });
    expect(parseConfig(["--no-hash-uploads"], {}).hashUploads).toBe(false);
  });

  it("a boolean followed by another word says which words it takes", () => {
    expect(refusal(["--admin", "yes"])).toMatch(
      /^--admin takes true, false, 1, 0, or stands alone for true\n/,
    );
  });

  it("a value outside an option's set lists the accepted values, never the value given", () => {
    const message = refusal(["--time-scale", "quickly"]);
    expect(message).toContain("--time-scale: accepts realtime, instant, or a number N > 0 (N times faster)");
    expect(message).not.toContain("quickly");
    expect(refusal(["--log-format", "yaml"])).toContain("--log-format: accepts text or json");
    expect(refusal(["--session-expired-code", "105"])).toContain(
      "--session-expired-code: accepts 119 or 106",
    );
    expect(refusal(["--https-port", "none"])).toContain(
      "--https-port: accepts a port from 0 to 65535, or off",
    );
    expect(refusal([], { VMM_EMULATOR_ADMIN: "yes" })).toContain("--admin: accepts true, false, 1 or 0");
  });

  it("suggests the option a misspelt one was meant to be, and names none when nothing is near", () => {
    expect(refusal(["--time-scal", "instant"])).toMatch(
      /^unknown option --time-scal \(did you mean --time-scale\?\)/,
    );
    expect(refusal(["--prot", "0"])).toMatch(/did you mean --port\?/);
    expect(refusal(["--no-admn"])).toMatch(/did you mean --no-admin\?/);
    expect(refusal(["--zzzzzz"])).toMatch(/^unknown option --zzzzzz\n/);
    expect(suggestion("ready", ["ready-file", "port"])).toBe("ready-file");
  });

  it("a missing value and a stray argument are usage errors that do not repeat what was typed", () => {
    expect(refusal(["--port"])).toMatch(/^option --port needs a value/);
    const stray = refusal(["--port", "0", "Secret1"]);
    expect(stray).toMatch(/^unexpected argument #3: every option starts with --/);
    expect(stray).not.toContain("Secret1");
    expect(refusal(["--admin-token=Secret2", "--bogus=Secret3"])).not.toMatch(/Secret/);
  });
});
