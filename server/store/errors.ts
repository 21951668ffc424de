/**
 * What the store reports when the database itself refuses a write: a UNIQUE constraint that
 * another writer won first. The model turns it into its own refusal (a name or MAC taken), so
 * a race lost at the database answers exactly like one lost at the check before it.
 */
export class UniqueConflict extends Error {
  override name = "UniqueConflict";
  constructor(readonly column: string) {
    super(`${column} is already taken`);
  }
}

/** Runs `write`; a UNIQUE failure on one of `columns` (`table.column`) becomes UniqueConflict. */
export function unique<T>(columns: readonly string[], write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof Error && (err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      const column = columns.find((c) => err.message.includes(c));
      if (column !== undefined) throw new UniqueConflict(column);
    }
    throw err;
  }
}
