// One delivery attempt, whoever drives it (a BullMQ job or the in-process loop): claim it under a
// lease, sign and send the event, record the attempt, decide what comes next.
import type { Logger } from '../../logger.js';
import type { GuardedPost } from '../../outbound/guarded-post.js';
import type { SecretBox } from '../../store/encryption.js';
import type { Store } from '../../store/store.js';
import type { AttemptOutcome, ClaimedDelivery } from '../../store/webhook-data.js';
import { eventBody } from '../../webhooks/body.js';
import { secretContext } from '../../webhooks/signing.js';
import { disableEndpoint } from './endpoint-health.js';
import { retryDelayMs, verdictOf } from './retry-policy.js';
import { batcher } from './batcher.js';
import { sendSigned } from './send.js';

export interface DeliveryDeps {
  store: Store;
  secretBox: SecretBox;
  /** The guarded POST with the webhook timeout (no redirects). */
  post: GuardedPost;
  /** Opened signing secrets by sealed value (see openedSecrets). */
  secrets: SecretCache;
  clock: () => Date;
  logger: Logger;
  retryScheduleMs: readonly number[];
  disableAfterFailingMs: number;
  observe?: (outcome: AttemptOutcome, endpointId: string, eventAt: Date) => void;
  /** Claims and outcomes, batched across concurrent attempts (see bookkeeping()). */
  bookkeeping: Bookkeeping;
}

export interface Bookkeeping {
  claim(id: string): Promise<ClaimedDelivery | undefined>;
  finish(item: { id: string; endpointId: string; outcome: AttemptOutcome }): Promise<void>;
}

/** The store's batch claim and finish behind per-delivery calls. */
export function bookkeeping(store: Store, leaseMs: number, clock: () => Date): Bookkeeping {
  const claim = batcher<string, ClaimedDelivery | undefined>(async (ids) => {
    const claimed = new Map((await store.deliveries.claim([...new Set(ids)], leaseMs, clock())).map((c) => [c.id, c]));
    // A delivery asked for twice in one batch is claimed once: the second caller gets nothing.
    return ids.map((id) => {
      const found = claimed.get(id);
      claimed.delete(id);
      return found;
    });
  });
  type Finished = { ok: true } | { ok: false; error: unknown };
  const finish = batcher<{ id: string; endpointId: string; outcome: AttemptOutcome }, Finished>(async (items) => {
    try {
      await store.deliveries.finish(items);
      return items.map(() => ({ ok: true }) as const);
    } catch {
      // One item the database refuses (a delivery deleted mid-statement) must not fail the
      // others: the batch is retried item by item, and each caller hears of its own outcome.
      return Promise.all(items.map((item) => store.deliveries.finish([item]).then((): Finished => ({ ok: true }), (error: unknown): Finished => ({ ok: false, error }))));
    }
  });
  return {
    claim,
    async finish(item) {
      const result = await finish(item);
      if (!result.ok) throw result.error;
    },
  };
}

export type DeliveryResult = { kind: 'skipped' } | { kind: 'attempted'; attempts: number; outcome: AttemptOutcome };

export type SecretCache = Map<string, string>;

/** Opened secrets are kept by sealed value (a rotation seals a new one), so a busy endpoint is not decrypted per delivery. */
function open(deps: DeliveryDeps, endpointId: string, sealed: string): string {
  let secret = deps.secrets.get(sealed);
  if (secret === undefined) {
    if (deps.secrets.size >= 10_000) deps.secrets.clear();
    secret = deps.secretBox.open(sealed, secretContext(endpointId));
    deps.secrets.set(sealed, secret);
  }
  return secret;
}

function signingSecrets(deps: DeliveryDeps, endpoint: ClaimedDelivery['endpoint'], at: Date): string[] {
  const secrets = [open(deps, endpoint.id, endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
    secrets.push(open(deps, endpoint.id, endpoint.previousSecretSealed));
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
  const claimed = await deps.bookkeeping.claim(deliveryId);
  if (!claimed) return { kind: 'skipped' };
  const at = deps.clock();
  if (!claimed.endpoint.enabled) {
    await deps.store.deliveries.abandon(claimed.id, 'endpoint_disabled', at);
    return { kind: 'skipped' };
  }
  const body = JSON.stringify(eventBody(claimed.event));
  const sent = await sendSigned(deps.post, claimed.endpoint.url, claimed.id, body, signingSecrets(deps, claimed.endpoint, at), at);
  const outcome = outcomeOf(deps, claimed.attempts, sent, at);
  await deps.bookkeeping.finish({ id: claimed.id, endpointId: claimed.endpoint.id, outcome });
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
