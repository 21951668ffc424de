/**
 * upload_and_create: the Terraform provider's image upload, replayed (docs/clients.md): every
 * parameter in the query, `image_repos` double-encoded, one multipart part `file` with Go's
 * fixed boundary. The file is streamed and counted (bigger than the 4 MiB body limit, which stays
 * for every other call), hashed, not kept; it answers a task like Guest.Image create, and its
 * size counts against the storage.
 */
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { STORAGES } from "../../fixture-ids";
import { expectDsmError, expectSuccess, rawRequest, useEmulator } from "../../harness";

const BOUNDARY = "AaB03x";

/** Go's mime/multipart body with one `file` part, streamed from `chunks` chunks of `size` bytes. */
function upload(
  base: string,
  query: Record<string, string>,
  fileName: string,
  chunk: Buffer,
  chunks: number,
): Promise<{
  status: number;
  body: { success: boolean; data?: Record<string, unknown>; error?: { code: number } };
}> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const url = new URL(`${base}/webapi/entry.cgi?${new URLSearchParams(query)}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: `${url.pathname}${url.search}`,
        headers: {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          "content-length": head.length + chunk.length * chunks + tail.length,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) }),
        );
      },
    );
    req.on("error", reject);
    req.write(head);
    let sent = 0;
    const more = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once("drain", more);
      }
      req.end(tail);
    };
    more();
  });
}

describe("internal Guest.Image upload_and_create", () => {
  const t = useEmulator({ timeScale: "instant" }, { each: true });
  const query = (extra: Record<string, string> = {}) => ({
    SynoToken: "",
    _sid: t.sid,
    api: "SYNO.Virtualization.Guest.Image",
    ds_file_path: "testiso.iso",
    get_patch_by: "upload",
    image_repos: JSON.stringify(JSON.stringify([STORAGES.first.id])),
    method: "upload_and_create",
    name: "testiso",
    type: "iso",
    version: "1",
    ...extra,
  });

  it("streams a 24 MiB file (six times the body limit), counts and hashes it, and makes an image through a task", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const chunks = 24;
    const before = (
      expectSuccess(await t.emu.vmm(t.sid, "Storage", "list")).storages as {
        storage_id: string;
        used: number;
      }[]
    ).find((s) => s.storage_id === STORAGES.first.id);
    const res = await upload(t.emu.url, query(), "testiso.iso", chunk, chunks);
    expect(res.status).toBe(200);
    const taskId = String(res.body.data?.task_id);
    expect(taskId).toMatch(/^@administrators\/virtualization_api_image_create[0-9A-F]{16}$/);
    const task = expectSuccess(await t.emu.vmm(t.sid, "Task.Info", "get", { task_id: taskId }));
    expect(task.finish).toBe(true);
    const imageId = (task.task_info as { image_id: string }).image_id;
    const images = expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "list")).images as {
      image_id: string;
      image_name: string;
      type: string;
      used_size: number;
    }[];
    expect(images.find((i) => i.image_id === imageId)).toMatchObject({
      image_name: "testiso",
      type: "iso",
      used_size: chunks * chunk.length,
    });
    const after = (
      expectSuccess(await t.emu.vmm(t.sid, "Storage", "list")).storages as {
        storage_id: string;
        used: number;
      }[]
    ).find((s) => s.storage_id === STORAGES.first.id);
    expect((after?.used ?? 0) - (before?.used ?? 0)).toBe(24);
    const state = await t.emu.admin.state();
    const expected = createHash("sha256");
    for (let i = 0; i < chunks; i++) expected.update(chunk);
    expect(state.images.find((i) => i.image_id === imageId)).toMatchObject({
      bytes: chunks * chunk.length,
      sha256: expected.digest("hex"),
    });
  });

  it("takes image_repos as a plain JSON array too, and answers 403 for a name that exists", async () => {
    const small = Buffer.from("iso bytes");
    const first = await upload(
      t.emu.url,
      query({ image_repos: JSON.stringify([STORAGES.first.id]) }),
      "a.iso",
      small,
      1,
    );
    expect(first.body.success).toBe(true);
    const again = await upload(t.emu.url, query(), "a.iso", small, 1);
    expect(again.body).toEqual({ error: { code: 403 }, success: false });
  });

  it("refuses an upload that no storage can hold (402), an unknown storage (700), and a call without a file (401)", async () => {
    const emu = await t.start({ timeScale: "instant", maxUpload: 64 * 1024 ** 3 });
    const res = await upload(
      emu.url,
      { ...query(), _sid: t.sid, image_repos: JSON.stringify([STORAGES.crashed.id]) },
      "a.iso",
      Buffer.from("x"),
      1,
    );
    expect(res.body).toEqual({ error: { code: 700 }, success: false });
    const noFile = await emu.post(`entry.cgi?${new URLSearchParams({ ...query(), _sid: t.sid })}`, {});
    expectDsmError(noFile, 401);
  });

  it("stops reading past --max-upload (413, the connection closed) and still limits every other body to 4 MiB", async () => {
    const emu = await t.start({ timeScale: "instant", maxUpload: 1024 * 1024 });
    const res = await upload(emu.url, { ...query(), _sid: t.sid }, "big.iso", Buffer.alloc(256 * 1024), 8);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 101 }, success: false });
    const big = await rawRequest(emu.url, "POST", "/webapi/entry.cgi", {
      body: Buffer.alloc(5 * 1024 * 1024, 97),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(big.status).toBe(413);
  });
});
