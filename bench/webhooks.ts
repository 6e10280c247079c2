// Lifecycle webhooks end to end: SCIM changes on an API node -> outbox -> BullMQ -> two `gatehouse
// worker` processes -> a local receiver answering 204. Measures delivered events per second (first
// SCIM request to last 2xx), the latency from an event's commit to its delivery at a steady half
// of that rate, and duplicates (each webhook-id should arrive once).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { spawnGateway } from './child.js';
import { seededUserId, seedUsers, vacuum } from './scim-seed.js';
import { fmt, percentile } from './stats.js';
import { scimCaller } from './webhooks-client.js';

interface ApiNode {
  url: string;
  rootKey: string;
  databaseUrl: string;
  encryptionKey: string;
  prefix: string;
  redisUrl: string;
}

const PER_PATCH = 25;
const root = fileURLToPath(new URL('../', import.meta.url));

function startReceiver() {
  const arrivals = new Map<string, number>();
  let received = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, Date.now() - Date.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')).created_at));
      res.writeHead(204).end();
      if (waiter && arrivals.size >= waiter.count) waiter.resolve();
    });
  });
  return {
    server,
    arrivals,
    duplicates: () => received - arrivals.size,
    until: (count: number) => new Promise<void>((resolve) => (arrivals.size >= count ? resolve() : (waiter = { count, resolve }))),
  };
}

function startWorker(api: ApiNode): ChildProcess {
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: api.databaseUrl,
    GATEHOUSE_ENCRYPTION_KEY: api.encryptionKey,
    REDIS_URL: api.redisUrl,
    WEBHOOK_QUEUE_PREFIX: api.prefix,
    WEBHOOK_CONCURRENCY: '64',
    GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true',
    GATEHOUSE_SAML_VERIFY_THREADS: '0',
    LOG_LEVEL: 'warn',
  };
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts', 'worker'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function benchWebhooks(): Promise<string[]> {
  const api = await spawnGateway<ApiNode>(new URL('./webhooks-gateway.ts', import.meta.url));
  const receiver = startReceiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const workers = [startWorker(api), startWorker(api)];
  const db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  try {
    const scim = scimCaller(api.url);
    const dir = await scim.directory(api.rootKey);
    await scim.call('POST', '/api/v1/webhook-endpoints', api.rootKey, { url: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`, events: ['directory.*'] });
    await seedUsers(db, dir.id, 'W', 0, 40_000);
    await vacuum(db);
    const groups = await Promise.all(Array.from({ length: 8 }, (_, g) => scim.call('POST', `${dir.base}/Groups`, dir.token, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `g${g}` })));
    let nextUser = 0;
    const addMembers = (k: number) => {
      const members = Array.from({ length: PER_PATCH }, () => ({ value: seededUserId('W', nextUser++) }));
      return scim.call('PATCH', `${dir.base}/Groups/${groups[k % groups.length].id}`, dir.token, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: members }] });
    };
    const expected = () => receiver.arrivals.size;
    // Warm-up: workers connected, JIT warm; groups' created events delivered.
    await Promise.all(Array.from({ length: 20 }, (_, k) => addMembers(k)));
    await receiver.until(8 + 20 * PER_PATCH);

    const lines = ['| measure | result |', '|---|---|'];
    // Throughput: 800 PATCHes of 25 members (20,000 events) at concurrency 4.
    const base = expected();
    const requests = 800;
    const started = performance.now();
    let k = 0;
    await Promise.all(Array.from({ length: 4 }, async () => { while (k < requests) await addMembers(k++); }));
    const written = performance.now();
    await receiver.until(base + requests * PER_PATCH);
    const seconds = (performance.now() - started) / 1000;
    lines.push(`| events delivered per second, SCIM change to 2xx (${requests * PER_PATCH} events, 2 workers) | ${fmt((requests * PER_PATCH) / seconds, 0)} |`);
    lines.push(`| events committed per second by the SCIM writes meanwhile | ${fmt((requests * PER_PATCH) / ((written - started) / 1000), 0)} |`);

    // Latency at 500 events/s: one 25-member PATCH every 50 ms for 10 s, open loop.
    const steadyBase = expected();
    const ids = new Set(receiver.arrivals.keys());
    const ticks = 200;
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      const timer = setInterval(() => {
        addMembers(sent).catch(reject);
        if (++sent === ticks) (clearInterval(timer), resolve());
      }, 50);
    });
    await receiver.until(steadyBase + ticks * PER_PATCH);
    const latencies = [...receiver.arrivals].filter(([id]) => !ids.has(id)).map(([, ms]) => ms).sort((a, b) => a - b);
    lines.push(`| commit to delivery at 500 events/s, p50 ms | ${fmt(percentile(latencies, 50), 0)} |`);
    lines.push(`| commit to delivery at 500 events/s, p99 ms | ${fmt(percentile(latencies, 99), 0)} |`);
    lines.push(`| duplicate deliveries (same webhook-id twice) | ${receiver.duplicates()} of ${receiver.arrivals.size} |`);
    return lines;
  } finally {
    await db.end();
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    receiver.server.closeAllConnections();
    receiver.server.close();
    await api.close();
  }
}
