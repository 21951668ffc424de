/**
 * The views the model derives once for both dialects: a guest's colour (one answer per status,
 * the same in the guest's own object and in the cluster's count), whether the cluster is frozen,
 * and an image's size in bytes.
 */
import { describe, expect, it } from "vitest";
import { GUEST_STATUSES } from "../../contract/statuses";
import { freezeOf } from "../../server/model/cluster";
import { guestHealth, hostHealth, storageHealth } from "../../server/model/health";
import { imageBytes } from "../../server/model/images";
import { bytesFromMib } from "../../server/model/units";
import { expectSuccess, fixtureWith, useEmulator } from "../harness";

describe("derived views", () => {
  it("colours every guest status: crashed is an error, unreachable or unnamed states are warnings", () => {
    const colours = Object.fromEntries(GUEST_STATUSES.map((s) => [s, guestHealth(s)]));
    expect(colours).toMatchObject({
      crashed: "error",
      inaccessible: "warning",
      unknown: "warning",
      undefined: "warning",
      running: "healthy",
      shutdown: "healthy",
      booting: "healthy",
    });
    expect(hostHealth("inaccessible")).toBe("error");
    expect(hostHealth("network_warn")).toBe("warning");
    expect(storageHealth("missing")).toBe("error");
    expect(storageHealth("degraded")).toBe("warning");
  });

  it("freezes the cluster when more than half of the hosts are offline, not at exactly half", () => {
    expect(freezeOf(["running", "inaccessible"])).toEqual({ offline: 1, frozen: false });
    expect(freezeOf(["inaccessible", "inaccessible", "running"])).toEqual({ offline: 2, frozen: true });
    expect(freezeOf([])).toEqual({ offline: 0, frozen: false });
  });

  it("gives an image's size as its uploaded byte count, else its MiB in bytes", () => {
    const image = {
      image_id: "i",
      image_name: "n",
      type: "disk",
      state: "ready",
      ds_file_path: "/p",
    } as const;
    expect(imageBytes({ ...image, size: 3, bytes: null, sha256: null })).toBe(bytesFromMib(3));
    expect(imageBytes({ ...image, size: 3, bytes: 12, sha256: null })).toBe(12);
  });
});

describe("the internal dialect's colours over HTTP", () => {
  // One guest of each colour: crashed (error), inaccessible (warning), the others healthy.
  const t = useEmulator({
    fixtureData: fixtureWith((f) => {
      const [first, second] = f.guests;
      if (first === undefined || second === undefined) throw new Error("the fixture has two guests");
      first.status = "crashed";
      second.status = "inaccessible";
    }),
  });
  const call = (api: string, method: string) =>
    t.emu.get("entry.cgi", { api, version: "2", method, _sid: t.sid });

  it("Cluster get counts each guest under the colour the guest's own status_type shows", async () => {
    const guests = expectSuccess(await call("SYNO.Virtualization.Guest", "list")).guests as {
      status_type: string;
    }[];
    const count = (colour: string) => guests.filter((g) => g.status_type === colour).length;
    const summary = expectSuccess(await call("SYNO.Virtualization.Cluster", "get")).guest_summ;
    expect(summary).toMatchObject({
      error: count("error"),
      healthy: count("healthy"),
      warning: count("warning"),
    });
    expect([count("error"), count("warning")]).toEqual([1, 1]);
  });
});
