// Prometheus metrics of webhook delivery: the backlog read from Postgres at scrape time (so every
// API node reports the deployment's true queue, whatever Redis holds), and this process's attempts.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../../store/store.js';
import type { AttemptOutcome } from '../../store/webhook-data.js';

export interface WebhookMetrics {
  registry: Registry;
  observe(outcome: AttemptOutcome, endpointId: string, eventAt: Date): void;
}

/** A scrape every few seconds from several Prometheus servers still costs one set of counts. */
const STATS_TTL_MS = 5_000;

export function webhookMetrics(store: Store, clock: () => Date): WebhookMetrics {
  const registry = new Registry();
  let cached: { at: number; stats: Promise<Awaited<ReturnType<Store['deliveries']['stats']>>> } | undefined;
  const stats = () => {
    const now = clock();
    if (!cached || now.getTime() - cached.at > STATS_TTL_MS) cached = { at: now.getTime(), stats: store.deliveries.stats(now) };
    return cached.stats;
  };
  const gauge = (name: string, help: string, pick: (s: Awaited<ReturnType<typeof stats>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await stats()));
      },
    });
  gauge('gatehouse_webhook_deliveries_pending', 'Webhook deliveries not yet delivered (due now or waiting for a retry)', (s) => s.pending);
  gauge('gatehouse_webhook_deliveries_due', 'Pending webhook deliveries due now (the queue depth)', (s) => s.due);
  gauge('gatehouse_webhook_deliveries_failed', 'Webhook deliveries given up on (replayable)', (s) => s.failed);
  gauge('gatehouse_outbox_unfanned_events', 'Lifecycle events not yet turned into deliveries', (s) => s.unfannedEvents);
  const attempts = new Counter({ name: 'gatehouse_webhook_attempts_total', help: 'Webhook delivery attempts by result', labelNames: ['result'] as const, registers: [registry] });
  const latency = new Histogram({
    name: 'gatehouse_webhook_attempt_duration_seconds',
    help: 'Time from sending a webhook to the receiver answering',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const endToEnd = new Histogram({
    name: 'gatehouse_webhook_event_to_delivery_seconds',
    help: 'Time from the event being committed to its successful delivery',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600],
    registers: [registry],
  });
  return {
    registry,
    observe(outcome, _endpointId, eventAt) {
      attempts.inc({ result: outcome.result === 'succeeded' ? 'succeeded' : outcome.statusCode === null ? 'network_error' : 'http_error' });
      latency.observe(outcome.latencyMs / 1000);
      if (outcome.result === 'succeeded') endToEnd.observe(Math.max(0, outcome.at.getTime() + outcome.latencyMs - eventAt.getTime()) / 1000);
    },
  };
}
