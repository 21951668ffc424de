/**
 * The npm client `syno` (2.2.0, the registry's newest), unchanged, against the emulator, as
 * vcsim's suite runs govc: it logs in at auth.cgi version 3 (before every call, a bug of its
 * own), reads SYNO.DSM.Info through its generated `dsm.getInfo`, calls VMM APIs through its
 * generic `dsm.request`, and logs out with an empty `session` and no sid.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

interface SynoError extends Error {
  code?: number;
}
type Callback<T> = (err: SynoError | null, data: T) => void;
interface Syno {
  dsm: {
    getInfo(cb: Callback<Record<string, unknown>>): void;
    request(
      options: {
        sessionName: string;
        api: string;
        version: number;
        path: string;
        method: string;
        params: object;
      },
      cb: Callback<Record<string, unknown>>,
    ): void;
  };
  auth: { logout(sessionName: string, cb: Callback<unknown>): void };
}
const require = createRequire(import.meta.url);
const SynoClient = require("syno") as new (options: Record<string, unknown>) => Syno;

const promised = <T>(run: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => run((err, data) => (err === null ? resolve(data) : reject(err))));

describe("npm syno 2.2.0, unchanged", () => {
  const t = useEmulator();
  const client = (passwd = "synology") => {
    const { port } = new URL(t.emu.url);
    return new SynoClient({
      protocol: "http",
      host: "127.0.0.1",
      port,
      account: "admin",
      passwd,
      apiVersion: "6.2.2",
    });
  };

  it("logs in and reads SYNO.DSM.Info through dsm.getInfo", async () => {
    const info = await promised<Record<string, unknown>>((cb) => client().dsm.getInfo(cb));
    expect(info).toMatchObject({
      model: expect.any(String),
      version_string: expect.stringMatching(/^DSM 7\./),
    });
  });

  it("lists guests and powers one on through its generic request, each call with a login of its own", async () => {
    const syno = client();
    const listed = await promised<Record<string, unknown>>((cb) =>
      syno.dsm.request(
        {
          sessionName: "DiskStationManager",
          api: "SYNO.Virtualization.API.Guest",
          version: 1,
          path: "entry.cgi",
          method: "list",
          params: {},
        },
        cb,
      ),
    );
    const names = (listed.guests as { guest_name: string }[]).map((g) => g.guest_name);
    expect(names).toContain("syno");
    await promised((cb) =>
      syno.dsm.request(
        {
          sessionName: "DiskStationManager",
          api: "SYNO.Virtualization.API.Guest.Action",
          version: 1,
          path: "entry.cgi",
          method: "poweron",
          params: { guest_name: "syno" },
        },
        cb,
      ),
    );
    const journal = await t.emu.admin.journal({ method: "login" });
    expect(journal.filter((e) => e.params.session === "DiskStationManager").length).toBeGreaterThanOrEqual(2);
    await promised((cb) => syno.auth.logout("DiskStationManager", cb));
  });

  it("sees a DSM error as the error it knows (400 for a wrong password)", async () => {
    await expect(promised((cb) => client("wrong").dsm.getInfo(cb))).rejects.toMatchObject({ code: 400 });
  });
});
