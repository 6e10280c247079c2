// The directory users this process last read or wrote, by directory and id. Okta updates with a
// GET then a PUT, Entra with a filtered GET then a PATCH: remembering the row the GET returned lets
// the write compute its change from it and go out in one round trip instead of two. It is never an
// answer to a read, only a guess at the current version: the write applies only while the row is
// still at that version (directory-sql/user-writes.ts), and when another write (any process's) got
// in first, the row is read again. Reading a row at a version and finding another content there is
// impossible: every change bumps the version and ids are never reused.

/** Enough for the users of a push in flight; past it the oldest are forgotten. */
const MAX_ROWS = 5_000;

export interface RememberedRows<T extends { directoryId: string; id: string; version: number }> {
  /** Remembers a copy of `row` (the caller goes on rendering, and could change, the one it passed). */
  remember(row: T): void;
  /** Remembers `row` itself: for a row the caller built for this alone and lets go of. */
  keep(row: T): void;
  recall(directoryId: string, id: string): T | undefined;
  forget(directoryId: string, id: string): void;
}

export function rememberedRows<T extends { directoryId: string; id: string; version: number }>(max = MAX_ROWS): RememberedRows<T> {
  const rows = new Map<string, T>();
  const key = (directoryId: string, id: string) => `${directoryId}\n${id}`;
  function keep(row: T): void {
    const k = key(row.directoryId, row.id);
    const known = rows.get(k);
    // A read that started before this process's own write may finish after it.
    if (known && known.version > row.version) return;
    rows.delete(k);
    rows.set(k, row);
    if (rows.size > max) rows.delete(rows.keys().next().value!);
  }
  return {
    remember: (row) => keep(structuredClone(row)),
    keep,
    recall: (directoryId, id) => rows.get(key(directoryId, id)),
    forget: (directoryId, id) => void rows.delete(key(directoryId, id)),
  };
}
