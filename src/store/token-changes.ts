// "A directory's SCIM tokens changed": what lets a process remember tokens it has checked. A
// trigger on directory_tokens NOTIFYs every change (rotation, deletion, a cascade from a deleted
// directory or organization) at commit; each process LISTENs on one session of its own. Changes
// made by this process are also told in-process right after commit, so its own next request
// never sees a stale token, whatever the NOTIFY's latency.
import pg from 'pg';

export const TOKEN_CHANGE_CHANNEL = 'gatehouse_directory_tokens';

export interface TokenChanges {
  /** Tell this process (after commit). `null`: any directory's tokens may have changed. */
  changed(directoryId: string | null): void;
  subscribe(listener: (directoryId: string | null) => void): () => void;
  /** Whether other processes' changes reach this one now; when not, nothing may be remembered. */
  live(): boolean;
  close(): Promise<void>;
}

function emitter() {
  const listeners = new Set<(directoryId: string | null) => void>();
  return {
    emit: (directoryId: string | null) => {
      for (const listener of listeners) listener(directoryId);
    },
    subscribe(listener: (directoryId: string | null) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** For a database only this process can reach (the embedded Postgres): in-process is everything. */
export function localTokenChanges(): TokenChanges {
  const { emit, subscribe } = emitter();
  return { changed: emit, subscribe, live: () => true, close: async () => undefined };
}

/** LISTENs from the first call to live(); reconnects with backoff, and forgets everything on each gap. */
export function listeningTokenChanges(databaseUrl: string, onProblem: (err: unknown) => void = () => undefined): TokenChanges {
  const { emit, subscribe } = emitter();
  let client: pg.Client | undefined;
  let connected = false;
  let closed = false;
  let backoffMs = 500;
  let retry: NodeJS.Timeout | undefined;

  const lost = (session: pg.Client, err: unknown) => {
    // Late news from a session already given up (its error, then its end) changes nothing.
    if (client !== session) return;
    client = undefined;
    void session.end().catch(() => undefined);
    connected = false;
    emit(null);
    if (closed) return;
    onProblem(err);
    retry = setTimeout(start, backoffMs);
    retry.unref();
    backoffMs = Math.min(backoffMs * 2, 30_000);
  };

  function start(): void {
    if (closed || client !== undefined) return;
    const session = new pg.Client({ connectionString: databaseUrl });
    client = session;
    session.on('error', (err) => lost(session, err));
    session.on('end', () => lost(session, new Error('token change listener disconnected')));
    session.on('notification', (n) => n.channel === TOKEN_CHANGE_CHANNEL && emit(n.payload || null));
    session
      .connect()
      .then(() => session.query(`LISTEN ${TOKEN_CHANGE_CHANNEL}`))
      .then(() => {
        if (client !== session) return;
        connected = true;
        backoffMs = 500;
        // Changes before LISTEN took effect were not heard: forget what was remembered before.
        emit(null);
      }, (err: unknown) => lost(session, err));
  }

  return {
    changed: emit,
    subscribe,
    live() {
      if (client === undefined && retry === undefined) start();
      return connected;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const session = client;
      client = undefined;
      connected = false;
      await session?.end().catch(() => undefined);
    },
  };
}
