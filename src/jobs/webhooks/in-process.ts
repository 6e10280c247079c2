// Delivery without Redis (the embedded default): handed-off ids wait in memory and a fixed number
// of loops send them; a timer re-runs the relay (due retries, admin replays) and, less often, the
// sweep (deliveries a previous run of this process had in memory when it stopped). Postgres stays
// the truth, so nothing is lost when this process dies; the next one picks it all up.
import type { HandOff } from '../../store/webhook-data.js';
import { deliverOnce, type DeliveryDeps } from './deliver.js';
import type { Relay } from './relay.js';

export interface InProcessOptions {
  concurrency: number;
  /** How often due retries are looked for. */
  pollMs: number;
  sweepIntervalMs: number;
}

export interface LocalQueue {
  handOff(deliveries: HandOff[]): Promise<void>;
  start(relay: Relay): void;
  stop(): Promise<void>;
}

export function inProcessQueue(deps: DeliveryDeps, options: InProcessOptions): LocalQueue {
  const waiting: string[] = [];
  const queued = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  function pump(): void {
    while (!stopped && inFlight.size < options.concurrency && waiting.length > 0) {
      const id = waiting.shift()!;
      const job: Promise<void> = deliverOnce(deps, id)
        .then(() => undefined)
        .catch((err: unknown) => deps.logger.warn({ err, delivery: id }, 'webhook delivery attempt failed to run; it will be retried'))
        .finally(() => {
          queued.delete(id);
          inFlight.delete(job);
          pump();
        });
      inFlight.add(job);
    }
  }

  return {
    async handOff(deliveries) {
      for (const d of deliveries) {
        if (queued.has(d.id)) continue;
        queued.add(d.id);
        waiting.push(d.id);
      }
      pump();
    },
    start(relay) {
      timers.push(setInterval(() => relay.kick(), options.pollMs).unref());
      const sweep = () => void relay.sweep().catch((err: unknown) => deps.logger.warn({ err }, 'webhook sweep failed'));
      timers.push(setInterval(sweep, options.sweepIntervalMs).unref());
      sweep();
    },
    async stop() {
      stopped = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      waiting.length = 0;
      await Promise.all(inFlight);
    },
  };
}
