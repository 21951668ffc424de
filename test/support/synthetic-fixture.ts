/**
 * Synthetic inventories for benchmarks and reliability tests: the default fixture with hosts and
 * storages made large enough that nothing but the thing measured can fail (CPU, RAM, space,
 * LUNs), plus generated guests so that the inventory holds exactly `guests` of them.
 * Ids and MACs are derived from the guest's index, so every run has the same inventory.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FIXTURE } from "../../server/config";
import { type Fixture, loadFixtureFile } from "../../server/fixture";

/** The storage every generated guest lives on (the default fixture's first storage). */
export const BENCH_STORAGE_ID = "a5428b34-0fdb-456f-8339-f16224e4c860";
export const BENCH_NETWORK_ID = "bfffe844-3dee-46fd-a1cc-00d2cae7b767";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** A deterministic UUID-shaped id for generated object `i` of kind `kind` (0-15). */
export function syntheticId(kind: number, i: number): string {
  return `${hex(kind, 8)}-0000-4000-8000-${hex(i, 12)}`;
}

/** The default fixture grown to `guests` guests on roomy hosts and storages. */
export function syntheticFixture(guests: number): Fixture {
  const base = loadFixtureFile(DEFAULT_FIXTURE);
  const fixture: Fixture = {
    ...base,
    source: `test/support/synthetic-fixture.ts: ${DEFAULT_FIXTURE} grown to ${guests} guests, with roomy hosts and storages`,
    system: { ...base.system, max_iscsi_luns: 1_000_000 },
    hosts: base.hosts.map((h) => ({ ...h, total_cpu_core: 4096, total_ram_size: 64 * 1024 * 1024 })),
    storages: base.storages.map((s) => ({ ...s, size: 1024 * 1024 * 1024 })),
    guests: base.guests.slice(0, guests),
  };
  for (let i = fixture.guests.length; i < guests; i++) {
    fixture.guests.push({
      guest_id: syntheticId(1, i),
      guest_name: `bench-${i}`,
      description: `generated guest ${i}`,
      autorun: 0,
      status: "shutdown",
      storage_id: BENCH_STORAGE_ID,
      vcpu_num: 1,
      vram_size: 512,
      uefi: false,
      cpu_reservation: 0,
      vdisks: [{ vdisk_id: syntheticId(2, i), controller: 1, unmap: false, vdisk_size: 1024 }],
      vnics: [
        {
          vnic_id: syntheticId(3, i),
          // 02:11:3f is outside the default fixture's 02:11:32 addresses, so no MAC can clash.
          mac: `02:11:3f:${hex(i >> 16, 2)}:${hex((i >> 8) & 0xff, 2)}:${hex(i & 0xff, 2)}`,
          model: 1,
          network_id: BENCH_NETWORK_ID,
        },
      ],
    });
  }
  return fixture;
}

/** Writes `syntheticFixture(guests)` into `dir` and answers the file's path. */
export function writeSyntheticFixture(dir: string, guests: number): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `fixture-${guests}.json`);
  writeFileSync(path, JSON.stringify(syntheticFixture(guests)));
  return path;
}
