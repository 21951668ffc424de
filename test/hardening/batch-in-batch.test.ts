/**
 * Issue 20, item 2: a batch inside a batch, its method spelled `Request`, `REQUEST` or JSON-quoted
 * (the dispatcher matches methods without case), ran a nested batch: 48,640 calls from one form
 * post. Any inner SYNO.Entry.Request answers 113 however it is spelled, and calls are counted
 * across the whole request.
 */
import { describe, expect, it } from "vitest";
import { expectSuccess, useEmulator } from "../harness";
import { batchParams } from "../support/client";

describe("a batch inside a batch", () => {
  const t = useEmulator({}, { login: false });
  const batch = (compound: readonly unknown[]) => t.emu.post("entry.cgi", batchParams(compound));
  const info = { api: "SYNO.API.Info", method: "query", version: 1, query: "SYNO.API.Info" };

  it.each(["request", "Request", "REQUEST", '"request"', '"Request"'])(
    "an inner SYNO.Entry.Request with method %s answers 113 and runs nothing",
    async (method) => {
      const inner = { api: "SYNO.Entry.Request", method, version: 1, compound: JSON.stringify([info, info]) };
      const data = expectSuccess(await batch([inner, info]));
      const result = data.result as { success: boolean; error?: { code: number }; data?: unknown }[];
      expect(result).toHaveLength(2);
      expect(result[0]).toMatchObject({ success: false, error: { code: 113 } });
      expect(result[1]?.success).toBe(true);
    },
  );

  it("a batch of 256 inner batches of 256 calls runs 256 calls at most, not 65,536", async () => {
    const inner = {
      api: "SYNO.Entry.Request",
      method: "Request",
      version: 1,
      compound: JSON.stringify([info]),
    };
    const data = expectSuccess(await batch(Array.from({ length: 256 }, () => inner)));
    const result = data.result as { success: boolean; error?: { code: number } }[];
    expect(result.every((r) => !r.success && r.error?.code === 113)).toBe(true);
    const journal = await t.emu.admin.journal({ api: "SYNO.API.Info" });
    expect(journal).toHaveLength(0);
  });
});
