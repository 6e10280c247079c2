// The gateway under test for the ACS benchmark, in its own process so the load client does not
// share its event loop: prints { url, connectionId, clientId } as one JSON line, then serves until
// stdin closes.
import { releaseTestResources } from '../test/support/services.js';
import { gatewayUnderTest } from './saml-acs.js';

const gw = await gatewayUnderTest();
process.stdout.write(`${JSON.stringify({ url: gw.url, connectionId: gw.connectionId, clientId: gw.clientId })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await gw.close();
  await releaseTestResources();
  process.exit(0);
});
