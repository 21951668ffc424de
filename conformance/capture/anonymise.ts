/**
 * `capture --anonymise`: a fixture someone can share. Serials, MACs, names, descriptions, the
 * account's name and contact details, and the NAS's address are replaced by neutral values, the
 * same input always giving the same output; ids, sizes, states and the topology are kept, since
 * they are what an automation bug depends on (a NAS's ids are random UUIDs, not names).
 */
import type { CapturedFixture } from "./to-fixture";

/** `02:…` is a locally administered address, so an anonymised MAC can never be a vendor's. */
const mac = (n: number): string => {
  const hex = n.toString(16).padStart(8, "0");
  return `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
};

export function anonymiseFixture(f: CapturedFixture): CapturedFixture {
  let macs = 0;
  const renamed = <T>(list: readonly T[], label: string, name: (item: T, n: string) => T): T[] =>
    list.map((item, i) => name(item, `${label}-${i + 1}`));
  return {
    format: f.format,
    source:
      `Captured by vmm-conformance capture from a ${f.system.model} (DSM ${f.system.dsm_version}), anonymised: serial, MACs, names, descriptions and the account replaced. ${
        f.source.includes("Assumed where") ? f.source.slice(f.source.indexOf("Assumed where")) : ""
      }`.trim(),
    system: { ...f.system, serial: "ANONYMISED" },
    accounts: f.accounts.map((a, i) => ({
      ...a,
      name: i === 0 ? "admin" : `account-${i + 1}`,
      email: "",
      fullname: "",
    })),
    hosts: renamed(f.hosts, "host", (h, host_name) => ({ ...h, host_name })),
    storages: renamed(f.storages, "storage", (s, storage_name) => ({ ...s, storage_name })),
    networks: renamed(f.networks, "network", (n, network_name) => ({ ...n, network_name })),
    images: renamed(f.images, "image", (im, image_name) => ({ ...im, image_name })),
    guests: renamed(f.guests, "guest", (g, guest_name) => ({
      ...g,
      guest_name,
      description: "",
      vnics: g.vnics.map((v) => ({ ...v, mac: mac(++macs) })),
    })),
  };
}
