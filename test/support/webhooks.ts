// Webhook test helpers: an endpoint created straight in the store (sealed secret and all), and a
// delivery engine with test timings over a test gateway's store.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.js';
import { webhookDelivery, type WebhookDelivery } from '../../src/jobs/webhooks/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { newId } from '../../src/store/ids.js';
import { generateSigningSecret, secretContext } from '../../src/webhooks/signing.js';
import type { TestGateway } from './gateway.js';

export interface TestEndpoint {
  id: string;
  secret: string;
}

export function testSecretBox(gw: TestGateway) {
  return createSecretBox(gw.config.security.encryptionKey!);
}

export async function createTestEndpoint(gw: TestGateway, url: string, events: string[] = ['*'], organizationId: string | null = null): Promise<TestEndpoint> {
  const id = newId('wh');
  const secret = generateSigningSecret();
  const secretSealed = testSecretBox(gw).seal(secret, secretContext(id));
  await gw.store.webhookEndpoints.create(id, { organizationId, url, description: '', events, enabled: true, secretSealed });
  return { id, secret };
}

export type WebhookSettings = Config['webhooks'];

export const fastWebhookSettings: WebhookSettings = {
  concurrency: 8,
  timeoutMs: 1_000,
  leaseMs: 2_000,
  retryScheduleMs: [50, 50, 50],
  disableAfterFailingMs: 0,
  sweepIntervalMs: 500,
  allowPrivateAddresses: false,
  eventsRetentionDays: 30,
  queuePrefix: 'gatehouse',
};

export interface DeliveryOptions {
  redisUrl?: string | undefined;
  settings?: Partial<WebhookSettings>;
  allowInsecure?: boolean;
  /** false: an API-only node, which hands deliveries off but does not consume the queue. Default true. */
  runWorkers?: boolean;
  logger?: Logger;
}

/** A started delivery engine; with a Redis URL it uses BullMQ under a prefix of its own. */
export async function startTestDelivery(gw: TestGateway, options: DeliveryOptions = {}): Promise<WebhookDelivery> {
  const webhooks = { ...fastWebhookSettings, queuePrefix: `test_${randomBytes(4).toString('hex')}`, ...options.settings };
  const config = { webhooks, redis: { url: options.redisUrl }, security: { ...gw.config.security, allowInsecureOutbound: options.allowInsecure ?? true } };
  const delivery = webhookDelivery({ config, store: gw.store, secretBox: testSecretBox(gw), logger: options.logger ?? createLogger('silent'), runWorkers: options.runWorkers ?? true });
  await delivery.start();
  return delivery;
}

/** Polls until `check` returns a value (the receiver sees a delivery before its outcome is committed). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
