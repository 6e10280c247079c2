// "Events were committed": a process-local nudge from the store to the outbox relay, so a change
// is handed off at once. Losing a nudge costs latency, never an event: the sweep finds the rows.
export interface CommitSignal {
  notify(): void;
  subscribe(listener: () => void): () => void;
}

export function commitSignal(): CommitSignal {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
