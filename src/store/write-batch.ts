// Writes that callers issue independently within one turn of the event loop, sent to the database
// as one statement: a login saves its grant and its interaction together, concurrent logins share
// statements, concurrent SCIM user creates and updates share one commit (and their reads one
// SELECT). Each caller still learns its own outcome: when the joint statement fails, every write is
// tried again alone, so one bad write fails only its own caller.

/** At most this many writes per statement; a longer queue goes out in several. */
const MAX_BATCH = 100;

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface BatchOptions<T> {
  /** Writes with the same key never share a statement (one statement can change a row only once). */
  key?: (item: T) => string;
}

/** Splits a turn's queue into statements of at most MAX_BATCH writes, no key twice in one. */
function statements<T, R>(queued: Waiting<T, R>[], key: ((item: T) => string) | undefined): Waiting<T, R>[][] {
  if (key === undefined) return Array.from({ length: Math.ceil(queued.length / MAX_BATCH) }, (_, i) => queued.slice(i * MAX_BATCH, (i + 1) * MAX_BATCH));
  const batches: Array<{ writes: Waiting<T, R>[]; keys: Set<string> }> = [];
  for (const w of queued) {
    const k = key(w.item);
    let batch = batches.find((b) => b.writes.length < MAX_BATCH && !b.keys.has(k));
    if (!batch) batches.push((batch = { writes: [], keys: new Set() }));
    batch.writes.push(w);
    batch.keys.add(k);
  }
  return batches.map((b) => b.writes);
}

/** `writeMany` answers one result per item, in order. */
export function resultBatcher<T, R>(writeMany: (items: T[]) => Promise<R[]>, options: BatchOptions<T> = {}): (item: T) => Promise<R> {
  let pending: Waiting<T, R>[] = [];

  async function send(batch: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await writeMany(batch.map((w) => w.item));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((w) => writeMany([w.item]).then(([r]) => w.resolve(r!), w.reject)));
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }

  function flush(): void {
    const queued = pending;
    pending = [];
    for (const batch of statements(queued, options.key)) void send(batch);
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // After the I/O callbacks of this turn: every write they issue joins the statement.
      if (pending.length === 1) setImmediate(flush);
    });
}

export function writeBatcher<T>(writeMany: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  return resultBatcher(async (items: T[]) => (await writeMany(items), items.map(() => undefined)));
}
