import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSuccess, startTestEmulator, type TestEmulator } from "../helpers";
import { defaultFixtureWith } from "./support";

const SYNOLOGY = "08fdc48c-4b79-4647-bbb6-7b2f4c6f7aca";
const SYNOLOGY_2 = "5e3a0c1d-2b4f-4e6a-9c8d-7f1e2d3c4b5a";
const SYNOLOGY_3 = "9c1b2a3d-4e5f-4061-8a7b-6c5d4e3f2a10";
const STORAGE_1 = "a5428b34-0fdb-456f-8339-f16224e4c860";

async function list(emu: TestEmulator, api: string, key: string): Promise<Record<string, unknown>[]> {
  const sid = await emu.login();
  const data = expectSuccess(await emu.vmm(sid, api, "list"));
  expect(Object.keys(data)).toEqual([key]);
  return data[key] as Record<string, unknown>[];
}

describe("Host, Storage and Network list over the default fixture", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());

  it("Host list answers the guide's keys; free figures count the running guest ubuntu-web (2 vCPU, 2048 MB)", async () => {
    const hosts = await list(emu, "Host", "hosts");
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
    const storages = await list(emu, "Storage", "storages");
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
        storage_id: "c0ffee00-1111-4222-8333-444455556666",
        storage_name: "Synology - VM Storage 2",
        used: 300,
        volume_path: "/volume2",
      },
      {
        host_id: SYNOLOGY_2,
        host_name: "Synology-2",
        size: 51200,
        status: "online",
        storage_id: "b7d1e2f3-0a4b-4c5d-8e6f-7a8b9c0d1e2f",
        storage_name: "Synology-2 - VM Storage 1",
        // 512 other + 16384 (db-reserved) + 2048 (ubuntu-22.04 copy)
        used: 18944,
        volume_path: "/volume1",
      },
      {
        host_id: SYNOLOGY_3,
        host_name: "Synology-3",
        status: "missing",
        storage_id: "d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
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
    expect(await list(emu, "Network", "networks")).toEqual([
      { network_id: "bfffe844-3dee-46fd-a1cc-00d2cae7b767", network_name: "Default VM Network" },
      { network_id: "3f2e1d0c-5b4a-4987-8a6b-1c2d3e4f5a6b", network_name: "Lab Network" },
    ]);
  });

  it("Guest.Image list answers image_id, image_name, storages [{status, storage_id, storage_name}], type", async () => {
    const images = await list(emu, "Guest.Image", "images");
    expect(images).toEqual([
      {
        image_id: "17f119ed-1294-408d-b8af-5d7ccd6bc22c",
        image_name: "final",
        storages: [{ status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" }],
        type: "disk",
      },
      {
        image_id: "54383227-c541-4e60-9cac-5da98b2dd88a",
        image_name: "ubuntu-22.04",
        storages: [
          { status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" },
          {
            status: "online",
            storage_id: "b7d1e2f3-0a4b-4c5d-8e6f-7a8b9c0d1e2f",
            storage_name: "Synology-2 - VM Storage 1",
          },
        ],
        type: "iso",
      },
      {
        image_id: "6a1f0e2d-3c4b-4a59-8687-9a0b1c2d3e4f",
        image_name: "vdsm-7.2",
        storages: [{ status: "online", storage_id: STORAGE_1, storage_name: "Synology - VM Storage 1" }],
        type: "vdsm",
      },
    ]);
  });
});

describe("derived figures follow the inventory, not constants", () => {
  it("with ubuntu-web shut down, host Synology has every thread and all RAM but DSM's own free", async () => {
    const emu = await startTestEmulator({
      fixtureData: defaultFixtureWith((f) => {
        for (const g of f.guests) if (g.guest_name === "ubuntu-web") g.status = "shutdown";
      }),
    });
    try {
      const [synology] = await list(emu, "Host", "hosts");
      expect(synology).toMatchObject({ free_cpu_core: 32, free_ram_size: 8192 - 1536 });
    } finally {
      await emu.close();
    }
  });

  it("each running guest takes its vCPUs and RAM from the host it runs on", async () => {
    const emu = await startTestEmulator({
      fixtureData: defaultFixtureWith((f) => {
        for (const g of f.guests) {
          if (g.guest_name === "win10" || g.guest_name === "syno") {
            g.status = "running";
            g.host_id = SYNOLOGY_2;
          }
        }
      }),
    });
    try {
      const hosts = await list(emu, "Host", "hosts");
      // win10 (2 vCPU, 2048 MB) + syno (1 vCPU, 1024 MB) on a 4-thread, 4096 MB host with 1024 MB for DSM
      expect(hosts[1]).toMatchObject({ host_name: "Synology-2", free_cpu_core: 1, free_ram_size: 0 });
      expect(hosts[0]).toMatchObject({ host_name: "Synology", free_cpu_core: 30, free_ram_size: 4608 });
    } finally {
      await emu.close();
    }
  });

  it("a shut-down guest given a host_id in the fixture takes nothing from that host", async () => {
    const emu = await startTestEmulator({
      fixtureData: defaultFixtureWith((f) => {
        for (const g of f.guests) if (g.guest_name === "win10") g.host_id = SYNOLOGY_2;
      }),
    });
    try {
      const hosts = await list(emu, "Host", "hosts");
      expect(hosts[1]).toMatchObject({ free_cpu_core: 4, free_ram_size: 3072 });
    } finally {
      await emu.close();
    }
  });

  it("storage used drops by the images removed and grows by the vdisks added", async () => {
    const emu = await startTestEmulator({
      fixtureData: defaultFixtureWith((f) => {
        f.images = [];
        for (const g of f.guests) for (const d of g.vdisks) d.image_id = undefined;
        const win10 = f.guests.find((g) => g.guest_name === "win10");
        win10?.vdisks.push({ vdisk_id: "extra-disk", controller: 1, unmap: false, vdisk_size: 1000 });
      }),
    });
    try {
      const [storage1, , synology2Storage] = await list(emu, "Storage", "storages");
      expect(storage1?.used).toBe(98880 - 12688 + 1000);
      expect(synology2Storage?.used).toBe(18944 - 2048);
    } finally {
      await emu.close();
    }
  });

  it("an image copy on a storage of an offline host is listed as missing", async () => {
    const emu = await startTestEmulator({
      fixtureData: defaultFixtureWith((f) => {
        for (const im of f.images)
          if (im.image_name === "final") im.storage_ids.push("d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a");
      }),
    });
    try {
      const [final] = await list(emu, "Guest.Image", "images");
      expect(final?.storages).toEqual([
        expect.objectContaining({ status: "online", storage_id: STORAGE_1 }),
        {
          status: "missing",
          storage_id: "d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
          storage_name: "Synology-3 - VM Storage 1",
        },
      ]);
    } finally {
      await emu.close();
    }
  });
});
