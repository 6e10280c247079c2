// Real services for integration tests. Each run gets its own Postgres database (created from
// DATABASE_URL's server, dropped at the end) so two runs never collide. A missing service skips
// the tests that need it on a laptop; under CI=true it fails them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const baseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
const created: string[] = [];

function urlFor(database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let postgresProbe: Promise<string | undefined> | undefined;
/** undefined when Postgres answers, else why it does not. */
export function postgresUnavailable(): Promise<string | undefined> {
  postgresProbe ??= admin((c) => c.query('SELECT 1')).then(
    () => undefined,
    (error: Error) => `Postgres at ${new URL(baseUrl).host} is not reachable: ${error.message}`,
  );
  return postgresProbe;
}

let redisProbe: Promise<string | undefined> | undefined;
export function redisUnavailable(): Promise<string | undefined> {
  redisProbe ??= (async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (error) {
      return `Redis at ${redisUrl} is not reachable: ${(error as Error).message}`;
    } finally {
      client.disconnect();
    }
  })();
  return redisProbe;
}

/**
 * Options for `describe`/`test`: skips with the reason when a service is missing, except on CI
 * where a missing service must fail the run.
 */
export async function requires(...services: Array<'postgres' | 'redis'>): Promise<{ skip?: string }> {
  for (const service of services) {
    const reason = service === 'postgres' ? await postgresUnavailable() : await redisUnavailable();
    if (reason === undefined) continue;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: services are required)`);
    return { skip: reason };
  }
  return {};
}

function databaseName(label: string): string {
  return `gatehouse_test_${runId}_${label}_${created.length}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** A fresh, empty database on the test server; dropped when the run ends. */
export async function createTestDatabase(label = 'db'): Promise<string> {
  const name = databaseName(label);
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return urlFor(name);
}

let template: Promise<string> | undefined;

/** A database with every migration applied: cloned from a template migrated once per run. */
export async function createMigratedDatabase(label = 'db'): Promise<string> {
  template ??= (async () => {
    const url = await createTestDatabase('template');
    const { applyMigrations } = await import('../../src/store/migrations/migrate.js');
    await applyMigrations({ databaseUrl: url });
    return new URL(url).pathname.slice(1);
  })();
  const source = await template;
  const name = databaseName(label);
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`));
  created.push(name);
  return urlFor(name);
}

export async function releaseTestResources(): Promise<void> {
  if (created.length === 0) return;
  await admin(async (c) => {
    for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
