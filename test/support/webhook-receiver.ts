// A real HTTP receiver on loopback for webhook tests: records every request (raw body and
// headers) and answers as the test says, so retries, timeouts and 410s are real HTTP behaviour.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; sequence: number; created_at: string; organization_id: string | null; directory_id?: string; data: Record<string, unknown> };
  at: number;
}

/** What to do with the n-th request (0-based): a status to answer, or 'hang' to never answer. */
export type Behaviour = (n: number, request: ReceivedWebhook) => number | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answered with 2xx, by webhook-id. */
  delivered: Map<string, ReceivedWebhook>;
  behave(next: Behaviour): void;
  /** Resolves once `predicate` holds over what was received (checked after each request). */
  until(predicate: (r: WebhookReceiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `port`: listen on this one (a test that points an endpoint at a closed port first); default any free one. */
export async function startWebhookReceiver(behaviour: Behaviour = () => 204, options: { port?: number } = {}): Promise<WebhookReceiver> {
  let behave = behaviour;
  const waiters = new Set<{ predicate: (r: WebhookReceiver) => boolean; resolve: () => void }>();
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: ReceivedWebhook = { headers: req.headers, body, json: JSON.parse(body || '{}'), at: Date.now() };
      const n = receiver.received.length;
      receiver.received.push(entry);
      const answer = behave(n, entry);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
      } else {
        if (answer >= 200 && answer < 300) receiver.delivered.set(String(req.headers['webhook-id']), entry);
        res.writeHead(answer).end(answer >= 300 ? 'receiver says no' : '');
      }
      for (const w of [...waiters]) if (w.predicate(receiver)) (waiters.delete(w), w.resolve());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received: [],
    delivered: new Map(),
    behave: (next) => (behave = next),
    until(predicate, timeoutMs = 20_000) {
      if (predicate(receiver)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = { predicate, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (received ${receiver.received.length}, delivered ${receiver.delivered.size})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
