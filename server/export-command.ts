/**
 * `vmm-emulator export [--db file] [--fixture file]`: the state of a database file as a fixture
 * on stdout, without starting the emulator (a CI job's last step, after the emulator stopped).
 * The passwords come from the fixture the database was seeded from (`--fixture`, default the
 * default fixture), as with `GET /__admin/fixture`.
 */
import { existsSync } from "node:fs";
import type { Config } from "./config";
import { exportFixture } from "./control/export";
import { type Fixture, loadFixtureFile, withAccounts } from "./fixture";
import { openDatabase } from "./store/db";
import { Store } from "./store/index";

export function exportDatabase(config: Config): Fixture {
  if (config.db === ":memory:") throw new Error("export reads a database file (--db <path>), not :memory:");
  if (!existsSync(config.db)) throw new Error(`there is no database at ${config.db}`);
  const fixture = withAccounts(loadFixtureFile(config.fixture), config.accounts);
  const db = openDatabase(config.db);
  try {
    const store = new Store(db);
    if (store.isEmpty()) throw new Error(`${config.db} holds no NAS yet (it was never seeded)`);
    return store.deferred(() =>
      exportFixture(store.fixtureRows.read(), fixture.accounts, fixture.source, store.nas.get()),
    );
  } finally {
    db.close();
  }
}
