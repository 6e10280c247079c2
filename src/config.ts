// The only reader of process.env: environment -> a typed, frozen Config. Every problem is listed at
// once so an operator fixes their deployment in one pass, and nothing listens before it is valid.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigInvalid } from './errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** External base URL without a trailing slash: metadata, redirects, SCIM locations. */
    readonly publicUrl: string;
    readonly bodyLimitBytes: number;
    readonly trustProxy: boolean;
    readonly shutdownTimeoutMs: number;
    /** `gatehouse worker` (no HTTP API) serves /healthz, /readyz and /metrics on this port when set. */
    readonly workerMetricsPort: number | undefined;
  };
  /** `url` undefined means the embedded Postgres kept under `dataDir`. */
  readonly database: { readonly url: string | undefined; readonly dataDir: string };
  /** `url` undefined means jobs run in-process, driven from Postgres. */
  readonly redis: { readonly url: string | undefined };
  readonly security: {
    /** 32 bytes; undefined only on the embedded default, which keeps a generated key in dataDir. */
    readonly encryptionKey: Buffer | undefined;
    /** Keys being rotated out: still decrypt, never encrypt. */
    readonly previousEncryptionKeys: readonly Buffer[];
    readonly allowInsecureOutbound: boolean;
  };
  /** The mock connector is a test IdP that signs anyone in: off unless asked for. */
  readonly sso: {
    readonly enableMockConnector: boolean;
    /** Worker threads for SAML response checks; 0 checks on the event loop. */
    readonly samlVerifyThreads: number;
  };
  readonly jobs: { readonly auditLogRetentionDays: number };
  /** How long a checked SCIM token is remembered (docs/scim.md); 0 checks every request in the database. */
  readonly scim: { readonly tokenCacheMs: number };
  readonly webhooks: {
    /** Deliveries in flight per process. */
    readonly concurrency: number;
    readonly timeoutMs: number;
    /** A claimed delivery is another worker's to retry after this (a crashed worker's lease runs out). */
    readonly leaseMs: number;
    /** Delay before each retry, in order; after the last one the delivery is failed. */
    readonly retryScheduleMs: readonly number[];
    /** An endpoint whose attempts all failed for this long is disabled; 0 never disables. */
    readonly disableAfterFailingMs: number;
    readonly sweepIntervalMs: number;
    /** Webhook URLs may resolve to private networks (an operator's own receivers). */
    readonly allowPrivateAddresses: boolean;
    /** Events feed retention; 0 keeps events forever. */
    readonly eventsRetentionDays: number;
    /** BullMQ key prefix (several deployments on one Redis). */
    readonly queuePrefix: string;
  };
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
}

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const base64Key = z
  .string()
  .transform((v) => Buffer.from(v, 'base64'))
  .refine((key) => key.length === 32, 'must be 32 bytes encoded as base64 (openssl rand -base64 32)');

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || isUrl(v, protocols), `must be a ${protocols.join(' or ')} URL`);

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol.replace(':', ''));
  } catch {
    return false;
  }
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** About 2.8 days of retries in 12 steps (each delay gets +-20 % jitter). */
const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,12h,16h,24h';
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `5s`, `2m`, `1h`, `1d` -> milliseconds. */
function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2]!]!) : undefined;
}

const envSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535, 8080),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  HTTP_BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024, 1024 * 1024),
  TRUST_PROXY: flag,
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
  WORKER_METRICS_PORT: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).max(65535).optional(),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  GATEHOUSE_ENCRYPTION_KEY: base64Key.optional(),
  GATEHOUSE_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(base64Key)),
  GATEHOUSE_ALLOW_INSECURE_OUTBOUND: flag,
  GATEHOUSE_ENABLE_MOCK_CONNECTOR: flag,
  GATEHOUSE_SAML_VERIFY_THREADS: int(0, 64, Math.min(availableParallelism(), 8)),
  AUDIT_LOG_RETENTION_DAYS: int(0, 36_500, 365),
  SCIM_TOKEN_CACHE_SECONDS: int(0, 300, 30),
  WEBHOOK_CONCURRENCY: int(1, 1000, 32),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000, 10_000),
  WEBHOOK_LEASE_MS: int(1_000, 3_600_000, 30_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((v, ctx) => {
      const delays = v.split(',').map((s) => parseDuration(s.trim()));
      if (delays.length === 0 || delays.some((d) => d === undefined)) ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations such as 5s,30s,2m,1h' });
      return delays.filter((d): d is number => d !== undefined);
    }),
  WEBHOOK_DISABLE_AFTER_FAILING_HOURS: int(0, 8_760, 120),
  WEBHOOK_SWEEP_INTERVAL_MS: int(100, 3_600_000, 15_000),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: flag,
  WEBHOOK_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('gatehouse'),
  EVENTS_RETENTION_DAYS: int(0, 36_500, 30),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const raw = blankAsUnset(env);
  const parsed = envSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (raw.DATABASE_URL !== undefined && raw.GATEHOUSE_ENCRYPTION_KEY === undefined) {
    problems.push('GATEHOUSE_ENCRYPTION_KEY: required when DATABASE_URL is set (generate one with: openssl rand -base64 32)');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigInvalid(problems);
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return deepFreeze({
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      workerMetricsPort: e.WORKER_METRICS_PORT,
    },
    database: { url: e.DATABASE_URL, dataDir: e.GATEHOUSE_DATA_DIR },
    redis: { url: e.REDIS_URL },
    security: {
      encryptionKey: e.GATEHOUSE_ENCRYPTION_KEY,
      previousEncryptionKeys: e.GATEHOUSE_PREVIOUS_ENCRYPTION_KEYS,
      allowInsecureOutbound: e.GATEHOUSE_ALLOW_INSECURE_OUTBOUND,
    },
    sso: { enableMockConnector: e.GATEHOUSE_ENABLE_MOCK_CONNECTOR, samlVerifyThreads: e.GATEHOUSE_SAML_VERIFY_THREADS },
    jobs: { auditLogRetentionDays: e.AUDIT_LOG_RETENTION_DAYS },
    scim: { tokenCacheMs: e.SCIM_TOKEN_CACHE_SECONDS * 1000 },
    webhooks: {
      concurrency: e.WEBHOOK_CONCURRENCY,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      leaseMs: Math.max(e.WEBHOOK_LEASE_MS, e.WEBHOOK_TIMEOUT_MS + 1_000),
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE,
      disableAfterFailingMs: e.WEBHOOK_DISABLE_AFTER_FAILING_HOURS * 3_600_000,
      sweepIntervalMs: e.WEBHOOK_SWEEP_INTERVAL_MS,
      allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
      eventsRetentionDays: e.EVENTS_RETENTION_DAYS,
      queuePrefix: e.WEBHOOK_QUEUE_PREFIX,
    },
    log: { level: e.LOG_LEVEL },
  });
}

/** Only the variables Gatehouse reads, with `FOO=` treated like an unset FOO. */
function blankAsUnset(env: Env): Env {
  const picked: Env = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A copy with the encryption key filled in (the embedded default generates and keeps one). */
export function withEncryptionKey(config: Config, encryptionKey: Buffer): Config {
  return deepFreeze({ ...config, security: { ...config.security, encryptionKey } });
}
