// The mock connector's IdP pages (development and tests only; mounted only when the mock
// connector is enabled). The request token is signed with the connection's secret: its state
// names the login attempt, which names the connection whose secret then verifies it.
import express, { Router, type Request } from 'express';
import { InvalidRequest } from '../../errors.js';
import { openSecrets } from '../../store/connection-secrets.js';
import type { SecretBox } from '../../store/encryption.js';
import type { Store } from '../../store/store.js';
import type { ConnectorType } from '../../sso/connector.js';

export interface MockIdpPages<Config> {
  type: ConnectorType<Config>;
  render(config: Config, requestToken: string | undefined, now: Date): { html: string };
  complete(config: Config, form: Record<string, string>, now: Date): { redirect: string };
}

/** Unverified read of the token's state: only to find which connection's key verifies it. */
function stateOf(token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length > 8192) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { state?: unknown };
    return typeof claims.state === 'string' ? claims.state : undefined;
  } catch {
    return undefined;
  }
}

export function mockIdpRoutes<Config>(pages: MockIdpPages<Config>, store: Store, box: SecretBox, clock: () => Date): Router {
  const router = Router();
  async function configFor(token: unknown): Promise<Config> {
    const state = stateOf(token);
    const attempt = state ? await store.loginAttempts.peek(state) : undefined;
    const connection = attempt ? await store.connections.get(attempt.connectionId) : undefined;
    if (!connection || connection.type !== pages.type.type) {
      throw new InvalidRequest('This mock sign-in request is not valid; start the login again.', { code: 'mock_request_invalid' });
    }
    return pages.type.configSchema.parse(openSecrets(box, connection.organizationId, pages.type.secretFields, connection.config));
  }
  const form = (req: Request) => Object.fromEntries(Object.entries(req.body ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));

  router.get('/mock-idp/login', async (req, res) => {
    const config = await configFor(req.query.request);
    res.type('html').send(pages.render(config, String(req.query.request), clock()).html);
  });
  router.post('/mock-idp/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const body = form(req);
    const config = await configFor(body.request);
    res.redirect(303, pages.complete(config, body, clock()).redirect);
  });
  return router;
}
