/**
 * The request shapes of real clients, replayed over HTTP exactly as they send them: the Go
 * client behind the Terraform provider (go-synology: form POSTs to entry.cgi, its Guest and
 * Image structs, task polling) and the Python Home Assistant library (form POSTs naming guests
 * by id and name at once). If one of these breaks, an unmodified client breaks with it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectSuccess, useEmulator } from "./harness";

// Every request below logs in and calls the way its client does, literals and all.
const t = useEmulator();

describe("the Go client (go-synology, used by the Terraform provider)", () => {
  let sid: string;
  let token: string;
  const post = (api: string, method: string, params: Record<string, string>) =>
    t.emu.post(
      "entry.cgi",
      { api: `SYNO.Virtualization.API.${api}`, version: "1", method, _sid: sid, ...params },
      { headers: { "X-SYNO-TOKEN": token } },
    );

  beforeAll(async () => {
    const login = expectSuccess(
      await t.emu.get("entry.cgi", {
        api: "SYNO.API.Auth",
        version: "7",
        method: "login",
        account: "admin",
        passwd: "synology",
        enable_syno_token: "yes",
        format: "sid",
        timezone: "+00:00",
      }),
    );
    sid = String(login.sid);
    token = String(login.synotoken);
    expect(sid).not.toBe("");
    expect(token).not.toBe("");
  });

  it("creates a guest with its struct's fields (vcpu_num/vram_size refused with 401, as the provider's source says DSM does), polls the task, and reads the guest id from task_info", async () => {
    const fields = {
      guest_name: "tf-vm",
      description: "managed by terraform",
      storage_name: "Synology - VM Storage 1",
      autorun: "2",
      vdisks: '[{"create_type":0,"vdisk_size":20480,"controller":1}]',
      vnics: '[{"network_name":"Default VM Network"}]',
      iso_images: '["unmounted"]',
    };
    // Older providers sent the struct's CPU and memory on create; 0.6.x stopped, DSM refusing them.
    const refused = await post("Guest", "create", { ...fields, vcpu_num: "2", vram_size: "2048" });
    expect(refused.text).toBe('{"error":{"code":401},"success":false}');
    const created = expectSuccess(await post("Guest", "create", fields));
    const taskId = String(created.task_id);
    let task = expectSuccess(await post("Task.Info", "get", { task_id: taskId }));
    expect(task.finish).toBe(false);
    t.emu.clock.advance(5_000);
    task = expectSuccess(await post("Task.Info", "get", { task_id: taskId }));
    expect(task).toMatchObject({ finish: true, task_info: { progress: 100, status: "create" } });
    const guestId = (task.task_info as { guest_id: string }).guest_id;

    const guest = expectSuccess(await post("Guest", "get", { guest_name: "tf-vm" }));
    expect(guest).toMatchObject({
      guest_id: guestId,
      description: "managed by terraform",
      autorun: 2,
      vcpu_num: 1,
      vram_size: 1024,
      status: "shutdown",
    });
  });

  it("updates a guest by id with every field of its update struct (iso_images is ignored)", async () => {
    const { guest_id } = expectSuccess(await post("Guest", "get", { guest_name: "tf-vm" })) as {
      guest_id: string;
    };
    expectSuccess(
      await post("Guest", "set", {
        guest_id,
        guest_name: "tf-vm",
        description: "changed",
        iso_images: "[]",
        autorun: "0",
        vcpu_num: "4",
        vram_size: "4096",
      }),
    );
    expect(expectSuccess(await post("Guest", "get", { guest_name: "tf-vm" }))).toMatchObject({
      description: "changed",
      autorun: 0,
      vcpu_num: 4,
      vram_size: 4096,
    });
  });

  it("powers on and off by guest name, then deletes by name", async () => {
    expectSuccess(await post("Guest.Action", "poweron", { guest_name: "tf-vm" }));
    t.emu.clock.advance(3_000);
    expect(expectSuccess(await post("Guest", "get", { guest_name: "tf-vm" })).status).toBe("running");
    expectSuccess(await post("Guest.Action", "poweroff", { guest_name: "tf-vm" }));
    expectSuccess(await post("Guest", "delete", { guest_name: "tf-vm" }));
  });

  it("creates an image with storage_ids as its Storages encoder writes them and auto_clean_task=false", async () => {
    const created = expectSuccess(
      await post("Guest.Image", "create", {
        image_name: "tf-image",
        ds_file_path: "/ISO/debian-12.iso",
        storage_ids: '["a5428b34-0fdb-456f-8339-f16224e4c860","b7d1e2f3-0a4b-4c5d-8e6f-7a8b9c0d1e2f"]',
        type: "iso",
        auto_clean_task: "false",
      }),
    );
    t.emu.clock.advance(8_000);
    const task = expectSuccess(await post("Task.Info", "get", { task_id: String(created.task_id) }));
    expect(task).toMatchObject({
      finish: true,
      task_info: { auto_clean_task: false, image_id: expect.any(String) },
    });
    expectSuccess(await post("Guest.Image", "delete", { image_name: "tf-image" }));
  });
});

describe("the Python Home Assistant library (py-synologydsm-api)", () => {
  it("lists guests and powers one on with guest_id and guest_name both sent", async () => {
    const login = await t.emu.post("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account: "admin",
      passwd: "synology",
      session: "webui",
      format: "cookie",
      enable_syno_token: "yes",
      otp_code: "",
      client: "browser",
      rememberme: "0",
      logintype: "local",
      enable_device_token: "no",
    });
    const { synotoken } = expectSuccess(login) as { synotoken: string };
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const headers = { cookie, "X-SYNO-TOKEN": synotoken };
    const guests = expectSuccess(
      await t.emu.post(
        "entry.cgi/SYNO.Virtualization.API.Guest",
        { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" },
        { headers },
      ),
    ).guests as { guest_id: string; guest_name: string }[];
    const syno = guests.find((g) => g.guest_name === "syno");
    expect(syno).toBeDefined();
    expectSuccess(
      await t.emu.post(
        "entry.cgi",
        {
          api: "SYNO.Virtualization.API.Guest.Action",
          version: "1",
          method: "poweron",
          guest_id: syno?.guest_id ?? "",
          guest_name: "syno",
        },
        { headers },
      ),
    );
  });
});

describe("older integrations", () => {
  it("Home Assistant's old Synology integration queries SYNO.API.Info with method=Query", async () => {
    const info = expectSuccess(
      await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "Query", query: "SYNO." }),
    );
    expect(info["SYNO.API.Auth"]).toEqual({ maxVersion: 7, minVersion: 1, path: "entry.cgi" });
  });
});
