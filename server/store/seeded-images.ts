/**
 * Seeded databases kept so that an in-memory emulator of a fixture seeded before opens a copy of
 * its pages instead of creating the schema, hashing the accounts' passwords and inserting every
 * row again (tests start one emulator per file, some one per test; CI starts the command per job).
 * Kept in the process (at most `KEPT`, the oldest dropped first) and, when given a folder, in the
 * user's cache folder (server/user-cache.ts) for the next process.
 *
 * An image is kept unstamped (server/store/seed.ts writes every value that depends on the moment
 * of loading in `stampSeed` alone), so each emulator stamps its copy with its own clock. Keyed by
 * the fixture's content and the schema's version. A file ends with the SHA-256 of the image, so
 * a torn or foreign file is never opened (it is made again).
 *
 * By design: emulators that load the same fixture share its accounts' password hashes (salt
 * included). The hashes never hold a password (the fixture file holds them in clear anyway), and
 * a fixture with another password is another key; files are the user's own (0600).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Fixture } from "../fixture";
import { MIGRATIONS } from "./schema";

const KEPT = 8;
const DIGEST_BYTES = 32;

export class SeededImages {
  readonly #images = new Map<string, Buffer>();
  readonly #dir: () => string | undefined;

  /** `dir`: the folder that keeps images between processes (none: this process only). */
  constructor(dir: () => string | undefined = () => undefined) {
    this.#dir = dir;
  }

  /** The unstamped image of `fixture` seeded earlier, in this process or (from its file) before. */
  get(fixture: Fixture): Buffer | undefined {
    const key = keyOf(fixture);
    const image = this.#images.get(key) ?? this.#read(key);
    if (image !== undefined) this.#remember(key, image);
    return image;
  }

  keep(fixture: Fixture, image: Buffer): void {
    const key = keyOf(fixture);
    this.#remember(key, image);
    this.#write(key, image);
  }

  #remember(key: string, image: Buffer): void {
    this.#images.delete(key);
    this.#images.set(key, image);
    for (const oldest of this.#images.keys()) {
      if (this.#images.size <= KEPT) break;
      this.#images.delete(oldest);
    }
  }

  #file(key: string): string | undefined {
    const dir = this.#dir();
    return dir === undefined ? undefined : join(dir, `seed-${key}.sqlite`);
  }

  #read(key: string): Buffer | undefined {
    const file = this.#file(key);
    if (file === undefined) return undefined;
    try {
      const bytes = readFileSync(file);
      const image = bytes.subarray(0, bytes.length - DIGEST_BYTES);
      const digest = bytes.subarray(bytes.length - DIGEST_BYTES);
      return bytes.length > DIGEST_BYTES && sha256(image).equals(digest) ? Buffer.from(image) : undefined;
    } catch {
      return undefined; // none yet, or unreadable: seeded again
    }
  }

  #write(key: string, image: Buffer): void {
    const file = this.#file(key);
    if (file === undefined) return;
    try {
      const dir = this.#dir();
      if (dir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Another process may be writing the same image: each writes its own file, then renames it.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.concat([image, sha256(image)]), { mode: 0o600 });
      renameSync(partial, file);
    } catch {
      // A cache that cannot be written only costs the next process its seeding.
    }
  }
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest();

/** Fixtures are never mutated (see loadFixtureFile): a fixture object's key is worked out once. */
const keys = new WeakMap<Fixture, string>();

function keyOf(fixture: Fixture): string {
  let key = keys.get(fixture);
  if (key === undefined) {
    key = createHash("sha256")
      .update(`${MIGRATIONS.length}\n`)
      .update(JSON.stringify(fixture))
      .digest("hex")
      .slice(0, 32);
    keys.set(fixture, key);
  }
  return key;
}
