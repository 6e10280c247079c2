// The gateway under test for the SCIM benchmark, in its own process so the load client does not
// share its event loop: prints { url, rootKey, databaseUrl } as one JSON line, then serves until
// stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway } from '../test/support/gateway.js';
import { releaseTestResources } from '../test/support/services.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// The production pool size (src/cli/gateway.ts).
const gw = await startTestGateway('bench_scim', { PUBLIC_URL: url }, { maxConnections: 10 });
server.on('request', gw.app);
process.stdout.write(`${JSON.stringify({ url, rootKey: gw.rootKey, databaseUrl: gw.databaseUrl })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await gw.close();
  await releaseTestResources();
  process.exit(0);
});
