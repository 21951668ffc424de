/** Helpers for the control-plane tests: raw admin calls (to see statuses) and a guest-create call. */
import type { TestEmulator } from "../helpers";
import { STORAGE_1 } from "../mutations/support";

export { STORAGE_1 };
export const HOST_1 = "Synology";
export const HOST_2 = "Synology-2";
export const GUEST_API = "SYNO.Virtualization.API.Guest";

export interface AdminReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Calls the control plane directly (the typed client throws on non-2xx; these tests want the status). */
export async function adminCall(
  emu: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminReply> {
  const res = await fetch(`${emu.url}/__admin${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Starts creating a guest with one 1 GB disk and no network; answers the raw DSM reply. */
export function createGuest(emu: TestEmulator, sid: string, name: string) {
  return emu.vmm(sid, "Guest", "create", {
    guest_name: name,
    storage_name: STORAGE_1,
    vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
    vnics: JSON.stringify([{ network_id: "" }]),
  });
}
