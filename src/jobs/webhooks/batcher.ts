// Group commit for the delivery bookkeeping: calls made while a statement is on its way are
// gathered into the next one, so dozens of concurrent attempts cost a few round trips to
// Postgres instead of two each. An idle worker still sends each call at once (no timer to wait for).
export type BatchRun<I, O> = (items: I[]) => Promise<O[]>;

export function batcher<I, O>(run: BatchRun<I, O>, maxItems = 200): (item: I) => Promise<O> {
  let waiting: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let busy = false;

  async function flush(): Promise<void> {
    if (busy || waiting.length === 0) return;
    busy = true;
    const batch = waiting.slice(0, maxItems);
    waiting = waiting.slice(batch.length);
    try {
      const results = await run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      busy = false;
      void flush();
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // Calls from the same turn of the event loop travel together.
      if (waiting.length === 1) setImmediate(() => void flush());
    });
}
