// The login broker over a test gateway's store, with the registered connectors and a clock the
// test controls (no HTTP: tests drive start/finish directly).
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { createGuardedFetch } from '../../src/outbound/guarded-fetch.js';
import { loginBroker } from '../../src/sso/broker.js';
import { createSecretBox } from '../../src/store/encryption.js';
import type { TestGateway } from './gateway.js';

export function testLoginBroker(gw: TestGateway, clock: () => Date = () => new Date()) {
  return loginBroker({
    store: gw.store,
    registry: connectorTypes,
    presets: idpPresets,
    secretBox: createSecretBox(gw.config.security.encryptionKey!),
    publicUrl: 'http://gatehouse.test',
    allowInsecureOutbound: false,
    outboundFetch: createGuardedFetch({ allowInsecure: false }),
    clock,
  });
}
