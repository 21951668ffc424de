/**
 * Where snapshots are kept: in memory, or, with `--snapshot-dir`, as files that outlive the
 * emulator (`<name>.sqlite`, the database image, beside `<name>.json`, its creation time), so
 * that a CI job can restore a state a previous job saved. A file-backed snapshot is read from
 * disk when restored, not held in memory; files are written whole (a temporary file renamed),
 * so a crash never leaves half an image under a snapshot's name.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SnapshotInfo {
  name: string;
  created_at: string;
}

interface Kept {
  created_at: string;
  /** In memory (no snapshot folder), or read from `file` when restored. */
  image?: Buffer;
  file?: string;
}

/** The names the control plane accepts, so a name is always a plain file name. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export class SnapshotShelf {
  readonly #dir: string | undefined;
  readonly #kept = new Map<string, Kept>();

  /** Reads the folder's snapshots (their names and times; the images stay on disk). */
  constructor(dir: string | undefined) {
    this.#dir = dir;
    if (dir === undefined) return;
    mkdirSync(dir, { recursive: true });
    for (const entry of readdirSync(dir).sort()) {
      if (!entry.endsWith(".sqlite")) continue;
      const name = entry.slice(0, -".sqlite".length);
      if (!NAME.test(name)) continue;
      let created_at = "";
      try {
        const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as { created_at?: unknown };
        if (typeof meta.created_at === "string") created_at = meta.created_at;
      } catch {
        // A snapshot file copied in by hand, without its note: it has no known time.
      }
      this.#kept.set(name, { created_at, file: join(dir, entry) });
    }
  }

  get size(): number {
    return this.#kept.size;
  }
  /** Snapshots in a folder take no memory, so only in-memory ones count towards the limit. */
  get inMemory(): number {
    return this.#dir === undefined ? this.#kept.size : 0;
  }
  has(name: string): boolean {
    return this.#kept.has(name);
  }
  list(): SnapshotInfo[] {
    return [...this.#kept].map(([name, s]) => ({ name, created_at: s.created_at }));
  }

  save(name: string, image: Buffer, created_at: string): void {
    if (this.#dir === undefined) {
      this.#kept.set(name, { image, created_at });
      return;
    }
    const file = join(this.#dir, `${name}.sqlite`);
    writeWhole(file, image);
    writeWhole(join(this.#dir, `${name}.json`), `${JSON.stringify({ name, created_at })}\n`);
    this.#kept.set(name, { created_at, file });
  }

  /** The image, or undefined when there is no such snapshot. */
  image(name: string): Buffer | undefined {
    const kept = this.#kept.get(name);
    if (kept === undefined) return undefined;
    return kept.image ?? (kept.file === undefined ? undefined : readFileSync(kept.file));
  }

  delete(name: string): void {
    const kept = this.#kept.get(name);
    this.#kept.delete(name);
    if (kept?.file !== undefined) {
      rmSync(kept.file, { force: true });
      rmSync(kept.file.replace(/\.sqlite$/, ".json"), { force: true });
    }
  }
}

function writeWhole(path: string, data: Buffer | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}
