/**
 * What the dashboard reads, and nothing more. These are structural types: the control plane
 * satisfies `DashboardSource` as it is (its `state()`, `clock()`, `snapshots()`, `journal` and
 * `faults`), but the dashboard never imports it, so the control plane can be rebuilt freely as
 * long as these shapes still come out. A field the dashboard does not show is not listed here.
 */

export interface SystemView {
  readonly model: string;
  readonly dsm_version: string;
  readonly vmm_version: string;
  readonly cluster_status: string;
  readonly pro_licence: boolean;
  readonly ha_enabled: boolean;
  readonly ha_reservation_ok: boolean;
  readonly max_iscsi_luns: number;
  readonly auto_select_host: string;
}

/** CPU in threads, RAM in MB. */
export interface HostView {
  readonly host_id: string;
  readonly host_name: string;
  readonly status: string;
  readonly total_cpu_core: number;
  readonly total_ram_size: number;
  readonly other_ram_used: number;
  readonly used_cpu: number;
  readonly used_ram: number;
}

/** Sizes in MB. */
export interface StorageView {
  readonly storage_id: string;
  readonly storage_name: string;
  readonly host_name: string;
  readonly status: string;
  readonly size: number;
  readonly used: number;
}

export interface ImageView {
  readonly image_id: string;
  readonly image_name: string;
  readonly type: string;
  /** MB per copy. */
  readonly size: number;
  readonly state: string;
  readonly storages: readonly { readonly storage_name: string; readonly state: string }[];
}

export interface NetworkView {
  readonly network_id: string;
  readonly network_name: string;
  readonly host_ids: readonly string[];
}

/** An account without its secrets: whether it needs an OTP, never the secret or the hash. */
export interface AccountView {
  readonly name: string;
  readonly is_admin: boolean;
  readonly disabled: boolean;
  readonly otp: boolean;
}

/** Where the emulator listens, once it does (socket-less use has none). */
export interface ConnectionView {
  readonly url: string;
  readonly httpsUrl: string | undefined;
  /** The HTTPS certificate's SHA-256 fingerprint, to pin. */
  readonly fingerprint: string | undefined;
}

export interface GuestView {
  readonly guest_id: string;
  readonly guest_name: string;
  readonly status: string;
  readonly host_id: string | null;
  readonly storage_id: string;
  readonly storage_name: string;
  readonly vcpu_num: number;
  readonly vram_size: number;
  readonly vdisks: readonly { readonly vdisk_id: string; readonly vdisk_size: number }[];
  readonly vnics: readonly { readonly mac: string; readonly network_name: string | null }[];
  /** The ISO images mounted in the guest's two CD-ROM slots (image ids), or null. */
  readonly iso_1: string | null;
  readonly iso_2: string | null;
}

export interface TaskView {
  readonly task_id: string;
  readonly kind: string;
  readonly target_id: string;
  readonly progress: number;
  readonly status: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly error_code: number | null;
  readonly stuck_at_progress: number | null;
}

/** The NAS's states a test sets (DSM's system APIs); disks by DSM id, volumes by storage id. */
export interface NasView {
  readonly temperature: number;
  readonly update: string | null;
  readonly security: string;
  readonly disks: Readonly<Record<string, string>>;
  readonly volumes: Readonly<Record<string, string>>;
  readonly usb: readonly { readonly producer: string; readonly product: string }[];
}

export interface StateView {
  readonly system: SystemView;
  readonly hosts: readonly HostView[];
  readonly storages: readonly StorageView[];
  readonly images: readonly ImageView[];
  readonly networks: readonly NetworkView[];
  readonly accounts: readonly AccountView[];
  readonly guests: readonly GuestView[];
  readonly tasks: readonly TaskView[];
  readonly sessions: number;
  readonly nas: NasView;
}

export interface ClockView {
  readonly mode: string;
  readonly now: number;
  readonly iso: string;
  readonly time_scale: string | number;
}

export interface SnapshotView {
  readonly name: string;
  readonly created_at: string;
}

/** The part of the journal's filter the dashboard uses: success or error, one code, the newest `limit`. */
export interface JournalQuery {
  limit?: number;
  status?: "success" | "error";
  code?: number;
}

/** One DSM call as the journal gives it, its parameters already redacted. */
export interface JournalEntryView {
  readonly seq: number;
  readonly at: string;
  readonly cgi: string;
  readonly api: string | null;
  readonly method: string | null;
  readonly version: number | null;
  readonly params: Readonly<Record<string, string>>;
  readonly success: boolean;
  readonly code?: number;
  readonly fault_rule?: string;
  readonly transport?: string;
  readonly duration_ms: number;
  /** The answer as sent, secrets redacted (absent for calls recorded without one). */
  readonly response?: {
    readonly headers: Readonly<Record<string, string | readonly string[]>>;
    readonly body: string;
    readonly truncated?: number;
  };
}

export interface UnimplementedView {
  readonly api: string;
  readonly method: string;
  readonly count: number;
}

export interface FaultView {
  readonly id: string;
  readonly match: {
    readonly api?: string;
    readonly method?: string;
    readonly version?: number;
    readonly account?: string;
    readonly target?: string;
  };
  readonly action: { readonly type: string };
  readonly times?: number;
  readonly skip?: number;
  readonly probability?: number;
  readonly matched: number;
  readonly acted: number;
}

export interface DashboardSource {
  state(): StateView;
  /** Where the emulator listens, for the "how to connect" panel. */
  connection(): ConnectionView | undefined;
  clock(): ClockView;
  snapshots(): readonly SnapshotView[];
  readonly journal: {
    entries(filter?: JournalQuery): readonly JournalEntryView[];
    unimplemented(): readonly UnimplementedView[];
  };
  readonly faults: { list(): readonly FaultView[] };
}
