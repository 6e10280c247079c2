// The outbox relay: outbox rows -> deliveries -> a queue. Kicked after each local commit (so a
// change is on its way within milliseconds) and by the sweep; kicks that arrive while it runs
// coalesce into one more pass, never into parallel passes.
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/store.js';
import type { EndpointSubscription, FanOutEvent, HandOff } from '../../store/webhook-data.js';
import { subscribes } from '../../webhooks/event-types.js';

export interface RelayDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  /** Puts deliveries on the queue (BullMQ, or the in-process one). May throw: the sweep retries. */
  handOff: (deliveries: HandOff[]) => Promise<void>;
  /** How long a handed-off delivery may sit unclaimed before the sweep hands it off again. */
  graceMs: number;
  batchSize?: number;
}

export interface Relay {
  kick(): void;
  /** One pass now, plus deliveries whose hand-off went missing; resolves with how many were re-handed. */
  sweep(): Promise<number>;
  /** Resolves when no pass is running. */
  idle(): Promise<void>;
}

export function matches(endpoint: EndpointSubscription, event: FanOutEvent): boolean {
  return (endpoint.organizationId === null || endpoint.organizationId === event.organizationId) && subscribes(endpoint.events, event.type);
}

export function createRelay(deps: RelayDeps): Relay {
  const batch = deps.batchSize ?? 500;
  let running: Promise<void> | undefined;
  let again = false;

  async function drain(take: () => Promise<HandOff[]>): Promise<number> {
    let total = 0;
    for (;;) {
      const taken = await take();
      if (taken.length > 0) await deps.handOff(taken);
      total += taken.length;
      if (taken.length < batch) return total;
    }
  }

  async function pass(): Promise<void> {
    for (;;) {
      const { events, deliveries } = await deps.store.deliveries.fanOut(batch, matches, deps.clock());
      if (deliveries.length > 0) await deps.handOff(deliveries);
      if (events < batch) break;
    }
    await drain(() => deps.store.deliveries.unhanded(deps.clock(), batch));
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass().catch((err: unknown) => deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay pass failed; the sweep will retry'));
      } while (again);
    })().finally(() => {
      running = undefined;
      // A kick that landed between the last check and here still gets its pass.
      if (again) void run();
    });
    return running;
  }

  return {
    kick() {
      void run();
    },
    async sweep() {
      await run();
      return drain(() => deps.store.deliveries.reclaimStale(deps.graceMs, deps.clock(), batch));
    },
    idle: async () => {
      while (running) await running;
    },
  };
}
