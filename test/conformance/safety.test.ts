import { describe, expect, it } from "vitest";
import { DsmClient } from "../../conformance/client/dsm-client";
import { Ledger } from "../../conformance/client/ledger";
import { PROBE_MARKER, SafetyGuard, SafetyRefusal, type Tier } from "../../conformance/client/safety";
import type { Exchange, Transport } from "../../conformance/client/transport";
import { VmmApi } from "../../conformance/client/vmm";
import { resolveTarget, TargetConfigError } from "../../conformance/target";

const GUEST = "SYNO.Virtualization.API.Guest";
const PRE_EXISTING = "89f5bde5-9230-417e-b597-f2fd4f4ebd54";

/** A transport that records what would have been sent and answers a canned success. */
function fakeTransport(answer: (params: Record<string, string>) => unknown = () => ({ success: true })) {
  const sent: Record<string, string>[] = [];
  const transport: Transport = {
    async send(cgi, params): Promise<Exchange> {
      sent.push(params);
      return { cgi, params, status: 200, body: answer(params) };
    },
    async close() {},
  };
  return { sent, transport };
}

function client(tier: Tier, answer?: (params: Record<string, string>) => unknown) {
  const ledger = new Ledger("abcd1234");
  const { sent, transport } = fakeTransport(answer);
  const dsm = new DsmClient({ baseUrl: "http://unused", transport, guard: new SafetyGuard(tier, ledger) });
  return { ledger, sent, dsm, vmm: new VmmApi(dsm) };
}

describe("safety tiers, enforced before sending", () => {
  it("readonly allows lists and gets and refuses every change without sending it", async () => {
    const { vmm, sent } = client("readonly", () => ({ success: true, data: { guests: [] } }));
    await vmm.listGuests();
    await expect(vmm.deleteGuest({ guest_id: PRE_EXISTING })).rejects.toBeInstanceOf(SafetyRefusal);
    await expect(vmm.powerOn({ guest_name: "vmmconf-abcd1234-1-x" })).rejects.toBeInstanceOf(SafetyRefusal);
    await expect(
      vmm.createGuest({ guest_name: "vmmconf-abcd1234-1-x", storage_name: "s", vdisks: [], vnics: [] }),
    ).rejects.toBeInstanceOf(SafetyRefusal);
    expect(sent.map((p) => p.method)).toEqual(["list"]);
  });

  it("owned refuses a destructive call on a guest outside the ledger, by id or by name", async () => {
    const { vmm, sent } = client("owned");
    for (const call of [
      () => vmm.deleteGuest({ guest_id: PRE_EXISTING }),
      () => vmm.deleteGuest({ guest_name: "prod-db" }),
      () => vmm.powerOff({ guest_name: "prod-db" }),
      () => vmm.setGuest({ guest_id: PRE_EXISTING }, { description: "x" }),
      () => vmm.deleteImage({ image_name: "debian-12-cloud" }),
      () => vmm.clearTask("@administrators/virtualization_api_guest_create5BB3389D4A406062"),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(SafetyRefusal);
    }
    expect(sent).toEqual([]);
  });

  it("owned refuses creating outside the run prefix and renaming out of it", async () => {
    const { vmm, sent } = client("owned");
    await expect(
      vmm.createGuest({ guest_name: "web", storage_name: "s", vdisks: [], vnics: [] }),
    ).rejects.toThrow(/run prefix/);
    await expect(
      vmm.setGuest({ guest_name: "vmmconf-abcd1234-1-a" }, { new_guest_name: "prod-db" }),
    ).rejects.toThrow(/new_guest_name/);
    expect(sent).toEqual([]);
  });

  it("owned learns the new guest's id from the traffic and then allows acting on it", async () => {
    const id = "11111111-2222-4333-8444-555555555555";
    const task = "@administrators/virtualization_api_guest_create0123456789ABCDEF";
    const { vmm, ledger, sent } = client("owned", (p) => {
      if (p.method === "create") return { success: true, data: { task_id: task } };
      if (p.method === "get")
        return {
          success: true,
          data: {
            finish: true,
            task_info: { auto_clean_task: true, guest_id: id, progress: 100, status: "create" },
          },
        };
      return { success: true };
    });
    await vmm.createGuest({ guest_name: ledger.name("a"), storage_name: "s", vdisks: [], vnics: [] });
    expect(ledger.ownsTask(task)).toBe(true);
    await vmm.getTask(task);
    expect(ledger.ownsId("guest", id)).toBe(true);
    expect(ledger.ownsTask(task)).toBe(false); // auto-cleaned once read finished
    await vmm.powerOn({ guest_id: id });
    await vmm.deleteGuest({ guest_id: id });
    expect(ledger.liveNewestFirst()).toEqual([]);
    expect(sent.map((p) => p.method)).toEqual(["create", "get", "poweron", "delete"]);
  });

  it("a refused create leaves nothing live in the ledger", async () => {
    const { vmm, ledger } = client("owned", () => ({ success: false, error: { code: 403 } }));
    await expect(
      vmm.createGuest({ guest_name: ledger.name("dup"), storage_name: "s", vdisks: [], vnics: [] }),
    ).rejects.toMatchObject({
      name: "DsmApiError",
      code: 403,
    });
    expect(ledger.liveNewestFirst()).toEqual([]);
  });

  it("a call naming no target is allowed at owned (DSM cannot act on nothing)", async () => {
    const { dsm, sent } = client("owned");
    await dsm.call("SYNO.Virtualization.API.Guest.Action", "poweron", {});
    expect(sent).toHaveLength(1);
  });

  it("refuses API methods it cannot classify, but allows deliberate probes", async () => {
    const { dsm, sent } = client("disruptive");
    await expect(
      dsm.request({ api: GUEST, method: "migrate", version: 1, guest_id: PRE_EXISTING }),
    ).rejects.toThrow(/cannot classify/);
    await dsm.request({ api: GUEST, method: PROBE_MARKER, version: 1 });
    expect(sent.map((p) => p.method)).toEqual([PROBE_MARKER]);
  });

  it("disruptive allows pre-existing targets", async () => {
    const { vmm, sent } = client("disruptive");
    await vmm.powerOff({ guest_id: PRE_EXISTING });
    expect(sent).toHaveLength(1);
  });

  it("escapes plain-text values per the guide, never passwords or JSON", async () => {
    const { dsm, sent } = client("owned");
    await dsm.call("SYNO.API.Auth", "login", { account: "a", passwd: "p,w\\" }, { withSession: false });
    await dsm.call(GUEST, "set", { guest_name: "vmmconf-abcd1234-1-a", description: "a, b\\c" });
    expect(sent[0]?.passwd).toBe("p,w\\");
    expect(sent[1]?.description).toBe("a\\, b\\\\c");
    expect(sent[1]?.guest_name).toBe("vmmconf-abcd1234-1-a");
  });
});

describe("target selection", () => {
  it("defaults to the kit's own emulator, never to a remote host", () => {
    const t = resolveTarget({ VMM_NAS_URL: "https://nas.example:5001", VMM_NAS_PASSWORD: "x" });
    expect(t.kind).toBe("emulator");
    expect(t.url).toBeUndefined();
  });

  it("a NAS needs its URL and credentials, and is readonly by default", () => {
    expect(() => resolveTarget({ VMM_CONFORMANCE_TARGET: "nas" })).toThrow(TargetConfigError);
    const t = resolveTarget({
      VMM_CONFORMANCE_TARGET: "nas",
      VMM_NAS_URL: "https://nas.example:5001",
      VMM_NAS_ACCOUNT: "a",
      VMM_NAS_PASSWORD: "p",
    });
    expect([t.kind, t.tier, t.tls.mode, t.wait.name]).toEqual(["nas", "readonly", "verify", "nas"]);
  });

  it("the owned tier needs an opt-in naming the NAS's own host", () => {
    const env = {
      VMM_CONFORMANCE_TARGET: "nas",
      VMM_NAS_URL: "https://nas.example:5001",
      VMM_NAS_ACCOUNT: "a",
      VMM_NAS_PASSWORD: "p",
      VMM_CONFORMANCE_TIER: "owned",
    };
    expect(() => resolveTarget(env)).toThrow(/VMM_CONFORMANCE_ALLOW_OWNED=nas.example/);
    expect(() => resolveTarget({ ...env, VMM_CONFORMANCE_ALLOW_OWNED: "other-nas" })).toThrow(
      TargetConfigError,
    );
    expect(resolveTarget({ ...env, VMM_CONFORMANCE_ALLOW_OWNED: "nas.example" }).tier).toBe("owned");
    const disruptive = {
      ...env,
      VMM_CONFORMANCE_TIER: "disruptive",
      VMM_CONFORMANCE_ALLOW_OWNED: "nas.example",
    };
    expect(() => resolveTarget(disruptive)).toThrow(/ALLOW_DISRUPTIVE/);
  });

  it("reads TLS pinning and insecure mode", () => {
    const base = {
      VMM_CONFORMANCE_TARGET: "nas",
      VMM_NAS_URL: "https://nas.example:5001",
      VMM_NAS_ACCOUNT: "a",
      VMM_NAS_PASSWORD: "p",
    };
    expect(resolveTarget({ ...base, VMM_NAS_CERT_SHA256: "AB:CD" }).tls).toEqual({
      mode: "pinned",
      sha256: "AB:CD",
    });
    expect(resolveTarget({ ...base, VMM_NAS_TLS: "insecure" }).tls).toEqual({ mode: "insecure" });
  });
});
