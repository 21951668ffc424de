/**
 * What one unauthenticated client can make the emulator keep: the journal held every parameter
 * of its last 1,000 calls (334 POSTs of 330,000 short parameters killed the process), and the
 * unimplemented summary kept API names at full length (150 names of 3.9 MB held 1.1 GiB).
 */
import { describe, expect, it } from "vitest";
import { MAX_JOURNAL_NAME, MAX_JOURNAL_PARAMS } from "../../server/control/journal";
import { MAX_PARAMS } from "../../server/wire/limits";
import { useEmulator } from "../harness";

const post = (url: string, body: string) =>
  fetch(`${url}/webapi/entry.cgi`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });

const many = (n: number, value = "x") => Array.from({ length: n }, (_, i) => `p${i}=${value}`).join("&");

describe("a request's parameters are bounded", () => {
  const t = useEmulator({}, { login: false, each: true });

  it(`more than ${MAX_PARAMS} parameters in a body answer 413 with the envelope, and nothing is journalled`, async () => {
    const res = await post(t.emu.url, `api=SYNO.API.Info&version=1&method=query&${many(330_000)}`);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 101 }, success: false });
    expect(await t.emu.admin.journal()).toHaveLength(0);
  });

  it("so do too many in the query", async () => {
    const res = await fetch(
      `${t.emu.url}/webapi/entry.cgi?api=SYNO.API.Info&version=1&method=query&${many(MAX_PARAMS)}`,
    );
    expect(res.status).toBe(413);
  });

  it("up to the limit the call is answered, and its journal entry keeps a bounded part of them", async () => {
    const res = await post(
      t.emu.url,
      `api=SYNO.API.Info&version=1&method=query&${many(MAX_PARAMS - 3, "y".repeat(4000))}`,
    );
    expect(res.status).toBe(200);
    const [entry] = await t.emu.admin.journal();
    const kept = Object.entries(entry?.params ?? {});
    expect(kept.length).toBeLessThanOrEqual(MAX_JOURNAL_PARAMS + 1);
    expect(entry?.params["…"]).toBe(`${MAX_PARAMS - MAX_JOURNAL_PARAMS} more parameters`);
    expect(kept.reduce((n, [k, v]) => n + k.length + v.length, 0)).toBeLessThan(128 * 1024);
  });

  it("a huge unknown API name is kept cut, in the journal and in the unimplemented summary", async () => {
    const name = `SYNO.${"A".repeat(3_900_000)}`;
    for (let i = 0; i < 3; i++) {
      const res = await post(t.emu.url, `api=${name}&version=1&method=list`);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(102);
    }
    const [summary] = await t.emu.admin.unimplemented();
    expect(summary?.count).toBe(3);
    expect(summary?.api.length).toBeLessThanOrEqual(MAX_JOURNAL_NAME + 1);
    const [entry] = await t.emu.admin.journal();
    expect(entry?.api?.length).toBeLessThanOrEqual(MAX_JOURNAL_NAME + 1);
  });
});
