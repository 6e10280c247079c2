// One delivery attempt, whoever drives it (a BullMQ job or the in-process loop): claim it under a
// lease, sign and send the event, record the attempt, decide what comes next.
import type { Logger } from '../../logger.js';
import type { GuardedFetch } from '../../outbound/guarded-fetch.js';
import type { SecretBox } from '../../store/encryption.js';
import type { Store } from '../../store/store.js';
import type { AttemptOutcome, ClaimedDelivery } from '../../store/webhook-data.js';
import { eventBody } from '../../webhooks/body.js';
import { secretContext } from '../../webhooks/signing.js';
import { disableEndpoint } from './endpoint-health.js';
import { retryDelayMs, verdictOf } from './retry-policy.js';
import { sendSigned } from './send.js';

export interface DeliveryDeps {
  store: Store;
  secretBox: SecretBox;
  /** The guarded fetch with the webhook timeout and no redirects. */
  fetch: GuardedFetch;
  clock: () => Date;
  logger: Logger;
  leaseMs: number;
  retryScheduleMs: readonly number[];
  disableAfterFailingMs: number;
  observe?: (outcome: AttemptOutcome, endpointId: string, eventAt: Date) => void;
}

export type DeliveryResult = { kind: 'skipped' } | { kind: 'attempted'; attempts: number; outcome: AttemptOutcome };

function signingSecrets(box: SecretBox, endpoint: ClaimedDelivery['endpoint'], at: Date): string[] {
  const context = secretContext(endpoint.id);
  const secrets = [box.open(endpoint.secretSealed, context)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
    secrets.push(box.open(endpoint.previousSecretSealed, context));
  }
  return secrets;
}

function outcomeOf(deps: DeliveryDeps, attempts: number, sent: { statusCode: number | null; latencyMs: number; error: string | null }, at: Date): AttemptOutcome {
  const verdict = verdictOf(sent.statusCode);
  if (verdict === 'succeeded') return { at, ...sent, result: 'succeeded' };
  const delay = verdict === 'gone' ? undefined : retryDelayMs(attempts, deps.retryScheduleMs);
  if (delay === undefined) return { at, ...sent, result: 'failed' };
  return { at, ...sent, result: 'retry', nextAttemptAt: new Date(at.getTime() + sent.latencyMs + delay) };
}

export async function deliverOnce(deps: DeliveryDeps, deliveryId: string): Promise<DeliveryResult> {
  const claimed = await deps.store.deliveries.claim(deliveryId, deps.leaseMs, deps.clock());
  if (!claimed) return { kind: 'skipped' };
  const at = deps.clock();
  if (!claimed.endpoint.enabled) {
    await deps.store.deliveries.abandon(claimed.id, 'endpoint_disabled', at);
    return { kind: 'skipped' };
  }
  const body = JSON.stringify(eventBody(claimed.event));
  const sent = await sendSigned(deps.fetch, claimed.endpoint.url, claimed.id, body, signingSecrets(deps.secretBox, claimed.endpoint, at), at);
  const outcome = outcomeOf(deps, claimed.attempts, sent, at);
  await deps.store.deliveries.finish(claimed.id, claimed.endpoint.id, outcome);
  deps.observe?.(outcome, claimed.endpoint.id, claimed.event.occurredAt);
  await judgeEndpoint(deps, claimed, sent.statusCode, outcome);
  return { kind: 'attempted', attempts: claimed.attempts, outcome };
}

async function judgeEndpoint(deps: DeliveryDeps, claimed: ClaimedDelivery, statusCode: number | null, outcome: AttemptOutcome): Promise<void> {
  if (outcome.result === 'succeeded') return;
  const failingSince = claimed.endpoint.failingSince;
  const reason =
    verdictOf(statusCode) === 'gone'
      ? ('receiver_gone' as const)
      : deps.disableAfterFailingMs > 0 && failingSince && outcome.at.getTime() - failingSince.getTime() >= deps.disableAfterFailingMs
        ? ('failing' as const)
        : undefined;
  if (reason && (await disableEndpoint(deps.store, claimed.endpoint.id, reason, outcome.at))) {
    deps.logger.warn({ endpoint: claimed.endpoint.id, reason }, 'webhook endpoint disabled');
  }
}
