/**
 * Seeded databases kept for the life of the process, so that a second in-memory emulator of the
 * same fixture opens a copy of the first one's pages instead of creating the schema, hashing the
 * accounts' passwords and inserting every row again (tests start one emulator per file, some one
 * per test).
 *
 * An image is kept unstamped (server/store/seed.ts writes every value that depends on the moment
 * of loading in `stampSeed` alone), so each emulator stamps its copy with its own clock. Keyed by
 * the fixture's content and the schema's version; at most `KEPT` images, the oldest dropped first.
 *
 * By design: emulators of one process that load the same fixture share its accounts' password
 * hashes (salt included). They share the process's memory anyway; the hashes still never hold a
 * password, and a fixture with another password is another key.
 */
import { createHash } from "node:crypto";
import type { Fixture } from "../fixture";
import { MIGRATIONS } from "./schema";

const KEPT = 8;

export class SeededImages {
  readonly #images = new Map<string, Buffer>();

  /** The unstamped image of `fixture` seeded earlier in this process, if any. */
  get(fixture: Fixture): Buffer | undefined {
    return this.#images.get(keyOf(fixture));
  }

  keep(fixture: Fixture, image: Buffer): void {
    const key = keyOf(fixture);
    this.#images.delete(key);
    this.#images.set(key, image);
    for (const oldest of this.#images.keys()) {
      if (this.#images.size <= KEPT) break;
      this.#images.delete(oldest);
    }
  }
}

/** Fixtures are never mutated (see loadFixtureFile): a fixture object's key is worked out once. */
const keys = new WeakMap<Fixture, string>();

function keyOf(fixture: Fixture): string {
  let key = keys.get(fixture);
  if (key === undefined) {
    key = createHash("sha256")
      .update(`${MIGRATIONS.length}\n`)
      .update(JSON.stringify(fixture))
      .digest("base64");
    keys.set(fixture, key);
  }
  return key;
}

/** The process's kept images (immutable buffers: sharing them between emulators is safe). */
export const seededImages = new SeededImages();
