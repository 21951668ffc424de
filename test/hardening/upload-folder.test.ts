/**
 * Issue 20, items 4, 5 and 10: with `--upload-dir`, a folder that could not take a file crashed
 * the process (the file stream had no error handler); every broken-off upload kept its file open
 * and on disk; an upload answered 119 kept its file; files were made 0644. Now the folder is
 * checked at start, a write failure is the DSM envelope, an upload that does not finish or whose
 * call fails leaves nothing (no file, no descriptor), and kept files are 0600.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../server/emulator";
import { STORAGES } from "../fixture-ids";
import { useEmulator } from "../harness";
import { descriptorCount, eventually } from "../support/sockets";

const BOUNDARY = "AaB03x";
const root = mkdtempSync(join(tmpdir(), "vmm-upload-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function query(sid: string | undefined, name: string): string {
  return new URLSearchParams({
    ...(sid === undefined ? {} : { _sid: sid }),
    api: "SYNO.Virtualization.Guest.Image",
    method: "upload_and_create",
    version: "1",
    name,
    type: "iso",
    image_repos: JSON.stringify([STORAGES.first.id]),
  }).toString();
}

/** Sends an upload of `bytes` bytes; with `cutAfter`, the client leaves after that many. */
function upload(
  url: string,
  q: string,
  bytes: number,
  cutAfter?: number,
): Promise<{ status: number; body: string } | "cut"> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.iso"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/webapi/entry.cgi?${q}`,
        headers: {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          "content-length": head.length + bytes + tail.length,
        },
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", () => resolve("cut"));
    req.write(head);
    if (cutAfter !== undefined) {
      req.write(Buffer.alloc(cutAfter, 1), () => setTimeout(() => req.destroy(), 20));
      return;
    }
    req.end(Buffer.concat([Buffer.alloc(bytes, 1), tail]));
  });
}

describe("uploads into --upload-dir", () => {
  const dir = join(root, "kept");
  const t = useEmulator({ timeScale: "instant", uploadDir: dir });

  it("keeps a finished upload owner-only (0600)", async () => {
    const res = await upload(t.emu.url, query(t.sid, "kept"), 1000);
    expect(res).toMatchObject({ status: 200 });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0] ?? "")).mode & 0o777).toBe(0o600);
    for (const f of files) rmSync(join(dir, f));
  });

  it("40 uploads broken off mid-body leave no file and no descriptor", async () => {
    const before = descriptorCount();
    for (let i = 0; i < 40; i++) await upload(t.emu.url, query(t.sid, `cut${i}`), 1_000_000, 64 * 1024);
    expect(
      await eventually(
        () => readdirSync(dir),
        (f) => f.length === 0,
      ),
    ).toEqual([]);
    expect(
      await eventually(
        () => descriptorCount(),
        (n) => n <= before + 2,
      ),
    ).toBeLessThanOrEqual(before + 2);
  });

  it("an upload without a session (119), one over the limit (413) and one whose call fails keep nothing", async () => {
    expect(await upload(t.emu.url, query(undefined, "nosession"), 1000)).toMatchObject({
      body: '{"error":{"code":119},"success":false}',
    });
    const small = await t.start({ timeScale: "instant", uploadDir: dir, maxUpload: 1000 });
    const sid = await small.login();
    expect(await upload(small.url, query(sid, "big"), 5000)).toMatchObject({ status: 413 });
    // A second image of the same name fails (403) after its file was stored.
    expect(await upload(small.url, query(sid, "twice"), 10)).toMatchObject({ status: 200 });
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    expect(await upload(small.url, query(sid, "twice"), 10)).toMatchObject({
      body: '{"error":{"code":403},"success":false}',
    });
    expect(
      await eventually(
        () => readdirSync(dir),
        (f) => f.length === 0,
      ),
    ).toEqual([]);
  });

  it("a folder that disappears answers the envelope (code 100), and the emulator keeps answering", async () => {
    rmSync(dir, { recursive: true, force: true });
    expect(await upload(t.emu.url, query(t.sid, "gone"), 100)).toMatchObject({
      status: 200,
      body: '{"error":{"code":100},"success":false}',
    });
    expect(
      (await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" })).status,
    ).toBe(200);
  });
});

describe("an upload folder that cannot take a file", () => {
  it("fails the start with a clear message", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "");
    await expect(startEmulator({ uploadDir: file, log: () => {} })).rejects.toThrow(
      /--upload-dir .*a-file: uploads cannot be kept there \(EEXIST|ENOTDIR\)/,
    );
  });

  it("is made when missing", async () => {
    const made = join(root, "new", "deeper");
    const emu = await startEmulator({ uploadDir: made, log: () => {} });
    await emu.close();
    expect(statSync(made).isDirectory()).toBe(true);
  });
});
