/**
 * Every method of the VMM API guide as a typed call. Answers are typed by the guide's shapes
 * but not validated here (DSM may add keys; the shape scenarios check them strictly).
 */
import type { DsmClient } from "./dsm-client";
import type { Guest, Host, Image, Network, Storage, TaskState } from "./shapes";

export const VMM_APIS = {
  task: "SYNO.Virtualization.API.Task.Info",
  network: "SYNO.Virtualization.API.Network",
  storage: "SYNO.Virtualization.API.Storage",
  host: "SYNO.Virtualization.API.Host",
  guest: "SYNO.Virtualization.API.Guest",
  action: "SYNO.Virtualization.API.Guest.Action",
  image: "SYNO.Virtualization.API.Guest.Image",
} as const;

export type GuestRef = { readonly guest_id: string } | { readonly guest_name: string };
export type ImageRef = { readonly image_id: string } | { readonly image_name: string };
export type HostRef = { readonly host_id: string } | { readonly host_name: string };
export type StorageRef = { readonly storage_id: string } | { readonly storage_name: string };

export type VdiskSpec =
  | { readonly create_type: 0; readonly vdisk_size: number }
  | ({ readonly create_type: 1 } & ({ readonly image_id: string } | { readonly image_name: string }));

export interface VnicSpec {
  readonly mac?: string;
  /** `""` = not connected. */
  readonly network_id?: string;
  readonly network_name?: string;
}

export type GuestCreateSpec = { readonly guest_name: string } & StorageRef & {
    readonly vdisks: readonly VdiskSpec[];
    readonly vnics: readonly VnicSpec[];
    readonly auto_clean_task?: boolean;
  };

export interface GuestChanges {
  readonly autorun?: 0 | 1 | 2;
  readonly description?: string;
  readonly new_guest_name?: string;
  readonly vcpu_num?: number;
  readonly vram_size?: number;
}

export type ImageCreateSpec = {
  readonly image_name: string;
  readonly type: "disk" | "vdsm" | "iso";
  readonly ds_file_path: string;
  readonly auto_clean_task?: boolean;
} & ({ readonly storage_ids: readonly string[] } | { readonly storage_names: readonly string[] });

type Params = Record<string, string | number | boolean | undefined>;

export class VmmApi {
  constructor(readonly dsm: DsmClient) {}

  async listTasks(): Promise<string[]> {
    return ((await this.dsm.call(VMM_APIS.task, "list", {})) as { task_ids: string[] }).task_ids;
  }
  async getTask(taskId: string): Promise<TaskState> {
    return (await this.dsm.call(VMM_APIS.task, "get", { task_id: taskId })) as TaskState;
  }
  async clearTask(taskId: string): Promise<void> {
    await this.dsm.call(VMM_APIS.task, "clear", { task_id: taskId });
  }

  async listNetworks(): Promise<Network[]> {
    return ((await this.dsm.call(VMM_APIS.network, "list", {})) as { networks: Network[] }).networks;
  }
  async listStorages(): Promise<Storage[]> {
    return ((await this.dsm.call(VMM_APIS.storage, "list", {})) as { storages: Storage[] }).storages;
  }
  async listHosts(): Promise<Host[]> {
    return ((await this.dsm.call(VMM_APIS.host, "list", {})) as { hosts: Host[] }).hosts;
  }

  async listGuests(additional = false): Promise<Guest[]> {
    return ((await this.dsm.call(VMM_APIS.guest, "list", { additional })) as { guests: Guest[] }).guests;
  }
  async getGuest(ref: GuestRef, additional = false): Promise<Guest> {
    return (await this.dsm.call(VMM_APIS.guest, "get", { ...ref, additional })) as Guest;
  }
  /** Answers the task id; read the result with `getTask` (or `waitForTask` in wait.ts). */
  async createGuest(spec: GuestCreateSpec): Promise<string> {
    const { vdisks, vnics, auto_clean_task, ...rest } = spec;
    const params: Params = { ...rest, vdisks: JSON.stringify(vdisks), vnics: JSON.stringify(vnics) };
    if (auto_clean_task !== undefined) params.auto_clean_task = auto_clean_task;
    return ((await this.dsm.call(VMM_APIS.guest, "create", params)) as { task_id: string }).task_id;
  }
  async setGuest(ref: GuestRef, changes: GuestChanges): Promise<void> {
    await this.dsm.call(VMM_APIS.guest, "set", { ...ref, ...changes });
  }
  async deleteGuest(ref: GuestRef): Promise<void> {
    await this.dsm.call(VMM_APIS.guest, "delete", { ...ref });
  }

  async powerOn(ref: GuestRef, host?: HostRef): Promise<void> {
    await this.dsm.call(VMM_APIS.action, "poweron", { ...ref, ...host });
  }
  async powerOff(ref: GuestRef): Promise<void> {
    await this.dsm.call(VMM_APIS.action, "poweroff", { ...ref });
  }
  async shutdown(ref: GuestRef): Promise<void> {
    await this.dsm.call(VMM_APIS.action, "shutdown", { ...ref });
  }

  async listImages(): Promise<Image[]> {
    return ((await this.dsm.call(VMM_APIS.image, "list", {})) as { images: Image[] }).images;
  }
  async createImage(spec: ImageCreateSpec): Promise<string> {
    const params: Params = { image_name: spec.image_name, type: spec.type, ds_file_path: spec.ds_file_path };
    if ("storage_ids" in spec) params.storage_ids = JSON.stringify(spec.storage_ids);
    else params.storage_names = JSON.stringify(spec.storage_names);
    if (spec.auto_clean_task !== undefined) params.auto_clean_task = spec.auto_clean_task;
    return ((await this.dsm.call(VMM_APIS.image, "create", params)) as { task_id: string }).task_id;
  }
  async deleteImage(ref: ImageRef): Promise<void> {
    await this.dsm.call(VMM_APIS.image, "delete", { ...ref });
  }
}
