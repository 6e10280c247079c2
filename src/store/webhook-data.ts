// The persistence port of lifecycle events and their delivery: the outbox (and the events feed read
// from it), webhook endpoints, deliveries and their attempt log. The admin side runs through the
// Prisma repositories (inside audited transactions); the delivery engine's hot path is plain SQL
// (webhook-sql/), a statement or two per delivery.
import type { Page, PageRequest } from './records.js';
import type { AuditLogInput } from './store.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpointRecord {
  id: string;
  /** null: the endpoint receives every organization's events. */
  organizationId: string | null;
  url: string;
  description: string;
  /** Subscriptions: event types or wildcards (`directory.user.*`, `*`). */
  events: string[];
  enabled: boolean;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookEndpointInput = Pick<WebhookEndpointRecord, 'organizationId' | 'url' | 'description' | 'events' | 'enabled' | 'secretSealed'>;

export type WebhookEndpointPatch = Partial<
  Pick<WebhookEndpointRecord, 'organizationId' | 'url' | 'description' | 'events' | 'enabled' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt' | 'failingSince' | 'disabledReason' | 'disabledAt'>
>;

export interface WebhookEndpointRepository {
  /** `id` is chosen by the caller: the secret is sealed bound to it before the row exists. */
  create(id: string, input: WebhookEndpointInput): Promise<WebhookEndpointRecord>;
  /** Throws NotFound. */
  get(id: string): Promise<WebhookEndpointRecord>;
  /** `organizationId` string: that organization's endpoints only. */
  list(page: PageRequest & { organizationId?: string | undefined }): Promise<Page<WebhookEndpointRecord>>;
  /** Throws NotFound. */
  update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord>;
  /** Removes the endpoint with its deliveries. Throws NotFound. */
  delete(id: string): Promise<void>;
}

/** An event to write: `sequence` is assigned by the database at commit order. */
export interface OutboxEventInput {
  id: string;
  type: string;
  organizationId: string | null;
  directoryId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

export interface OutboxEventRecord extends OutboxEventInput {
  sequence: bigint;
}

export interface FeedQuery {
  /** Events with a sequence above this one. */
  afterSequence: bigint;
  limit: number;
  types?: string[] | undefined;
  organizationId?: string | undefined;
}

export interface OutboxRepository {
  /**
   * Appends events inside the caller's transaction, holding the outbox lock until it commits, so
   * sequence order is commit order and a feed reader never sees a gap filled in later.
   */
  append(events: OutboxEventInput[]): Promise<void>;
  /**
   * Appends events and one audit entry in a single statement (its own transaction, lock
   * included): for writes that are nothing but their record, such as a sign-in.
   */
  appendWithAudit(events: OutboxEventInput[], audit: AuditLogInput): Promise<void>;
  /** Like append, for an event only one endpoint receives (a test event): no fan-out, not in the feed. */
  appendDirect(event: OutboxEventInput, endpointId: string, deliveryId: string): Promise<void>;
  /** The events feed, in sequence order; test events are not part of it. */
  feed(query: FeedQuery): Promise<OutboxEventRecord[]>;
  /** Retention: removes fanned-out events older than `before` (and their deliveries); returns how many. */
  deleteOlderThan(before: Date): Promise<number>;
}

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  eventSequence: bigint;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookAttemptRecord {
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookDeliveryRepository {
  /** Newest first; `status` narrows the list. */
  listForEndpoint(page: PageRequest & { endpointId: string; status?: DeliveryStatus | undefined }): Promise<Page<WebhookDeliveryRecord>>;
  /** Throws NotFound. */
  get(id: string): Promise<WebhookDeliveryRecord & { attemptLog: WebhookAttemptRecord[] }>;
  /** Makes deliveries pending and due at `at` again (a retry or a replay); returns how many. */
  requeue(ids: string[], at: Date): Promise<number>;
  /** Ids of an endpoint's failed deliveries created at or after `since` (bulk replay). */
  failedSince(endpointId: string, since: Date, limit: number): Promise<string[]>;
}

/** The delivery engine's side (plain SQL, no Prisma): fan-out, hand-off, claim, outcome. */
export interface EndpointSubscription {
  id: string;
  organizationId: string | null;
  events: string[];
}

export interface FanOutEvent {
  sequence: bigint;
  type: string;
  organizationId: string | null;
}

/** A delivery ready to go to a queue: its id and how many attempts it has had (for job ids). */
export interface HandOff {
  id: string;
  attempts: number;
  nextAttemptAt: Date;
}

export interface ClaimedDelivery {
  id: string;
  /** Including the one just claimed. */
  attempts: number;
  createdAt: Date;
  endpoint: Pick<WebhookEndpointRecord, 'id' | 'organizationId' | 'url' | 'enabled' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt' | 'failingSince'>;
  event: OutboxEventRecord;
}

export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** succeeded: done; retry: pending again at nextAttemptAt; failed: given up. */
  result: 'succeeded' | 'retry' | 'failed';
  nextAttemptAt?: Date;
}

export interface DeliveryStats {
  pending: number;
  /** Pending and due now (the backlog a worker should be working through). */
  due: number;
  failed: number;
  /** Outbox rows not yet fanned out. */
  unfannedEvents: number;
}

export interface DeliveryEngineStore {
  /**
   * Turns up to `limit` not-yet-fanned events into deliveries for the enabled endpoints `match`
   * selects, and marks them fanned out, in one transaction (rows locked SKIP LOCKED, so relays on
   * several nodes share the work).
   */
  fanOut(limit: number, match: (endpoint: EndpointSubscription, event: FanOutEvent) => boolean, at: Date): Promise<{ events: number; deliveries: HandOff[] }>;
  markHandedOff(ids: string[], at: Date): Promise<void>;
  /**
   * Takes the pending, due deliveries among `ids` whose lease is free, for `leaseMs`, and counts
   * the attempt; those not pending, not due or held by another worker are left out. (A batch:
   * concurrent attempts share one statement.)
   */
  claim(ids: string[], leaseMs: number, now: Date): Promise<ClaimedDelivery[]>;
  /** Records the attempts and their results, releases the leases, and tracks the endpoints' failing streaks (a batch). */
  finish(outcomes: Array<{ id: string; endpointId: string; outcome: AttemptOutcome }>): Promise<void>;
  /** Marks failed without an attempt (its endpoint was disabled or deleted meanwhile). */
  abandon(id: string, reason: string, at: Date): Promise<void>;
  /** Pending, due deliveries never handed off (new test events, retries, admin replays), marked handed off now. */
  unhanded(now: Date, limit: number): Promise<HandOff[]>;
  /**
   * Pending deliveries due since `graceMs` ago whose last hand-off is older than that and whose
   * lease is free: what a lost queue (Redis restarted empty, a process killed) left behind. They are
   * marked handed off now.
   */
  reclaimStale(graceMs: number, now: Date, limit: number): Promise<HandOff[]>;
  stats(now: Date): Promise<DeliveryStats>;
}
