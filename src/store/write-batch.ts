// Writes that callers issue independently within one turn of the event loop, sent to the database
// as one statement: a login saves its grant and its interaction together, and concurrent logins
// share statements too. Each caller still learns its own outcome: when the joint statement fails,
// every write is tried again alone, so one bad write fails only its own caller.

/** At most this many writes per statement; a longer queue goes out in several. */
const MAX_BATCH = 100;

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function writeBatcher<T>(writeMany: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let pending: Waiting<T>[] = [];

  async function send(batch: Waiting<T>[]): Promise<void> {
    try {
      await writeMany(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((w) => writeMany([w.item]).then(w.resolve, w.reject)));
    }
  }

  function flush(): void {
    const queued = pending;
    pending = [];
    for (let i = 0; i < queued.length; i += MAX_BATCH) void send(queued.slice(i, i + MAX_BATCH));
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // After the I/O callbacks of this turn: every write they issue joins the statement.
      if (pending.length === 1) setImmediate(flush);
    });
}
