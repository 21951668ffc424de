/**
 * The kit against a target over HTTPS with a pinned certificate, as it runs against a NAS's
 * self-signed one: the DSM 7 scenarios and the recorder's capture of them.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { createDispatcher } from "../../conformance/client/transport";
import { Recorder } from "../../conformance/record/recording";
import { runSuite } from "../../conformance/suite";
import { resolveTarget } from "../../conformance/target";
import { startEmulator } from "../../server/emulator";

describe("the kit over HTTPS", () => {
  it("runs the DSM 7 scenarios against the kit's emulator with its fingerprint pinned, and records them", async () => {
    const config = resolveTarget({ VMM_CONFORMANCE_EMULATOR_HTTPS: "1", VMM_CONFORMANCE_ONLY: "dsm7.*" });
    const recorder = new Recorder();
    const result = await runSuite(config, {
      expectations: null,
      onExchange: recorder.onExchange,
      onScenario: recorder.onScenario,
    });
    expect(result.target.url).toMatch(/^https:\/\//);
    expect(result.scenarios.map((s) => `${s.id}: ${s.status} ${s.message ?? ""}`.trim())).toEqual([
      "dsm7.info.versions: pass",
      "dsm7.login.v7-answer: pass",
      "dsm7.uiconfig.ssid: pass",
      "dsm7.front-door.headers: pass",
      "dsm7.encryption.getinfo: pass",
      "dsm7.normaluser.get: pass",
      "dsm7.batch.reads: pass",
    ]);
    const recorded = new Set(recorder.exchanges(result.runId, "").map((e) => `${e.api} ${e.method}`));
    for (const call of [
      "SYNO.API.Auth.UIConfig get",
      "SYNO.API.Encryption getinfo",
      "SYNO.Core.NormalUser get",
      "SYNO.Entry.Request request",
    ])
      expect(recorded).toContain(call);
  });

  it("keeps a pin across new connections: a resumed TLS session would show no certificate to check", async () => {
    const emu = await startEmulator({ httpsPort: 0, log: () => {} });
    const pinned = createDispatcher({ mode: "pinned", sha256: emu.fingerprint ?? "" }, 5_000);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(
          `${emu.httpsUrl}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`,
          {
            dispatcher: pinned,
            headers: { connection: "close" },
          },
        );
        expect(res.statusCode).toBe(200);
        await res.body.text();
      }
    } finally {
      await pinned.close();
      await emu.close();
    }
  });
});
