/**
 * The Terraform provider's `synology_virtualization_guest` and `synology_virtualization_image`
 * resources, replayed call by call as go-synology sends them (docs/clients.md, from the
 * provider's v0.6.11 and go-synology's pinned commit): over HTTPS with certificate checks off,
 * form POSTs to `entry.cgi/<API>` with `_sid` and `SynoToken` in the body, `X-Syno-Token` and
 * `Cookie: did=; id=<sid>`, power actions as GETs with everything in the query, every parameter
 * set sorted byte-wise, `Accept-Encoding: gzip` on every request (Go's transport adds it and
 * decompresses the answer). The emulator runs with `--time-scale instant`, as a CI set-up would.
 *
 * The create stops where it stops on a NAS: the CPU/RAM `set` go-synology sends after every
 * create carries `guest_name=` empty, and DSM answers it 401 (terraform-provider-synology issue
 * #203), so the guest stays as created and the resource is not written to state.
 */
import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { STORAGES } from "../fixture-ids";
import { useEmulator } from "../harness";
import { type Reply, send } from "../support/dsm7";
import { goEncode } from "./go";

const BOUNDARY = "AaB03x";
/** Go's transport adds these to every request (and decompresses the gzipped answer itself). */
const GO_HEADERS = { "user-agent": "Go-http-client/2.0", "accept-encoding": "gzip" };

describe("Terraform provider (go-synology), over HTTPS", () => {
  const t = useEmulator({ httpsPort: 0, timeScale: "instant" });
  const agent = new Agent({ connect: { rejectUnauthorized: false }, allowH2: true });
  afterAll(() => agent.close());
  let sid = "";
  let token = "";
  let guestId = "";
  const calls: string[] = [];

  const base = () => `${t.emu.httpsUrl}/webapi`;
  const record = (what: string, res: Reply) => {
    calls.push(`${what} -> ${res.body.success ? "ok" : res.body.error?.code}`);
    return res;
  };
  /** api.Post: path-info form POST. */
  const post = (api: string, method: string, version: string, params: Record<string, string>) =>
    send(agent, `${base()}/entry.cgi/${api}`, {
      method: "POST",
      headers: {
        ...GO_HEADERS,
        "content-type": "application/x-www-form-urlencoded",
        "x-syno-token": token,
        cookie: `did=; id=${sid}`,
      },
      body: goEncode({ SynoToken: token, _sid: sid, api, method, version, ...params }),
    }).then((res) => record(`${api} ${method}`, res));
  /** api.Get / api.Void: everything in the query of bare entry.cgi. */
  const get = (api: string, method: string, params: Record<string, string>) =>
    send(
      agent,
      `${base()}/entry.cgi?${goEncode({ SynoToken: token, _sid: sid, api, method, version: "1", ...params })}`,
      { headers: GO_HEADERS },
    ).then((res) => record(`${api} ${method} (GET)`, res));

  it("creates as 0.6.11 does: the CPU/RAM set after create answers 401 as on DSM (#203), leaving the guest as created", async () => {
    const login = await send(
      agent,
      `${base()}/entry.cgi?${goEncode({ account: "admin", api: "SYNO.API.Auth", enable_syno_token: "yes", format: "sid", method: "login", passwd: "synology", timezone: "+00:00", version: "7" })}`,
      { headers: GO_HEADERS },
    );
    ({ sid, synotoken: token } = login.body.data as { sid: string; synotoken: string });
    calls.push("SYNO.API.Auth login (GET) -> ok");

    // Create: Storage list (storage_id not configured), Network list (a network block).
    const storages = (await post("SYNO.Virtualization.API.Storage", "list", "1", {})).body.data?.storages as {
      storage_id: string;
      storage_name: string;
    }[];
    const storageId = storages[0]?.storage_id ?? "";
    const networks = (await post("SYNO.Virtualization.API.Network", "list", "1", {})).body.data?.networks as {
      network_id: string;
      network_name: string;
    }[];
    const net = networks[0];
    // Only the guide's four fields: the provider's comment says DSM answers 401 to vcpu_num/vram_size here.
    const created = await post("SYNO.Virtualization.API.Guest", "create", "1", {
      guest_name: "testvm",
      storage_id: storageId,
      vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 20480 }]),
      vnics: JSON.stringify([{ network_id: net?.network_id, network_name: net?.network_name }]),
    });
    const taskId = String(created.body.data?.task_id);
    const task = await post("SYNO.Virtualization.API.Task.Info", "get", "1", { task_id: taskId });
    expect(task.body.data?.finish).toBe(true);
    guestId = ((task.body.data?.task_info ?? {}) as { guest_id: string }).guest_id;
    expect(guestId).toMatch(/^[0-9a-f-]{36}$/);
    // Step 5, always sent (vcpu_num defaults to 1): go-synology's GuestUpdate{ID, VcpuNum, VramSize}
    // encodes the empty name, null ISO slots and autorun=0 too. DSM answered 401 (issue #203):
    // the provider reports "Failed to configure guest CPU/RAM" and stops, writing no state.
    const cpuRam = await post("SYNO.Virtualization.Guest", "set", "1", {
      autorun: "0",
      guest_id: guestId,
      guest_name: "",
      iso_images: "null",
      vcpu_num: "4",
      vram_size: "4096",
    });
    expect(cpuRam.text).toBe('{"error":{"code":401},"success":false}');
    expect(cpuRam.headers["content-encoding"]).toBe("gzip");

    // The orphan, as the issue saw it on a NAS: powered off, 1 vCPU, 1024 MB.
    const orphan = await post("SYNO.Virtualization.API.Guest", "get", "1", {
      guest_id: guestId,
      guest_name: "",
    });
    expect(orphan.body.data).toMatchObject({
      guest_name: "testvm",
      status: "shutdown",
      vcpu_num: 1,
      vram_size: 1024,
    });
    expect(calls).toEqual([
      "SYNO.API.Auth login (GET) -> ok",
      "SYNO.Virtualization.API.Storage list -> ok",
      "SYNO.Virtualization.API.Network list -> ok",
      "SYNO.Virtualization.API.Guest create -> ok",
      "SYNO.Virtualization.API.Task.Info get -> ok",
      "SYNO.Virtualization.Guest set -> 401",
      "SYNO.Virtualization.API.Guest get -> ok",
    ]);
  });

  it("with the guest's own name the same sets succeed; read, update, power and destroy run as the resource does", async () => {
    calls.length = 0;
    // The #203 request with the name filled in (what the issue proposes), then the ISO slots the same way.
    await post("SYNO.Virtualization.Guest", "set", "1", {
      autorun: "0",
      guest_id: guestId,
      guest_name: "testvm",
      iso_images: "null",
      vcpu_num: "4",
      vram_size: "4096",
    });
    await post("SYNO.Virtualization.Guest", "set", "1", {
      autorun: "0",
      guest_id: guestId,
      guest_name: "testvm",
      iso_images: JSON.stringify(["unmounted", "54383227-c541-4e60-9cac-5da98b2dd88a"]),
    });
    await get("SYNO.Virtualization.API.Guest.Action", "poweron", { guest_id: guestId });

    // Read: Guest get by name; only guest_id is kept.
    const read = await post("SYNO.Virtualization.API.Guest", "get", "1", {
      guest_id: "",
      guest_name: "testvm",
    });
    expect(read.body.data).toMatchObject({
      guest_id: guestId,
      vcpu_num: 4,
      vram_size: 4096,
      status: "running",
    });

    // Update: one internal set with the plan's name and the ISO slots; no vcpu/vram, autorun=0.
    await post("SYNO.Virtualization.Guest", "set", "1", {
      autorun: "0",
      guest_id: guestId,
      guest_name: "testvm",
      iso_images: "null",
    });

    // Destroy: power off by name (errors ignored), then delete by name.
    await get("SYNO.Virtualization.API.Guest.Action", "poweroff", { guest_name: "testvm" });
    const deleted = await post("SYNO.Virtualization.API.Guest", "delete", "1", { guest_name: "testvm" });
    expect(deleted.body).toEqual({ success: true });
    // The next refresh: the read error (401 for an unknown guest) fails the refresh rather than dropping it.
    const gone = await post("SYNO.Virtualization.API.Guest", "get", "1", {
      guest_id: "",
      guest_name: "testvm",
    });
    expect(gone.body.error?.code).toBe(401);

    expect(calls).toEqual([
      "SYNO.Virtualization.Guest set -> ok",
      "SYNO.Virtualization.Guest set -> ok",
      "SYNO.Virtualization.API.Guest.Action poweron (GET) -> ok",
      "SYNO.Virtualization.API.Guest get -> ok",
      "SYNO.Virtualization.Guest set -> ok",
      "SYNO.Virtualization.API.Guest.Action poweroff (GET) -> ok",
      "SYNO.Virtualization.API.Guest delete -> ok",
      "SYNO.Virtualization.API.Guest get -> 401",
    ]);
  });

  it("creates an image from content through upload_and_create, polls its task and reads used_size", async () => {
    const content = Buffer.from("#cloud-config\nhostname: testiso\n");
    const query = goEncode({
      SynoToken: token,
      _sid: sid,
      api: "SYNO.Virtualization.Guest.Image",
      ds_file_path: "testiso.iso",
      get_patch_by: "upload",
      image_repos: JSON.stringify(JSON.stringify([STORAGES.first.id])),
      method: "upload_and_create",
      name: "testiso",
      type: "iso",
      version: "1",
    });
    const body = Buffer.concat([
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="testiso.iso"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const uploaded = await send(agent, `${base()}/entry.cgi?${query}`, {
      method: "POST",
      headers: { ...GO_HEADERS, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: body.toString("latin1"),
    });
    const taskId = String(uploaded.body.data?.task_id);
    const task = await post("SYNO.Virtualization.API.Task.Info", "get", "1", { task_id: taskId });
    const imageId = ((task.body.data?.task_info ?? {}) as { image_id: string }).image_id;
    const list = await post("SYNO.Virtualization.API.Guest.Image", "list", "1", {});
    const images = (list.body.data?.images ?? []) as {
      image_id: string;
      image_name: string;
      used_size: number;
    }[];
    const image = images.find((i) => i.image_name === "testiso");
    expect(image).toMatchObject({ image_id: imageId, used_size: content.length });
    // Destroy: delete by name.
    expect(
      (await post("SYNO.Virtualization.API.Guest.Image", "delete", "1", { image_name: "testiso" })).body,
    ).toEqual({ success: true });
  });
});
