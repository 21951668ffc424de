/**
 * The internal dialect's changes: `set` in go-synology's form and the web UI's, ISO mounting as
 * state both dialects see, `pwr_ctl` with its internal codes and a real reboot; the same rules
 * as the guide's API (no resize while running, names unique).
 */
import { describe, expect, it } from "vitest";
import { GUESTS, IMAGES } from "../../fixture-ids";
import { expectDsmError, expectSuccess, statusOf, useEmulator } from "../../harness";

describe("internal Guest set", () => {
  const t = useEmulator({}, { each: true });
  const set = (params: Record<string, string>) =>
    t.emu.post("entry.cgi/SYNO.Virtualization.Guest", {
      SynoToken: "",
      _sid: t.sid,
      api: "SYNO.Virtualization.Guest",
      method: "set",
      version: "1",
      ...params,
    });
  const internalGuest = async (id: string) =>
    expectSuccess(
      await t.emu.get("entry.cgi", {
        api: "SYNO.Virtualization.Guest",
        version: "2",
        method: "get",
        _sid: t.sid,
        guest_id: id,
      }),
    );

  it("refuses go-synology's call after a create (guest_name empty) with 401, as DSM did (provider issue #203), changing nothing", async () => {
    const before = await internalGuest(GUESTS.syno.id);
    const refused = await set({
      autorun: "0",
      guest_id: GUESTS.syno.id,
      guest_name: "",
      iso_images: "null",
      vcpu_num: "4",
      vram_size: "4096",
    });
    expectDsmError(refused, 401);
    expect(refused.text).toBe('{"error":{"code":401},"success":false}');
    expect(await internalGuest(GUESTS.syno.id)).toEqual(before);
    // JSON-quoted empty is empty too.
    expectDsmError(await set({ guest_id: GUESTS.syno.id, guest_name: '""', vcpu_num: "2" }), 401);
  });

  it("takes the same call with the guest's own name: iso_images=null, autorun=0, vram_size in MB", async () => {
    expectSuccess(
      await set({
        autorun: "0",
        guest_id: GUESTS.syno.id,
        guest_name: GUESTS.syno.name,
        iso_images: "null",
        vcpu_num: "4",
        vram_size: "4096",
      }),
    );
    const g = await internalGuest(GUESTS.syno.id);
    expect([g.name, g.vcpu_num, g.vram_size, g.autorun]).toEqual([GUESTS.syno.name, 4, 4096 * 1024, 0]);
    const pub = expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_id: GUESTS.syno.id }));
    expect([pub.vcpu_num, pub.vram_size]).toEqual([4, 4096]);
    // Without guest_name at all (the web UI's form names the guest by id only) it applies too.
    expectSuccess(await set({ guest_id: GUESTS.syno.id, vcpu_num: "2" }));
    expect((await internalGuest(GUESTS.syno.id)).vcpu_num).toBe(2);
  });

  it("mounts ISO images in two slots, seen by the internal list, and unmounts them", async () => {
    expectSuccess(
      await set({
        autorun: "0",
        guest_id: GUESTS.syno.id,
        guest_name: GUESTS.syno.name,
        iso_images: JSON.stringify([IMAGES.iso.id, "unmounted"]),
      }),
    );
    expect((await internalGuest(GUESTS.syno.id)).iso_images).toEqual([IMAGES.iso.id, "unmounted"]);
    // An ISO in use cannot be deleted.
    expectDsmError(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_id: IMAGES.iso.id }), 402);
    expectSuccess(await set({ guest_id: GUESTS.syno.id, iso_images: '["unmounted","unmounted"]' }));
    expect((await internalGuest(GUESTS.syno.id)).iso_images).toEqual(["unmounted", "unmounted"]);
  });

  it("refuses to mount an image that is not an ISO, or that does not exist (906)", async () => {
    expectDsmError(
      await set({ guest_id: GUESTS.syno.id, iso_images: JSON.stringify([IMAGES.disk.id, "unmounted"]) }),
      906,
    );
    expectDsmError(await set({ guest_id: GUESTS.syno.id, iso_images: '["nope","unmounted"]' }), 906);
    expect((await internalGuest(GUESTS.syno.id)).iso_images).toEqual(["unmounted", "unmounted"]);
  });

  it("renames with the web UI's name and desc, or go-synology's guest_name beside a guest_id", async () => {
    expectSuccess(await set({ guest_id: GUESTS.syno.id, name: "renamed", desc: "from the web UI" }));
    expect(await internalGuest(GUESTS.syno.id)).toMatchObject({ name: "renamed", desc: "from the web UI" });
    expectSuccess(
      await set({ autorun: "0", guest_id: GUESTS.syno.id, guest_name: "again", iso_images: "null" }),
    );
    expect((await internalGuest(GUESTS.syno.id)).name).toBe("again");
    expectDsmError(await set({ guest_id: GUESTS.syno.id, new_guest_name: GUESTS.win10.name }), 403);
  });

  it("keeps the public set's rules: resizing a running guest is refused (939 here), an unknown guest is 401", async () => {
    expectDsmError(await set({ guest_id: GUESTS.running.id, vcpu_num: "8" }), 939);
    expectDsmError(await set({ guest_id: "nope", vcpu_num: "2" }), 401);
    expectDsmError(await set({ guest_id: GUESTS.syno.id, vcpu_num: "x" }), 401);
  });

  it("is version 1 only: version 2 answers 104", async () => {
    expectDsmError(await set({ guest_id: GUESTS.syno.id, version: "2" }), 104);
  });
});

describe("internal Guest.Action pwr_ctl", () => {
  const t = useEmulator({}, { each: true });
  const pwr = (guest_id: string, action: string) =>
    t.emu.post(
      `entry.cgi?${new URLSearchParams({ guest_id, action, api: "SYNO.Virtualization.Guest.Action", version: "1", method: "pwr_ctl", _sid: t.sid })}`,
      {
        guest_id,
        action,
        api: "SYNO.Virtualization.Guest.Action",
        version: "1",
        method: "pwr_ctl",
        _sid: t.sid,
        mimeType: "application/json",
      },
    );

  it("powers on (booting, then running) and off, as py-synologydsm-api sends it (query and body both)", async () => {
    expectSuccess(await pwr(GUESTS.syno.id, "poweron"));
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("booting");
    t.emu.clock.advance(3_000);
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("running");
    expectSuccess(await pwr(GUESTS.syno.id, "poweroff"));
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("shutdown");
  });

  it("answers the internal codes: 939 already running, 903/904/905 not running for shutdown/poweroff/reboot", async () => {
    expectDsmError(await pwr(GUESTS.running.id, "poweron"), 939);
    expectDsmError(await pwr(GUESTS.syno.id, "shutdown"), 903);
    expectDsmError(await pwr(GUESTS.syno.id, "poweroff"), 904);
    expectDsmError(await pwr(GUESTS.syno.id, "reboot"), 905);
    expectDsmError(await pwr(GUESTS.syno.id, "jump"), 401);
  });

  it("reboots a running guest through booting on the host it holds", async () => {
    expectSuccess(await pwr(GUESTS.running.id, "reboot"));
    expect(await statusOf(t.emu, t.sid, GUESTS.running.name)).toBe("booting");
    t.emu.clock.advance(3_000);
    expect(await statusOf(t.emu, t.sid, GUESTS.running.name)).toBe("running");
  });

  it("takes a JSON-quoted id (dsm_helper) and on/off (a Swift client)", async () => {
    expectSuccess(await pwr(`"${GUESTS.syno.id}"`, "on"));
    t.emu.clock.advance(3_000);
    expectSuccess(await pwr(GUESTS.syno.id, "off"));
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("shutdown");
  });

  it("places a guest like the guide's poweron: placement refusals keep their codes (902 on a small host)", async () => {
    expectDsmError(await pwr(GUESTS.archive.id, "poweron"), 901);
    expectDsmError(await pwr(GUESTS.bigMemory.id, "poweron"), 900);
  });
});
