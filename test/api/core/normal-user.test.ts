/** SYNO.Core.NormalUser get: the Terraform provider's session probe, replayed as go-synology sends it. */
import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";

describe("SYNO.Core.NormalUser get", () => {
  const t = useEmulator();

  async function probe(sid: string, token: string) {
    // go-synology's body: an extra capital-M `Method=get` beside `method=get`, keys sorted byte-wise.
    return t.emu.post(
      "entry.cgi/SYNO.Core.NormalUser",
      {
        Method: "get",
        SynoToken: token,
        _sid: sid,
        api: "SYNO.Core.NormalUser",
        method: "get",
        version: "1",
      },
      { headers: { "X-Syno-Token": token, cookie: `did=; id=${sid}` } },
    );
  }

  it("answers the session's account with the recorded keys and a non-empty username", async () => {
    const login = expectSuccess(
      await t.emu.get("entry.cgi", {
        account: "admin",
        api: "SYNO.API.Auth",
        enable_syno_token: "yes",
        format: "sid",
        method: "login",
        passwd: "synology",
        timezone: "+00:00",
        version: "7",
      }),
    );
    const data = expectSuccess(await probe(String(login.sid), String(login.synotoken)));
    expect(data).toEqual({
      OTP_enable: false,
      OTP_enforced: false,
      disallowchpasswd: false,
      editable: true,
      email: "admin@emulator.invalid",
      fullname: "Administrator",
      password_last_change: expect.any(Number),
      username: "admin",
    });
  });

  it("answers 119 for an expired session, which the provider reads as 'log in again'", async () => {
    const sid = await t.emu.login();
    t.emu.clock.advance(901_000);
    expectDsmError(await probe(sid, ""), 119);
  });

  it("is answered for any account (version 2 too), not only administrators", async () => {
    const sid = await t.emu.login("viewer", "viewer-pass");
    const data = expectSuccess(
      await t.emu.get("entry.cgi", { api: "SYNO.Core.NormalUser", version: "2", method: "get", _sid: sid }),
    );
    expect(data.username).toBe("viewer");
  });
});
