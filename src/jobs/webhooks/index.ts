// Webhook delivery for one process: the relay (nudged by this process's commits), a queue to hand
// deliveries to (BullMQ when Redis is configured, else in memory), and, where this process runs
// workers, the consumers of that queue and the sweep.
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { createGuardedPost, type GuardedPost } from '../../outbound/guarded-post.js';
import type { SecretBox } from '../../store/encryption.js';
import type { Store } from '../../store/store.js';
import type { PeriodicTask } from '../tasks.js';
import { webhookQueue, webhookWorker } from './bullmq.js';
import { bookkeeping, type DeliveryDeps } from './deliver.js';
import { inProcessQueue } from './in-process.js';
import { webhookMetrics, type WebhookMetrics } from './metrics.js';
import { createRelay, type Relay } from './relay.js';

export interface WebhookDeliveryOptions {
  config: Pick<Config, 'webhooks' | 'redis' | 'security'>;
  store: Store;
  secretBox: SecretBox;
  logger: Logger;
  clock?: () => Date;
  /** Consume the queue here (workers, all-in-one); an API-only node just hands off. */
  runWorkers: boolean;
  post?: GuardedPost;
}

export interface WebhookDelivery {
  readonly kind: 'bullmq' | 'in-process';
  readonly relay: Relay;
  readonly metrics: WebhookMetrics;
  /** For the BullMQ maintenance runner: the schedule lives in Redis and is re-asserted on reconnect. */
  readonly sweepTask: PeriodicTask | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Due retries and replays are looked for this often without Redis. */
const IN_PROCESS_POLL_MS = 1_000;

export function webhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const { config, store, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const settings = config.webhooks;
  const post = options.post ?? createGuardedPost({ allowInsecure: config.security.allowInsecureOutbound, allowPrivate: settings.allowPrivateAddresses, timeoutMs: settings.timeoutMs });
  const metrics = webhookMetrics(store, clock);
  const deps: DeliveryDeps = {
    store,
    secretBox: options.secretBox,
    post,
    secrets: new Map(),
    clock,
    logger,
    retryScheduleMs: settings.retryScheduleMs,
    disableAfterFailingMs: settings.disableAfterFailingMs,
    observe: metrics.observe,
    bookkeeping: bookkeeping(store, settings.leaseMs, clock),
  };
  const redisUrl = config.redis.url;
  const queue = redisUrl === undefined ? undefined : webhookQueue({ redisUrl, prefix: settings.queuePrefix }, logger);
  const local = queue ? undefined : inProcessQueue(deps, { concurrency: settings.concurrency, pollMs: IN_PROCESS_POLL_MS, sweepIntervalMs: settings.sweepIntervalMs });
  const relay = createRelay({ store, clock, logger, handOff: (queue ?? local)!.handOff, graceMs: settings.leaseMs });
  const worker =
    queue && options.runWorkers && redisUrl
      ? webhookWorker(deps, queue, { redisUrl, prefix: settings.queuePrefix, concurrency: settings.concurrency, lockMs: settings.leaseMs })
      : undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    kind: queue ? 'bullmq' : 'in-process',
    relay,
    metrics,
    sweepTask: worker ? { name: 'webhook-sweep', everyMs: settings.sweepIntervalMs, run: async () => void (await relay.sweep()) } : undefined,
    async start() {
      unsubscribe = store.onEventsCommitted(relay.kick);
      if (local) local.start(relay);
      if (worker) await worker.ready();
      relay.kick();
    },
    async stop() {
      unsubscribe?.();
      await worker?.close();
      await local?.stop();
      await relay.idle();
      await queue?.close();
    },
  };
}
