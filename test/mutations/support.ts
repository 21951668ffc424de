/** Helpers for the mutation tests: fixture variants and the create → task flow. */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DEFAULT_FIXTURE } from "../../server/config";
import { type Fixture, parseFixture } from "../../server/fixture";
import { expectSuccess, type TestEmulator } from "../helpers";

export const STORAGE_1 = "Synology - VM Storage 1";
export const CRASHED_STORAGE = "Synology - VM Storage 2";
export const STORAGE_2 = "Synology-2 - VM Storage 1";
export const OFFLINE_HOST_STORAGE = "Synology-3 - VM Storage 1";

/** The default fixture with `change` applied (validated again, so a bad variant fails loudly). */
export function variant(change: (f: Fixture) => void): Fixture {
  const fixture = parseFixture(JSON.parse(readFileSync(DEFAULT_FIXTURE, "utf8")));
  change(fixture);
  return parseFixture(fixture);
}

export const disk = (size: number) => ({ create_type: 0, vdisk_size: size });
export const defaultNic = { network_name: "Default VM Network" };

export async function createGuest(
  emu: TestEmulator,
  sid: string,
  name: string,
  extra: Record<string, string> = {},
): Promise<{ taskId: string; guestId: string }> {
  const res = await emu.vmm(sid, "Guest", "create", {
    guest_name: name,
    storage_name: STORAGE_1,
    vdisks: JSON.stringify([disk(1024)]),
    vnics: JSON.stringify([defaultNic]),
    ...extra,
  });
  const { task_id } = expectSuccess(res) as { task_id: string };
  const info = expectSuccess(
    await emu.vmm(sid, "Task.Info", "get", { task_id, auto_clean_task: "false" }),
  ) as {
    task_info: { guest_id: string };
  };
  return { taskId: task_id, guestId: info.task_info.guest_id };
}

/** Creates a guest and lets its task finish (status shutdown). */
export async function createReadyGuest(
  emu: TestEmulator,
  sid: string,
  name: string,
  extra: Record<string, string> = {},
) {
  const created = await createGuest(emu, sid, name, extra);
  emu.clock.advance(10_000);
  const guest = expectSuccess(await emu.vmm(sid, "Guest", "get", { guest_name: name }));
  expect(guest.status).toBe("shutdown");
  return created;
}

export async function statusOf(emu: TestEmulator, sid: string, name: string): Promise<string> {
  const guest = expectSuccess(await emu.vmm(sid, "Guest", "get", { guest_name: name }));
  return String(guest.status);
}
