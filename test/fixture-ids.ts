/**
 * The default fixture's names and ids (fixtures/default.json), so tests name them once. Which
 * guest is there for which error code is told in docs/core.md (the fixture's story).
 */
export const ACCOUNTS = {
  admin: { account: "admin", passwd: "synology" },
  /** Not an administrator: Virtualization APIs answer 105. */
  viewer: { account: "viewer", passwd: "viewer-pass" },
  /** Disabled: login answers 401. */
  disabled: { account: "former", passwd: "former-pass" },
  /** Needs a 2-step code (TOTP secret below). */
  otp: { account: "otpadmin", passwd: "otp-pass", secret: "JBSWY3DPEHPK3PXP" },
  /** Denied by application privileges: login answers 402. */
  nologin: { account: "nologin", passwd: "nologin-pass" },
} as const;

export const HOSTS = {
  first: { id: "08fdc48c-4b79-4647-bbb6-7b2f4c6f7aca", name: "Synology" },
  second: { id: "5e3a0c1d-2b4f-4e6a-9c8d-7f1e2d3c4b5a", name: "Synology-2" },
  /** Offline (inaccessible). */
  offline: { id: "9c1b2a3d-4e5f-4061-8a7b-6c5d4e3f2a10", name: "Synology-3" },
} as const;

export const STORAGES = {
  first: { id: "a5428b34-0fdb-456f-8339-f16224e4c860", name: "Synology - VM Storage 1" },
  crashed: { id: "c0ffee00-1111-4222-8333-444455556666", name: "Synology - VM Storage 2" },
  second: { id: "b7d1e2f3-0a4b-4c5d-8e6f-7a8b9c0d1e2f", name: "Synology-2 - VM Storage 1" },
  /** On the offline host. */
  offlineHost: { id: "d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a", name: "Synology-3 - VM Storage 1" },
} as const;

export const NETWORKS = {
  default: { id: "bfffe844-3dee-46fd-a1cc-00d2cae7b767", name: "Default VM Network" },
  /** Only on the first host. */
  lab: { id: "3f2e1d0c-5b4a-4987-8a6b-1c2d3e4f5a6b", name: "Lab Network" },
} as const;

export const IMAGES = {
  disk: { id: "17f119ed-1294-408d-b8af-5d7ccd6bc22c", name: "final" },
  iso: { id: "54383227-c541-4e60-9cac-5da98b2dd88a", name: "ubuntu-22.04" },
  vdsm: { id: "6a1f0e2d-3c4b-4a59-8687-9a0b1c2d3e4f", name: "vdsm-7.2" },
} as const;

/** Files on the fixture's shared folders, for Guest.Image create. */
export const SHARE_FILES = {
  disk: "/share/syno.img",
  iso: "/share/ubuntu-22.04.iso",
  vdsm: "/share/vdsm.pat",
} as const;

export const GUESTS = {
  /** UEFI, shut down: 911 when booted remotely. */
  win10: { id: "89f5bde5-9230-417e-b597-f2fd4f4ebd54", name: "win10" },
  /** Shut down, small: the guest most tests power on. */
  syno: { id: "49dee62c-8ea2-465b-9dff-815025f91bba", name: "syno" },
  /** Running on the first host. */
  running: { id: "0b5c7a3e-1d2f-4e6a-8b9c-0d1e2f3a4b5c", name: "ubuntu-web" },
  legacyIde: { id: "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", name: "legacy-ide" },
  labRouter: { id: "3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a", name: "lab-router" },
  dbReserved: { id: "4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b", name: "db-reserved" },
  /** Its storage's host is offline: 901. */
  archive: { id: "5f6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b9c", name: "archive" },
  bigMemory: { id: "6a7b8c9d-0e1f-4a2b-9c3d-5e6f7a8b9c0d", name: "big-memory" },
  manyCpu: { id: "7b8c9d0e-1f2a-4b3c-8d4e-6f7a8b9c0d1e", name: "many-cpu" },
} as const;
