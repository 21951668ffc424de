import { describe, expect, it } from "vitest";
import { HOSTS, IMAGES, NETWORKS, STORAGES } from "../../fixture-ids";
import { expectSuccess, fixtureWith, type Harness, useEmulator } from "../../harness";

const SYNOLOGY = HOSTS.first.id;
const SYNOLOGY_2 = HOSTS.second.id;
const SYNOLOGY_3 = HOSTS.offline.id;
const STORAGE_1 = STORAGES.first.id;

async function list(t: Harness, api: string, key: string): Promise<Record<string, unknown>[]> {
  const data = expectSuccess(await t.emu.vmm(t.sid, api, "list"));
  expect(Object.keys(data)).toEqual([key]);
  return data[key] as Record<string, unknown>[];
}

describe("Host, Storage and Network list over the default fixture", () => {
  const t = useEmulator();

  it("Host list answers the guide's keys; free figures count the running guest ubuntu-web (2 vCPU, 2048 MB)", async () => {
    const hosts = await list(t, "Host", "hosts");
    expect(hosts).toEqual([
      {
        free_cpu_core: 30,
        // 8192 total - 1536 used by DSM itself - 2048 for ubuntu-web
        free_ram_size: 4608,
        host_id: SYNOLOGY,
        host_name: "Synology",
        status: "running",
        total_cpu_core: 32,
        total_ram_size: 8192,
      },
      {
        free_cpu_core: 4,
        free_ram_size: 3072,
        host_id: SYNOLOGY_2,
        host_name: "Synology-2",
        status: "running",
        total_cpu_core: 4,
        total_ram_size: 4096,
      },
      // "only available when the host is not missing": an offline host has no figures.
      { host_id: SYNOLOGY_3, host_name: "Synology-3", status: "inaccessible" },
    ]);
    expect(Object.keys(hosts[0] ?? {})).toEqual([
      "free_cpu_core",
      "free_ram_size",
      "host_id",
      "host_name",
      "status",
      "total_cpu_core",
      "total_ram_size",
    ]);
  });

  it("Storage list: used counts vdisks and image copies; a storage of an offline host is missing, without size/used", async () => {
    const storages = await list(t, "Storage", "storages");
    expect(storages).toEqual([
      {
        host_id: SYNOLOGY,
        host_name: "Synology",
        size: 302227,
        status: "online",
        storage_id: STORAGE_1,
        storage_name: "Synology - VM Storage 1",
        // 1200 other + 84992 of seven guests' vdisks + 12688 of three images
        used: 98880,
        volume_path: "/volume1",
      },
      {
        host_id: SYNOLOGY,
        host_name: "Synology",
        size: 102400,
        status: "crashed",
        storage_id: STORAGES.crashed.id,
        storage_name: "Synology - VM Storage 2",
        used: 300,
        volume_path: "/volume2",
      },
      {
        host_id: SYNOLOGY_2,
        host_name: "Synology-2",
        size: 51200,
        status: "online",
        storage_id: STORAGES.second.id,
        storage_name: "Synology-2 - VM Storage 1",
        // 512 other + 16384 (db-reserved) + 2048 (ubuntu-22.04 copy)
        used: 18944,
        volume_path: "/volume1",
      },
      {
        host_id: SYNOLOGY_3,
        host_name: "Synology-3",
        status: "missing",
        storage_id: STORAGES.offlineHost.id,
        storage_name: "Synology-3 - VM Storage 1",
        volume_path: "/volume1",
      },
    ]);
    expect(Object.keys(storages[0] ?? {})).toEqual([
      "host_id",
      "host_name",
      "size",
      "status",
      "storage_id",
      "storage_name",
      "used",
      "volume_path",
    ]);
  });

  it("Network list answers network_id and network_name only", async () => {
    expect(await list(t, "Network", "networks")).toEqual([
      { network_id: NETWORKS.default.id, network_name: "Default VM Network" },
      { network_id: NETWORKS.lab.id, network_name: "Lab Network" },
    ]);
  });

  it("Guest.Image list answers image_id, image_name, storages [{status, storage_id, storage_name}], type, and used_size (bytes; the Terraform provider reads it)", async () => {
    const images = await list(t, "Guest.Image", "images");
    expect(images).toEqual([
      {
        image_id: IMAGES.disk.id,
        image_name: "final",
        storages: [{ status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" }],
        type: "disk",
        used_size: 10737418240,
      },
      {
        image_id: IMAGES.iso.id,
        image_name: "ubuntu-22.04",
        storages: [
          { status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" },
          {
            status: "online",
            storage_id: STORAGES.second.id,
            storage_name: "Synology-2 - VM Storage 1",
          },
        ],
        type: "iso",
        used_size: 2147483648,
      },
      {
        image_id: IMAGES.vdsm.id,
        image_name: "vdsm-7.2",
        storages: [{ status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" }],
        type: "vdsm",
        used_size: 419430400,
      },
    ]);
  });
});

describe("derived figures follow the inventory, not constants", () => {
  // Every test starts its own variant of the fixture.
  const t = useEmulator();

  it("with ubuntu-web shut down, host Synology has every thread and all RAM but DSM's own free", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        for (const g of f.guests) if (g.guest_name === "ubuntu-web") g.status = "shutdown";
      }),
    });
    const [synology] = await list(t, "Host", "hosts");
    expect(synology).toMatchObject({ free_cpu_core: 32, free_ram_size: 8192 - 1536 });
  });

  it("each running guest takes its vCPUs and RAM from the host it runs on", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        for (const g of f.guests) {
          if (g.guest_name === "win10" || g.guest_name === "syno") {
            g.status = "running";
            g.host_id = SYNOLOGY_2;
          }
        }
      }),
    });
    const hosts = await list(t, "Host", "hosts");
    // win10 (2 vCPU, 2048 MB) + syno (1 vCPU, 1024 MB) on a 4-thread, 4096 MB host with 1024 MB for DSM
    expect(hosts[1]).toMatchObject({ host_name: "Synology-2", free_cpu_core: 1, free_ram_size: 0 });
    expect(hosts[0]).toMatchObject({ host_name: "Synology", free_cpu_core: 30, free_ram_size: 4608 });
  });

  it("a shut-down guest given a host_id in the fixture takes nothing from that host", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        for (const g of f.guests) if (g.guest_name === "win10") g.host_id = SYNOLOGY_2;
      }),
    });
    const hosts = await list(t, "Host", "hosts");
    expect(hosts[1]).toMatchObject({ free_cpu_core: 4, free_ram_size: 3072 });
  });

  it("storage used drops by the images removed and grows by the vdisks added", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        f.images = [];
        for (const g of f.guests) for (const d of g.vdisks) d.image_id = undefined;
        const win10 = f.guests.find((g) => g.guest_name === "win10");
        win10?.vdisks.push({ vdisk_id: "extra-disk", controller: 1, unmap: false, vdisk_size: 1000 });
      }),
    });
    const [storage1, , synology2Storage] = await list(t, "Storage", "storages");
    expect(storage1?.used).toBe(98880 - 12688 + 1000);
    expect(synology2Storage?.used).toBe(18944 - 2048);
  });

  it("an image copy on a storage of an offline host is listed as missing", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        for (const im of f.images)
          if (im.image_name === "final") im.storage_ids.push(STORAGES.offlineHost.id);
      }),
    });
    const [final] = await list(t, "Guest.Image", "images");
    expect(final?.storages).toEqual([
      expect.objectContaining({ status: "online", storage_id: STORAGE_1 }),
      {
        status: "missing",
        storage_id: STORAGES.offlineHost.id,
        storage_name: "Synology-3 - VM Storage 1",
      },
    ]);
  });
});
