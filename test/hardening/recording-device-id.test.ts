/**
 * Issue 20, item 14: the conformance kit's recordings kept `device_id`, the trusted-device token
 * that skips 2-step verification, so a recording made against a real NAS leaked that NAS's token
 * in a file people share. It is redacted as sids are: by name when normalised, by name and value
 * in every report, and no committed recording carries one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Normaliser } from "../../conformance/record/normalise";
import { REDACTED, redactText } from "../../conformance/report/redact";
import { PROJECT_ROOT } from "../../server/config";

const TOKEN = "LlQyZvgN__PXWC1Rdje2z3E8-0000000";

describe("device tokens in the kit's recordings and reports", () => {
  it("the normaliser and the report redaction mask device_id like a sid", () => {
    expect(new Normaliser().value({ data: { device_id: TOKEN, did: TOKEN, sid: TOKEN } })).toEqual({
      data: { device_id: REDACTED, did: REDACTED, sid: REDACTED },
    });
    const text = redactText(`{"device_id": "${TOKEN}"} ?device_id=${TOKEN}&x=1`, []);
    expect(text).not.toContain(TOKEN);
  });

  it("no committed recording holds a device token", () => {
    const dir = join(PROJECT_ROOT, "fixtures", "recordings");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(/"(?:device_id|did)"\s*:\s*"([^"]*)"/g))
        expect(m[1], `${file}: ${m[0]}`).toBe(REDACTED);
    }
  });
});
