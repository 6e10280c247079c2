import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { providerViews } from '../../src/http/views/provider-pages.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { earlyReads } from '../../src/sso/provider/early-reads.js';
import { createOpenIdProvider } from '../../src/sso/provider/index.js';
import { rotateSigningKeys } from '../../src/sso/provider/signing-keys.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

describe('OpenID Provider for products', await requires('postgres'), () => {
  let gw: TestGateway;
  let server: Server;
  let issuer: string;
  let client: { id: string; secret: string; redirect: string };

  async function mount(): Promise<void> {
    const provider = await createOpenIdProvider({
      issuer,
      store: gw.store,
      applications: gw.services.applications,
      encryptionKey: gw.config.security.encryptionKey!,
      trustProxy: false,
      logger: createLogger('silent'),
      findAccount: async () => undefined,
      views: providerViews,
    });
    const app = createApp({ config: gw.config, logger: createLogger('silent'), services: gw.services, readiness: [], openIdProvider: provider.handler });
    server.removeAllListeners('request');
    server.on('request', app);
  }

  before(async () => {
    gw = await startTestGateway('oidc');
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await mount();
    const { application, clientSecret } = await gw.services.applications.create(
      { actor: { type: 'cli', id: null, name: 'test', scopes: ['*'], organizationId: null }, requestId: null, ip: null, userAgent: null },
      { name: 'Product', redirect_uris: ['http://localhost:4000/callback'] },
    );
    client = { id: application.clientId, secret: clientSecret!, redirect: 'http://localhost:4000/callback' };
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await gw?.close();
  });

  const authorize = (params: Record<string, string>) =>
    fetch(`${issuer}/oauth/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });

  test('discovery validates with openid-client and states the contract', async () => {
    const config = await oidc.discovery(new URL(issuer), client.id, client.secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, issuer);
    assert.equal(meta.authorization_endpoint, `${issuer}/oauth/authorize`);
    assert.equal(meta.token_endpoint, `${issuer}/oauth/token`);
    assert.equal(meta.userinfo_endpoint, `${issuer}/oauth/userinfo`);
    assert.equal(meta.jwks_uri, `${issuer}/oauth/jwks`);
    assert.equal(meta.end_session_endpoint, `${issuer}/oauth/logout`);
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual([...(meta.id_token_signing_alg_values_supported ?? [])].sort(), ['ES256', 'RS256']);
  });

  test('the JWKS publishes public RS256 and ES256 keys; a rotation keeps the old ones published', async () => {
    const jwks = (await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: Array<Record<string, string>> };
    assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'RS256']);
    assert.ok(jwks.keys.every((k) => k.d === undefined && k.kid?.startsWith('sig_')), 'no private parts');
    const stored = await gw.store.signingKeys.list();
    assert.ok(stored.every((k) => !k.sealedJwk.includes('"d"')), 'private keys are sealed at rest');

    await rotateSigningKeys(gw.store, createSecretBox(gw.config.security.encryptionKey!), () => new Date());
    await mount();
    const rotated = (await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: Array<Record<string, string>> };
    assert.equal(rotated.keys.length, 4);
    for (const old of jwks.keys) assert.ok(rotated.keys.some((k) => k.kid === old.kid), 'retired key still published');
  });

  test('a valid authorization request opens an interaction stored in Postgres', async () => {
    const res = await authorize({ client_id: client.id, redirect_uri: client.redirect, response_type: 'code', scope: 'openid email', state: 's1', ...pkce });
    assert.equal(res.status, 303);
    const location = res.headers.get('location') ?? '';
    const uid = /^\/sso\/interactions\/([\w-]+)$/.exec(location)?.[1];
    assert.ok(uid, location);
    const interaction = await gw.store.oidcPayloads.find('Interaction', uid, new Date());
    assert.equal((interaction?.params as Record<string, string>).client_id, client.id);
  });

  test('bad authorization requests: unknown client and wrong redirect_uri get a page; missing PKCE is redirected back', async () => {
    const unknown = await authorize({ client_id: 'client_nope', redirect_uri: client.redirect, response_type: 'code', scope: 'openid', ...pkce });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /invalid_client/);
    const wrongRedirect = await authorize({ client_id: client.id, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', ...pkce });
    assert.equal(wrongRedirect.status, 400);
    assert.match(await wrongRedirect.text(), /redirect_uri/);
    const noPkce = await authorize({ client_id: client.id, redirect_uri: client.redirect, response_type: 'code', scope: 'openid', state: 'x' });
    assert.equal(noPkce.status, 303);
    const back = new URL(noPkce.headers.get('location') ?? '');
    assert.equal(back.origin + back.pathname, client.redirect);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('state'), 'x');
    const implicit = await authorize({ client_id: client.id, redirect_uri: client.redirect, response_type: 'id_token', scope: 'openid', nonce: 'n', ...pkce });
    const refused = new URL(implicit.headers.get('location') ?? '', issuer);
    assert.equal(refused.origin + refused.pathname, client.redirect, 'implicit flow refused, not started');
    assert.equal(new URLSearchParams(refused.search || refused.hash.slice(1)).get('error'), 'unsupported_response_type');
  });

  test('the token endpoint checks client secrets against their hashes', async () => {
    const token = (secret: string) =>
      fetch(`${issuer}/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${client.id}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: client.redirect, code_verifier: 'v'.repeat(43) }),
      });
    const wrong = await token('ghc_wrong');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_client');
    const right = await token(client.secret);
    assert.equal(right.status, 400);
    assert.equal(((await right.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a resume reads its client, grant and account at once, for that request only and once each', async () => {
    const reads = earlyReads();
    const calls: string[] = [];
    const store = { client: async (id: string) => (calls.push(`client ${id}`), { client_id: id }), grant: async (id: string) => (calls.push(`grant ${id}`), { jti: id }) };
    const findAccount = async (_ctx: unknown, sub: string) => (calls.push(`account ${sub}`), { accountId: sub, claims: async () => ({ sub }) });
    const completed = { params: { client_id: 'c1' }, result: { login: { accountId: 'prof_1' }, consent: { grantId: 'g1' } } };
    const resume = { oidc: { route: 'resume' } } as never;
    const other = { oidc: { route: 'resume' } } as never;

    reads.interactionRead({ oidc: { route: 'authorization' } } as never, completed, store, findAccount);
    reads.interactionRead(resume, { params: { client_id: 'c1' } }, store, findAccount);
    assert.deepEqual(calls, [], 'only a resume, and only of a completed login');

    reads.interactionRead(resume, completed, store, findAccount);
    assert.deepEqual(calls.sort(), ['account prof_1', 'client c1', 'grant g1']);
    assert.equal(reads.take(other, 'Client:c1'), undefined, 'another request reads for itself');
    assert.deepEqual(await reads.take(resume, 'Client:c1'), { client_id: 'c1' });
    assert.equal(reads.take(resume, 'Client:c1'), undefined, 'taken once');
    const wrapped = reads.findAccount(findAccount as never);
    assert.equal((await wrapped(resume, 'prof_1'))?.accountId, 'prof_1');
    assert.equal(calls.length, 3, 'the account read already made');
    await wrapped(resume, 'prof_1');
    assert.equal(calls.length, 4, 'a second lookup reads again');
  });
});
