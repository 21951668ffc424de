/**
 * The current state as a fixture (`GET /__admin/fixture`, `vmm-emulator export`): what a CI job
 * keeps so that the next one starts where it ended (`--fixture state.json`). Exporting, loading
 * the export and exporting again gives the same file.
 *
 * By design:
 * - Passwords are stored hashed, so an account's password is the one of the fixture the state
 *   was seeded from (no DSM call changes a password); an account that fixture lacks cannot be
 *   exported and is refused with its name.
 * - Work in flight is settled the way it is heading: a booting guest is written running, one
 *   shutting down is written shut down; a guest or image still being created, and the copy of
 *   an image that failed, are left out (their task is not part of a fixture), as are sessions,
 *   tasks, login failures and blocked addresses.
 * - ISOs mounted in a guest's CD-ROM slots are not in the fixture format, and are left out.
 */
import { FIXTURE_FORMAT, type Fixture, type FixtureAccount, type NasState } from "../fixture";
import type { FixtureRowSet } from "../store/fixture-rows";

const EXPORTED = "Exported from an emulator's state (GET /__admin/fixture).";

type Status = Fixture["guests"][number]["status"];
type Controller = 1 | 2 | 3;

/** What a guest in `status` is written as, or undefined to leave it out. */
function settled(status: string): Status | undefined {
  if (status === "running" || status === "booting") return "running";
  if (status === "shutdown" || status === "shutting_down") return "shutdown";
  if (status === "crashed" || status === "inaccessible") return status;
  return undefined;
}

export function exportFixture(
  rows: FixtureRowSet,
  known: readonly FixtureAccount[],
  source: string,
  nas: NasState,
): Fixture {
  const passwords = new Map(known.map((a) => [a.name, a]));
  const s = rows.system;
  const readyImages = rows.images.filter((im) => im.state === "ready");
  const imageIds = new Set(readyImages.map((im) => im.image_id));
  const group = <T extends { guest_id: string }>(list: readonly T[]) => {
    const by = new Map<string, T[]>();
    for (const item of list) by.set(item.guest_id, [...(by.get(item.guest_id) ?? []), item]);
    return by;
  };
  const vdisks = group(rows.vdisks);
  const vnics = group(rows.vnics);
  return {
    format: FIXTURE_FORMAT,
    source: source.startsWith(EXPORTED) ? source : `${EXPORTED} It started from: ${source}`,
    system: {
      model: s.model,
      dsm_version: s.dsm_version,
      dsm_build: s.dsm_build,
      serial: s.serial,
      ram_mb: s.ram_mb,
      vmm_version: s.vmm_version,
      cluster_status: s.cluster_status as Fixture["system"]["cluster_status"],
      pro_licence: s.pro_licence === 1,
      ha_enabled: s.ha_enabled === 1,
      ha_reservation_ok: s.ha_reservation_ok === 1,
      max_iscsi_luns: s.max_iscsi_luns,
      auto_select_host: s.auto_select_host as Fixture["system"]["auto_select_host"],
    },
    accounts: rows.accounts.map((a) => {
      const given = passwords.get(a.name);
      if (given === undefined)
        throw new Error(
          `account ${a.name} is not in the fixture this state was seeded from: its password is unknown`,
        );
      const factors = JSON.parse(a.second_factors) as FixtureAccount["second_factors"];
      return {
        name: a.name,
        password: given.password,
        admin: a.is_admin === 1,
        disabled: a.disabled === 1,
        login_denied: a.login_denied === 1,
        ...(a.otp_secret === null ? {} : { otp_secret: a.otp_secret }),
        ...(given.second_factors === undefined ? {} : { second_factors: factors }),
        otp_enforced: a.otp_enforced === 1,
        password_state: a.password_state,
        locked: a.locked === 1,
        email: a.email,
        fullname: a.fullname,
      };
    }),
    hosts: rows.hosts.map((h) => ({ ...h, status: h.status as Fixture["hosts"][number]["status"] })),
    storages: rows.storages.map((st) => ({
      ...st,
      status: st.status as Fixture["storages"][number]["status"],
    })),
    networks: rows.networks.map((n) => ({
      ...n,
      host_ids: rows.hostNetworks.filter((hn) => hn.network_id === n.network_id).map((hn) => hn.host_id),
    })),
    shares: rows.shares.map((sh) => ({
      name: sh.name,
      files: rows.shareFiles
        .filter((f) => f.share === sh.name)
        .map((f) => ({ name: f.path.slice(sh.name.length + 2), size: f.size })),
    })),
    images: readyImages.flatMap((im) => {
      const storage_ids = rows.imageCopies
        .filter((c) => c.image_id === im.image_id && c.state === "ready")
        .map((c) => c.storage_id);
      if (storage_ids.length === 0) return [];
      return [
        {
          image_id: im.image_id,
          image_name: im.image_name,
          type: im.type,
          size: im.size,
          ds_file_path: im.ds_file_path,
          storage_ids,
        },
      ];
    }),
    guests: rows.guests.flatMap((g) => {
      const status = settled(g.status);
      if (status === undefined) return [];
      const host = status === "running" || g.host_id !== null ? g.host_id : null;
      return [
        {
          guest_id: g.guest_id,
          guest_name: g.guest_name,
          description: g.description,
          autorun: g.autorun as 0 | 1 | 2,
          status,
          storage_id: g.storage_id,
          ...(host === null ? {} : { host_id: host }),
          vcpu_num: g.vcpu_num,
          vram_size: g.vram_size,
          uefi: g.uefi === 1,
          cpu_reservation: g.cpu_reservation,
          vdisks: (vdisks.get(g.guest_id) ?? []).map((d) => ({
            vdisk_id: d.vdisk_id,
            controller: d.controller as Controller,
            unmap: d.unmap === 1,
            vdisk_size: d.vdisk_size,
            ...(d.image_id !== null && imageIds.has(d.image_id) ? { image_id: d.image_id } : {}),
          })),
          vnics: (vnics.get(g.guest_id) ?? []).map((v) => ({
            vnic_id: v.vnic_id,
            mac: v.mac,
            model: v.model as Controller,
            network_id: v.network_id,
          })),
        },
      ];
    }),
    // The NAS's states as a test left them (DSM's system APIs), so the next run starts with them.
    nas,
  };
}
