/**
 * The SQLite schema, as an ordered list of migrations. `PRAGMA user_version` records how many
 * have run; a database written by a newer emulator is refused rather than misread.
 *
 * Figures DSM derives (a host's free CPU threads and RAM, a storage's used space) are not
 * stored: they are computed from the guests, vdisks and images so they can never disagree.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE system (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    model TEXT NOT NULL,
    dsm_version TEXT NOT NULL,
    dsm_build INTEGER NOT NULL,
    serial TEXT NOT NULL,
    ram_mb INTEGER NOT NULL,
    vmm_version TEXT NOT NULL,
    cluster_status TEXT NOT NULL,          -- normal | incompatible | not_ready
    pro_licence INTEGER NOT NULL,
    ha_enabled INTEGER NOT NULL,
    ha_reservation_ok INTEGER NOT NULL,    -- 0: HA hosts cannot reserve CPU/RAM (1600 after an edit)
    max_iscsi_luns INTEGER NOT NULL,
    auto_select_host TEXT NOT NULL,        -- most_free_memory | storage_host | first
    boot_started_at INTEGER NOT NULL
  );

  CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    login_denied INTEGER NOT NULL DEFAULT 0, -- DSM application privileges deny it: login answers 402
    otp_secret TEXT
  );

  CREATE TABLE sessions (
    sid TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
    session_name TEXT NOT NULL,
    synotoken TEXT,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );

  CREATE TABLE device_tokens (
    did TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
    device_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE hosts (
    host_id TEXT PRIMARY KEY,
    host_name TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,                  -- running | inaccessible | network_warn | control_unavail
    total_cpu_core INTEGER NOT NULL,
    total_ram_size INTEGER NOT NULL,
    other_ram_used INTEGER NOT NULL,       -- MB DSM itself uses; not available to guests
    seq INTEGER NOT NULL
  );

  CREATE TABLE storages (
    storage_id TEXT PRIMARY KEY,
    storage_name TEXT NOT NULL UNIQUE,
    host_id TEXT NOT NULL REFERENCES hosts(host_id),
    size INTEGER NOT NULL,
    other_used INTEGER NOT NULL,           -- MB used by what is not a vdisk or an image
    status TEXT NOT NULL,
    volume_path TEXT NOT NULL,
    seq INTEGER NOT NULL
  );

  CREATE TABLE networks (
    network_id TEXT PRIMARY KEY,
    network_name TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL
  );

  CREATE TABLE host_networks (
    host_id TEXT NOT NULL REFERENCES hosts(host_id) ON DELETE CASCADE,
    network_id TEXT NOT NULL REFERENCES networks(network_id) ON DELETE CASCADE,
    PRIMARY KEY (host_id, network_id)
  );

  CREATE TABLE share_files (
    path TEXT PRIMARY KEY,                 -- /<share>/<file>
    share TEXT NOT NULL,
    size INTEGER NOT NULL                  -- MB
  );

  CREATE TABLE shares (
    name TEXT PRIMARY KEY
  );

  CREATE TABLE images (
    image_id TEXT PRIMARY KEY,
    image_name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,                    -- disk | vdsm | iso
    size INTEGER NOT NULL,                 -- MB, per copy
    ds_file_path TEXT NOT NULL,
    state TEXT NOT NULL,                   -- creating | ready
    seq INTEGER NOT NULL
  );

  CREATE TABLE image_storages (
    image_id TEXT NOT NULL REFERENCES images(image_id) ON DELETE CASCADE,
    storage_id TEXT NOT NULL REFERENCES storages(storage_id),
    state TEXT NOT NULL,                   -- creating | ready | failed
    PRIMARY KEY (image_id, storage_id)
  );

  CREATE TABLE guests (
    guest_id TEXT PRIMARY KEY,
    guest_name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    autorun INTEGER NOT NULL,
    status TEXT NOT NULL,
    storage_id TEXT NOT NULL REFERENCES storages(storage_id),
    vcpu_num INTEGER NOT NULL,
    vram_size INTEGER NOT NULL,
    host_id TEXT REFERENCES hosts(host_id), -- where it runs (booting, running, shutting_down)
    uefi INTEGER NOT NULL,
    cpu_reservation INTEGER NOT NULL,      -- threads reserved on the host (0: none)
    transition_due INTEGER,                -- when booting/shutting_down/creating ends (ms)
    seq INTEGER NOT NULL
  );
  CREATE INDEX guests_transition_due ON guests(transition_due) WHERE transition_due IS NOT NULL;
  CREATE INDEX guests_host ON guests(host_id) WHERE host_id IS NOT NULL;

  CREATE TABLE vdisks (
    vdisk_id TEXT PRIMARY KEY,
    guest_id TEXT NOT NULL REFERENCES guests(guest_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    controller INTEGER NOT NULL,
    unmap INTEGER NOT NULL,
    vdisk_size INTEGER NOT NULL,
    image_id TEXT
  );
  CREATE INDEX vdisks_guest ON vdisks(guest_id);

  CREATE TABLE vnics (
    vnic_id TEXT PRIMARY KEY,
    guest_id TEXT NOT NULL REFERENCES guests(guest_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    mac TEXT NOT NULL UNIQUE,
    model INTEGER NOT NULL,
    network_id TEXT REFERENCES networks(network_id)
  );
  CREATE INDEX vnics_guest ON vnics(guest_id);

  CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                    -- guest_create | image_create
    account TEXT NOT NULL,
    auto_clean INTEGER NOT NULL,
    target_id TEXT NOT NULL,               -- guest_id or image_id
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL,                  -- create (running) | finish | failed
    error_code INTEGER,
    fail_at_progress INTEGER,              -- control plane: fail when progress reaches this
    fail_code INTEGER,                     -- control plane: the code it then fails with
    stuck_at_progress INTEGER,             -- control plane: never pass this progress
    seq INTEGER NOT NULL
  );
  CREATE INDEX tasks_unfinished ON tasks(started_at) WHERE finished_at IS NULL;
  CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
  `,
  // 2: lookups that grew with the inventory: each insert's MAX(seq), and a storage's used space.
  `
  CREATE INDEX guests_seq ON guests(seq);
  CREATE INDEX guests_storage ON guests(storage_id);
  CREATE INDEX images_seq ON images(seq);
  CREATE INDEX tasks_seq ON tasks(seq);
  CREATE INDEX image_storages_storage ON image_storages(storage_id);
  `,
  // 3: a task that fails for a reason of the model (not a fault rule's code) records the reason;
  // each dialect answers its own code for it.
  `
  ALTER TABLE tasks ADD COLUMN error_reason TEXT;
  `,
  // 4: DSM 7's login rules and session details. An account's profile (NormalUser), its password's
  // state (409/410/408), lock (411) and 2-step policy (406, the factors the 403 lists, a code used
  // once per window); failed logins and blocked addresses (auto-block, 407); a session's cookie
  // login (its id cookie is re-issued) and its Noise handshake (X-SYNO-HASH).
  `
  ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
  ALTER TABLE accounts ADD COLUMN fullname TEXT NOT NULL DEFAULT '';
  ALTER TABLE accounts ADD COLUMN password_state TEXT NOT NULL DEFAULT 'ok'; -- ok | expired | expired_locked | must_change
  ALTER TABLE accounts ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0; -- unix seconds
  ALTER TABLE accounts ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accounts ADD COLUMN otp_enforced INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accounts ADD COLUMN second_factors TEXT NOT NULL DEFAULT '["otp"]'; -- JSON list
  ALTER TABLE accounts ADD COLUMN otp_last_step INTEGER;                    -- last accepted TOTP step

  ALTER TABLE sessions ADD COLUMN cookie INTEGER NOT NULL DEFAULT 0;        -- logged in with format=cookie
  ALTER TABLE sessions ADD COLUMN noise_state TEXT;                         -- JSON, after a Noise IK login

  CREATE TABLE login_failures (
    address TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX login_failures_address ON login_failures(address, at);

  CREATE TABLE blocked_addresses (
    address TEXT PRIMARY KEY,
    since INTEGER NOT NULL,
    until INTEGER                                                           -- NULL: until lifted
  );
  `,
  // 5: the internal dialect's state. A guest's two ISO slots (images mounted as CD-ROMs); an
  // image's exact size in bytes and its SHA-256 when it was uploaded (upload_and_create).
  `
  ALTER TABLE guests ADD COLUMN iso_1 TEXT REFERENCES images(image_id);
  ALTER TABLE guests ADD COLUMN iso_2 TEXT REFERENCES images(image_id);
  ALTER TABLE images ADD COLUMN bytes INTEGER;
  ALTER TABLE images ADD COLUMN sha256 TEXT;
  `,
  // 6: a task cleared while its work still runs (Task.Info clear): no longer listed or readable,
  // still finished by the tick (so its guest or image is not left "creating"), then removed.
  // Sessions and device tokens are capped per account (so one account cannot evict another's).
  // The clock's state persists with the data it dated.
  `
  ALTER TABLE tasks ADD COLUMN cleared INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX sessions_account ON sessions(account, last_seen);
  CREATE INDEX device_tokens_account ON device_tokens(account, created_at);
  ALTER TABLE system ADD COLUMN clock TEXT; -- JSON: the switchable clock's state, so a restart keeps its time
  `,
  // 7: the NAS around VMM (DSM's system APIs): the states a test sets (temperature, an update,
  // the security scan, disks, volumes, USB devices), one JSON document (server/store/nas.ts).
  `
  CREATE TABLE nas (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL                    -- JSON: the fixture's nas section, as changed since
  );
  `,
];

/**
 * Every table the migrations create, in the order they create them (a table before those that
 * refer to it): read from the migrations, so that a new table is cleared by a reset without a
 * second list to remember (test/store/database.test.ts holds it to SQLite's own list).
 */
export const TABLES: readonly string[] = MIGRATIONS.flatMap((migration) =>
  [...migration.matchAll(/\bCREATE TABLE (\w+)/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]])),
);
