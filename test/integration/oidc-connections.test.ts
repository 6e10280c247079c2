// The upstream OIDC connection options beyond a plain client secret, each through a real login
// against oidc-provider acting as an Entra-like upstream (a `/<tenant>/v2.0` issuer that also
// serves the `{tenantid}` discovery of `/organizations/v2.0`): private_key_jwt with the key
// Gatehouse generated, static endpoints, tenant pinning, groups overage read from a stand-in
// Microsoft Graph, and Google's hosted-domain rule.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { bearer } from '../support/gateway.js';
import { startOidcHarness, type OidcHarness } from '../support/oidc-harness.js';
import { startUpstreamIdp, tamper, type UpstreamIdp } from '../support/oidc-upstream.js';
import { requires } from '../support/services.js';

const TENANT_A = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const TENANT_B = 'bbbbbbbb-1111-2222-3333-444444444444';
const SECRET = 'upstream-secret-0123456789-abcdefghij';

/** A stand-in for Microsoft Graph's getMemberGroups: records each call, answers what the test sets. */
async function startGraph() {
  const calls: Array<{ path: string; authorization: string | undefined; body: string }> = [];
  const graph = { calls, answer: { status: 200, body: { value: [] as string[] } as unknown }, url: '', server: createServer() as Server };
  graph.server.on('request', (req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(graph.answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(graph.answer.body));
    });
  });
  await new Promise<void>((resolve) => graph.server.listen(0, '127.0.0.1', resolve));
  graph.url = `http://127.0.0.1:${(graph.server.address() as AddressInfo).port}`;
  return graph;
}

describe('upstream OIDC connection options', await requires('postgres'), () => {
  let h: OidcHarness;
  let upstream: UpstreamIdp;
  let graph: Awaited<ReturnType<typeof startGraph>>;
  const origin = () => new URL(upstream.issuer).origin;

  before(async () => {
    h = await startOidcHarness('oidc-options', ['acme.test']);
    graph = await startGraph();
    upstream = await startUpstreamIdp({
      issuerPath: `/${TENANT_A}/v2.0`,
      multiTenantPaths: ['/organizations/v2.0'],
      clients: [{ client_id: 'gatehouse', client_secret: SECRET, redirect_uris: [h.callbackUrl] }],
      accounts: {
        grace: { email: 'grace@acme.test', tid: TENANT_A, oid: '6a1c2b3d-0000-4000-8000-00000000beef', upn: 'grace@acme.test', hd: 'acme.test', groups: ['eng'] },
        mallory: { email: 'mallory@gmail.test', hd: 'gmail.test' },
        personal: { email: 'someone@gmail.test' },
      },
      loginAs: 'grace',
    });
  });
  after(async () => {
    await upstream?.close().catch(() => undefined);
    graph?.server.closeAllConnections();
    await new Promise((r) => graph?.server.close(r));
    await h?.close();
  });

  async function connection(name: string, oidc: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const created = await h.createConnection({ type: 'oidc', name, status: 'active', oidc: { issuer: upstream.issuer, client_id: 'gatehouse', client_secret: SECRET, ...oidc }, ...extra });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; oidc: Record<string, any> };
  }
  const profileOf = async (claims: Record<string, unknown>) => (await h.gw.store.profiles.find(String(claims.sub)))!;
  async function refusedWith(connectionId: string, code: string) {
    const flow = await h.toCallback(connectionId, upstream);
    assert.equal((await flow.browser.get(flow.callback.href)).status, 401);
    const failure = await h.lastFailure(connectionId);
    assert.equal(failure?.reason, code, JSON.stringify(failure));
    return failure!;
  }

  test('private_key_jwt: Gatehouse generates the client key and signs the token request with it', async () => {
    const created = await connection('JWT client', { client_id: 'gatehouse-jwt', client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt' });
    const { oidc } = created;
    assert.equal(oidc.client_private_key, '********', 'the private key is sealed and never echoed');
    const jwk = oidc.client_jwks.keys[0];
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.d, undefined, 'only the public half is shown');
    const certificate = new X509Certificate(oidc.client_certificate);
    assert.equal(certificate.publicKey.export({ format: 'jwk' }).n, jwk.n, 'the certificate holds the same key');

    const refused = await request(h.app).patch(`/api/v1/connections/${created.id}`).set(bearer(h.gw.rootKey)).send({ oidc: { client_certificate: oidc.client_certificate.replace('A', 'B') } });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /client_certificate.*generated by Gatehouse/);

    upstream.addClient({ client_id: 'gatehouse-jwt', token_endpoint_auth_method: 'private_key_jwt', jwks: oidc.client_jwks, redirect_uris: [h.callbackUrl] });
    assert.equal((await h.complete(await h.toCallback(created.id, upstream))).email, 'grace@acme.test');
    const assertion = upstream.tokenRequests.at(-1)!.clientAssertion!;
    const header = decodeProtectedHeader(assertion);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.kid, jwk.kid);
    assert.equal(header['x5t#S256'], createHash('sha256').update(certificate.raw).digest('base64url'));
    assert.equal(decodeJwt(assertion).aud, `${upstream.issuer}/token`);
  });

  test('discovery is stored with the connection, and the refresh re-fetches it', async () => {
    const { id, oidc } = await connection('Discovered', {});
    assert.equal(oidc.discovered.source, 'discovery');
    const before = upstream.discoveryRequests;
    await h.complete(await h.toCallback(id, upstream));
    assert.equal(upstream.discoveryRequests, before, 'a login makes no discovery request');
    const refreshed = await request(h.app).post(`/api/v1/connections/${id}/refresh`).set(bearer(h.gw.rootKey));
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.deepEqual(refreshed.body.refreshed_fields, []);
    assert.equal(upstream.discoveryRequests, before + 1);
  });

  test('static endpoints: the connection signs in without any discovery request', async () => {
    const before = upstream.discoveryRequests;
    const { id, oidc } = await connection('Static', {
      endpoints: { authorization_endpoint: `${upstream.issuer}/auth`, token_endpoint: `${upstream.issuer}/token`, jwks_uri: upstream.jwksUri, userinfo_endpoint: `${upstream.issuer}/me` },
      fetch_userinfo: true,
    });
    assert.equal(oidc.discovered.source, 'static');
    assert.equal((await h.complete(await h.toCallback(id, upstream))).email, 'grace@acme.test');
    assert.equal(upstream.discoveryRequests, before);
  });

  test('Entra multi-tenant issuer: needs the tenant id, then only that tenant signs in', async () => {
    const common = `${origin()}/organizations/v2.0`;
    const missing = await h.createConnection({ type: 'oidc', name: 'No tenant', oidc: { issuer: common, client_id: 'gatehouse', client_secret: SECRET } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.issues[0].path, 'config.tenant_id', JSON.stringify(missing.body));

    const { id, oidc } = await connection('Entra', { issuer: common, tenant_id: TENANT_A.toUpperCase() }, { preset: 'entra' });
    assert.equal(oidc.tenant_id, TENANT_A);
    assert.equal(oidc.discovered.issuer, `${origin()}/{tenantid}/v2.0`);
    const profile = await profileOf(await h.complete(await h.toCallback(id, upstream)));
    assert.deepEqual(profile.customAttributes, { object_id: '6a1c2b3d-0000-4000-8000-00000000beef', tenant_id: TENANT_A, upn: 'grace@acme.test' });

    try {
      // Another tenant's user: Entra signs every tenant's tokens with the same keys.
      upstream.tamperIdToken = tamper.claims({ iss: `${origin()}/${TENANT_B}/v2.0`, tid: TENANT_B });
      assert.match(String((await refusedWith(id, 'oidc_tenant_mismatch')).detail), new RegExp(TENANT_B));
      upstream.tamperIdToken = tamper.claims({ tid: TENANT_B });
      await refusedWith(id, 'oidc_tenant_mismatch');
    } finally {
      upstream.tamperIdToken = undefined;
    }
  });

  test('groups overage: the groups come from Microsoft Graph with the user’s access token, or the login is refused', async () => {
    const { id } = await connection('Overage', { tenant_id: TENANT_A, groups_overage: 'graph', graph_endpoint: graph.url }, { preset: 'entra' });
    upstream.tamperIdToken = tamper.claims({ groups: undefined, _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.windows.net/x/users/y/getMemberObjects' } } });
    try {
      graph.answer = { status: 200, body: { value: ['group-1', 'group-2'] } };
      const claims = await h.complete(await h.toCallback(id, upstream));
      assert.deepEqual(claims.groups, ['group-1', 'group-2']);
      const call = graph.calls.at(-1)!;
      assert.equal(call.path, '/v1.0/me/getMemberGroups');
      assert.equal(call.authorization, `Bearer ${upstream.tokenRequests.at(-1)!.accessToken}`);

      graph.answer = { status: 403, body: { error: { code: 'Authorization_RequestDenied' } } };
      assert.match(String((await refusedWith(id, 'oidc_groups_unavailable')).detail), /403/);
    } finally {
      upstream.tamperIdToken = undefined;
    }
    const ignoring = await connection('Overage ignored', { tenant_id: TENANT_A });
    upstream.tamperIdToken = tamper.claims({ groups: undefined, hasgroups: true });
    try {
      const calls = graph.calls.length;
      assert.deepEqual((await h.complete(await h.toCallback(ignoring.id, upstream))).groups, []);
      assert.equal(graph.calls.length, calls, 'no Graph call when the connection ignores overage');
    } finally {
      upstream.tamperIdToken = undefined;
    }
  });

  test('Google hosted domain: hd must be one of the organization’s domains', async () => {
    const { id } = await connection('Google', { require_hosted_domain: true }, { preset: 'google' });
    try {
      const profile = await profileOf(await h.complete(await h.toCallback(id, upstream)));
      assert.equal(profile.customAttributes.hosted_domain, 'acme.test');
      upstream.loginAs = 'mallory';
      assert.match(String((await refusedWith(id, 'oidc_hosted_domain_mismatch')).detail), /gmail\.test/);
      upstream.loginAs = 'personal';
      assert.match(String((await refusedWith(id, 'oidc_hosted_domain_mismatch')).detail), /no hd claim/);
    } finally {
      upstream.loginAs = 'grace';
    }
  });
});
