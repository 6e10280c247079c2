// The API node of the webhook benchmark, in its own process: the real app over a fresh database,
// with the relay handing deliveries to BullMQ (it does not deliver: two `gatehouse worker`
// processes do). Prints { url, rootKey, databaseUrl, encryptionKey, prefix } and serves until stdin closes.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, testEncryptionKey } from '../test/support/gateway.js';
import { redisUrl, releaseTestResources } from '../test/support/services.js';
import { startTestDelivery } from '../test/support/webhooks.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const gw = await startTestGateway('bench_webhooks', { PUBLIC_URL: url }, { maxConnections: 10 });
const prefix = `bench_${randomBytes(4).toString('hex')}`;
const relay = await startTestDelivery(gw, { redisUrl, runWorkers: false, settings: { queuePrefix: prefix } });
server.on('request', gw.app);
process.stdout.write(`${JSON.stringify({ url, rootKey: gw.rootKey, databaseUrl: gw.databaseUrl, encryptionKey: testEncryptionKey, prefix, redisUrl })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await relay.stop();
  await gw.close();
  await releaseTestResources();
  process.exit(0);
});
