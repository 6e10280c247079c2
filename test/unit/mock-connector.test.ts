import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { connectorTypes } from '../../connectors/index.js';
import { completeMockLogin, mockConnectorType, renderMockLogin, type MockConfig } from '../../connectors/mock/index.js';
import { signToken } from '../../connectors/mock/tokens.js';
import { InvalidRequest, UpstreamRejected } from '../../src/errors.js';
import type { Connector, OidcConnector, Stash } from '../../src/sso/connector.js';

const SECRET = 'mock-signing-secret-0123456789abcdef';
const CALLBACK = 'http://localhost:8080/oidc/callback';
const T0 = new Date('2026-03-01T12:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const rawConfig = {
  users: [
    { id: 'alice', email: 'alice@example.test', first_name: 'Alice', last_name: 'Admin', groups: ['admins', 'staff'] },
    { id: 'mallory', email: '"><script>alert(1)</script>@evil.test', first_name: '<img src=x onerror=alert(2)>', groups: ['<b>x</b>'] },
    { id: 'bob', email: 'Bob@Example.test', email_verified: false },
  ],
  signing_secret: SECRET,
};

function parse(raw: unknown): MockConfig {
  return mockConnectorType.configSchema.parse(raw);
}

const config = parse(rawConfig);

function connector(cfg: MockConfig = config): OidcConnector {
  return mockConnectorType.open(cfg, { clock: () => T0, publicUrl: 'http://localhost:8080/', allowInsecureOutbound: true, connectionId: 'conn_test' });
}

async function start(loginHint?: string, cfg: MockConfig = config) {
  const { redirect, stash } = await connector(cfg).createLoginRequest({ state: 'attempt-1', callbackUrl: CALLBACK, loginHint });
  assert.equal(redirect.kind, 'redirect');
  const url = new URL(redirect.url);
  const request = url.searchParams.get('request');
  assert.ok(request);
  return { url, request, stash };
}

async function assertionFor(user = 'alice', form: Record<string, string> = {}) {
  const { request, stash } = await start();
  const { redirect } = completeMockLogin(config, { request, user, ...form }, later(30));
  const back = new URL(redirect);
  return { back, stash, assertion: back.searchParams.get('assertion') ?? '' };
}

async function rejection(promise: Promise<unknown>, code: string): Promise<UpstreamRejected> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UpstreamRejected, `expected UpstreamRejected, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, 401);
    assert.ok(error.detail);
    return error;
  }
  assert.fail(`expected UpstreamRejected ${code}`);
}

function invalid(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof InvalidRequest && error.code === code);
}

/** Flip one character in the middle of a segment so the decoded bytes really change. */
function tamper(token: string, segment: 0 | 1): string {
  const parts = token.split('.');
  const s = parts[segment] ?? '';
  const i = Math.floor(s.length / 2);
  parts[segment] = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  return parts.join('.');
}

describe('mock connector config', () => {
  function issues(raw: unknown): string[] {
    const result = mockConnectorType.configSchema.safeParse(raw);
    assert.ok(!result.success, 'expected the config to be rejected');
    return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }

  test('is registered, oidc-shaped, with its secret marked', () => {
    assert.equal(connectorTypes.mock, mockConnectorType);
    assert.equal(mockConnectorType.protocol, 'oidc');
    assert.deepEqual(mockConnectorType.secretFields, ['signing_secret']);
    const registered: Connector = connector();
    assert.equal(registered.protocol, 'oidc');
  });

  test('fills defaults', () => {
    assert.deepEqual(config.users[2], { id: 'bob', email: 'Bob@Example.test', email_verified: false, groups: [] });
    assert.equal(config.users[0]?.email_verified, true);
  });

  test('rejects bad configs with clear messages', () => {
    assert.deepEqual(issues({ users: [], signing_secret: 'short' }), [
      'users: must list at least one user',
      'signing_secret: must be at least 32 characters (openssl rand -base64 32)',
    ]);
    const many = Array.from({ length: 51 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.test` }));
    assert.deepEqual(issues({ users: many, signing_secret: SECRET }), ['users: must list at most 50 users']);
    assert.deepEqual(issues({ users: [{ id: 'a', email: 'nope' }], signing_secret: SECRET }), ['users.0.email: must be an email address (local@domain)']);
    assert.deepEqual(issues({ users: [{ id: 'a', email: 'a@x' }, { id: 'a', email: 'b@x' }], signing_secret: SECRET }), ['users.1.id: duplicate user id "a"']);
    assert.match(issues({ ...rawConfig, signingSecret: SECRET }).join('\n'), /signingSecret/);
    assert.match(issues({ users: [{ id: '', email: 'a@x', extra: 1 }], signing_secret: SECRET }).join('\n'), /users\.0\.id: must not be empty/);
    assert.match(issues({ users: [{ id: 'a', email: 'a@x' }] }).join('\n'), /^signing_secret:/m);
  });
});

describe('mock connector login', () => {
  test('full round trip returns the identity with groups', async () => {
    const { url, request, stash } = await start();
    assert.equal(`${url.origin}${url.pathname}`, 'http://localhost:8080/mock-idp/login');
    assert.equal(typeof stash.nonce, 'string');
    assert.deepEqual(Object.keys(stash), ['nonce']);

    const { html } = renderMockLogin(config, request, later(10));
    assert.match(html, /<meta name="robots" content="noindex">/);
    assert.match(html, /Mock identity provider — for development and tests only/);
    assert.match(html, /<form method="post" action="login">/);
    assert.ok(html.includes(`name="request" value="${request}"`));
    assert.match(html, /alice@example\.test/);
    assert.match(html, /Alice Admin/);
    assert.match(html, /groups: admins, staff/);
    assert.match(html, /name="extra_groups"/);
    assert.ok(!html.includes('<script>') && !html.includes('<img') && !html.includes('<b>x'), 'config values must be escaped');
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.test'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'));

    const { redirect } = completeMockLogin(config, { request, user: 'alice', extra_groups: ' ops, staff ,,' }, later(20));
    const back = new URL(redirect);
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), 'attempt-1');
    const params = Object.fromEntries(back.searchParams);

    const identity = await connector().handleCallback({ stash, params, callbackUrl: CALLBACK, now: later(40) });
    assert.equal(identity.idpId, 'alice');
    assert.equal(identity.email, 'alice@example.test');
    assert.equal(identity.emailVerified, true);
    assert.equal(identity.firstName, 'Alice');
    assert.equal(identity.lastName, 'Admin');
    assert.equal(identity.name, 'Alice Admin');
    assert.deepEqual(identity.groups, ['admins', 'staff', 'ops']);
    assert.deepEqual(identity.roles, []);
    assert.deepEqual(identity.amr, ['mock']);
    assert.equal(identity.rawAttributes.sub, 'alice');
    assert.equal(identity.rawAttributes.nonce, stash.nonce);
  });

  test('an unverified user without names comes back as such', async () => {
    const { stash, back } = await assertionFor('bob');
    const identity = await connector().handleCallback({ stash, params: Object.fromEntries(back.searchParams), callbackUrl: CALLBACK, now: later(40) });
    assert.equal(identity.emailVerified, false);
    assert.equal(identity.name, undefined);
    assert.deepEqual(identity.groups, []);
  });

  test('login_hint preselects its user by id or by email, case-insensitively', async () => {
    const checked = (html: string) => [...html.matchAll(/value="([^"]*)"[^>]* checked/g)].map((m) => m[1]);
    assert.deepEqual(checked(renderMockLogin(config, (await start()).request, T0).html), ['alice']);
    assert.deepEqual(checked(renderMockLogin(config, (await start('bob')).request, T0).html), ['bob']);
    assert.deepEqual(checked(renderMockLogin(config, (await start('bob@example.TEST')).request, T0).html), ['bob']);
    assert.deepEqual(checked(renderMockLogin(config, (await start('nobody@x.test')).request, T0).html), ['alice']);
  });
});

describe('mock IdP refuses bad login requests', () => {
  test('tampered, missing or forged request token', async () => {
    const { request } = await start();
    invalid(() => renderMockLogin(config, tamper(request, 0), T0), 'mock_request_invalid');
    invalid(() => renderMockLogin(config, tamper(request, 1), T0), 'mock_request_invalid');
    invalid(() => renderMockLogin(config, undefined, T0), 'mock_request_missing');
    invalid(() => completeMockLogin(config, { request: 'garbage', user: 'alice' }, T0), 'mock_request_invalid');
    const other = parse({ ...rawConfig, signing_secret: 'another-secret-another-secret-0000' });
    invalid(() => renderMockLogin(other, request, T0), 'mock_request_invalid');
  });

  test('an assertion is not accepted as a login request', async () => {
    const { assertion } = await assertionFor();
    invalid(() => renderMockLogin(config, assertion, later(31)), 'mock_request_invalid');
  });

  test('expired request (10 minutes)', async () => {
    const { request } = await start();
    assert.ok(renderMockLogin(config, request, later(599)).html);
    invalid(() => renderMockLogin(config, request, later(600)), 'mock_request_expired');
    invalid(() => completeMockLogin(config, { request, user: 'alice' }, later(601)), 'mock_request_expired');
  });

  test('unknown or missing user, too many extra groups', async () => {
    const { request } = await start();
    invalid(() => completeMockLogin(config, { request, user: 'eve' }, T0), 'mock_unknown_user');
    invalid(() => completeMockLogin(config, { request }, T0), 'mock_unknown_user');
    const extra_groups = Array.from({ length: 21 }, (_, i) => `g${i}`).join(',');
    invalid(() => completeMockLogin(config, { request, user: 'alice', extra_groups }, T0), 'mock_extra_groups_invalid');
  });
});

describe('mock connector refuses bad assertions', () => {
  const call = (stash: Stash, params: Record<string, string>, now = later(40), cfg = config) =>
    connector(cfg).handleCallback({ stash, params, callbackUrl: CALLBACK, now });

  test('tampered payload or signature', async () => {
    const { assertion, stash } = await assertionFor();
    await rejection(call(stash, { state: 'attempt-1', assertion: tamper(assertion, 0) }), 'mock_signature_invalid');
    await rejection(call(stash, { state: 'attempt-1', assertion: tamper(assertion, 1) }), 'mock_signature_invalid');
  });

  test('signed with another secret', async () => {
    const { assertion, stash } = await assertionFor();
    const other = parse({ ...rawConfig, signing_secret: 'another-secret-another-secret-0000' });
    await rejection(call(stash, { assertion }, later(40), other), 'mock_signature_invalid');
  });

  test('a login request is not accepted as an assertion', async () => {
    const { request, stash } = await start();
    await rejection(call(stash, { assertion: request }), 'mock_signature_invalid');
  });

  test('expired assertion (5 minutes)', async () => {
    const { assertion, stash } = await assertionFor();
    const issuedAt = 30;
    await connector().handleCallback({ stash, params: { assertion }, callbackUrl: CALLBACK, now: later(issuedAt + 299) });
    await rejection(call(stash, { assertion }, later(issuedAt + 300)), 'mock_assertion_expired');
  });

  test('nonce from another login attempt', async () => {
    const { assertion } = await assertionFor();
    const { stash: otherStash } = await start();
    await rejection(call(otherStash, { assertion }), 'mock_nonce_mismatch');
  });

  test('issued for another callback URL', async () => {
    const { assertion, stash } = await assertionFor();
    await rejection(
      connector().handleCallback({ stash, params: { assertion }, callbackUrl: 'http://localhost:8080/other', now: later(40) }),
      'mock_audience_mismatch',
    );
  });

  test('oversized, missing, garbage and validly signed non-JSON tokens are malformed', async () => {
    const { stash: nonce } = await assertionFor();
    const huge = signToken('assertion', { pad: 'x'.repeat(9000), exp: 2e9 }, SECRET);
    const oversized = await rejection(call(nonce, { assertion: huge }), 'mock_assertion_malformed');
    assert.match(oversized.detail ?? '', /8192/);
    await rejection(call(nonce, {}), 'mock_assertion_malformed');
    await rejection(call(nonce, { assertion: 'not a token' }), 'mock_assertion_malformed');
    await rejection(call(nonce, { assertion: 'a.b.c' }), 'mock_assertion_malformed');
    const payload = Buffer.from('{not json').toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`gatehouse-mock-assertion.${payload}`).digest('base64url');
    await rejection(call(nonce, { assertion: `${payload}.${mac}` }), 'mock_assertion_malformed');
    const wrongShape = signToken('assertion', { sub: 42, exp: 2e9 }, SECRET);
    await rejection(call(nonce, { assertion: wrongShape }), 'mock_assertion_malformed');
  });

  test('a stash without a nonce is a programmer error', async () => {
    const { assertion } = await assertionFor();
    await assert.rejects(call({}, { assertion }), TypeError);
  });
});
