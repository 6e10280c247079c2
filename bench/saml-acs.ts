// The full ACS-to-code path over real HTTP and Postgres: POST the IdP's response to the ACS, follow
// Gatehouse's redirect back into oidc-provider, receive the code at the product's redirect_uri.
// Each login's authorize -> AuthnRequest leg is prepared beforehand and not timed. The gateway runs
// in its own process; the load client here still shares the machine's cores with it.
import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorTypes, idpPresets } from '../connectors/index.js';
import { cliContext } from '../src/admin/context.js';
import { buildSso } from '../src/cli/sso.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { createSecretBox } from '../src/store/encryption.js';
import { Browser } from '../test/support/browser.js';
import { startTestGateway } from '../test/support/gateway.js';
import { keys } from '../test/support/saml-idp/keys.js';
import { readRedirectBinding } from '../test/support/saml-idp/bindings.js';
import { typicalResponse } from './saml-checks.js';
import { spawnGateway } from './child.js';
import { fmt, load } from './stats.js';

const REDIRECT = 'http://localhost:4000/callback';
const IDP_SSO = 'https://idp.bench.test/sso';

export async function gatewayUnderTest() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gw = await startTestGateway('bench', { PUBLIC_URL: url });
  const logger = createLogger('silent');
  const box = createSecretBox(gw.config.security.encryptionKey!);
  const sso = await buildSso({ config: gw.config, logger, store: gw.store, applications: gw.services.applications, registry: connectorTypes, presets: idpPresets, secretBox: box, encryptionKey: gw.config.security.encryptionKey! });
  server.on('request', createApp({ config: gw.config, logger, services: gw.services, readiness: [], openIdProvider: sso.oidc.handler, routers: sso.routers }));
  const ctx = cliContext();
  const org = await gw.services.organizations.create(ctx, { name: 'Bench', domains: ['bench.test'] });
  const saml = { idp_entity_id: 'https://idp.bench.test/saml', idp_sso_url: IDP_SSO, idp_certificates: [keys.idp.certificate] };
  const connection = (await gw.services.connections.create(ctx, org.id, { type: 'saml', name: 'Bench', status: 'active', config: saml })).connection;
  const { application } = await gw.services.applications.create(ctx, { name: 'Bench product', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
  const close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await gw.close();
  };
  return { url, connectionId: connection.id, clientId: application.clientId, close };
}

type Gateway = Pick<Awaited<ReturnType<typeof gatewayUnderTest>>, 'url' | 'connectionId' | 'clientId'>;

/** Starts bench/acs-gateway.ts in a child process and waits for its address. */
const gatewayProcess = () => spawnGateway<Gateway>(new URL('./acs-gateway.ts', import.meta.url));

/** authorize -> interaction -> AuthnRequest, then the IdP's signed answer to it. */
export async function prepareLogin(gw: Gateway, browser = new Browser()) {
  const authorize = new URL('/oauth/authorize', gw.url);
  const params = { client_id: gw.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid email', connection: gw.connectionId, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const atIdp = await browser.follow(authorize.href, (u) => u.href.startsWith(IDP_SSO));
  const request = readRedirectBinding(atIdp.url.search.slice(1));
  const acsUrl = `${gw.url}/saml/${gw.connectionId}/acs`;
  const samlResponse = typicalResponse({ inResponseTo: request.id, issueInstant: new Date(), recipient: acsUrl, audience: `${gw.url}/saml/${gw.connectionId}` });
  return { browser, acsUrl, fields: { SAMLResponse: samlResponse, RelayState: request.relayState! } };
}

// The timed client speaks node:http with keep-alive (fetch would cost the shared cores more than
// the gateway's own work), carrying the cookies the untimed authorize leg left in the browser.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url: string, method: string, headers: Record<string, string | number>, body?: string): Promise<http.IncomingMessage & { body: Buffer }> {
  const sized = body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: sized }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Object.assign(res, { body: Buffer.concat(chunks) })));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function send(url: string, method: 'GET' | 'POST', cookie: string, body?: string): Promise<{ status: number; location: string; text: string }> {
  const headers = { cookie, ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) };
  return request(url, method, headers, body).then((res) => ({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ''), text: res.body.toString('utf8') }));
}

/** The test browser's transport on node:http: the timed whole login's client costs the shared cores what a browser's network stack would not. */
async function nodeHttpTransport(url: string, init: RequestInit): Promise<Response> {
  const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
  const res = await request(url, init.method ?? 'GET', headers, init.body === undefined || init.body === null ? undefined : String(init.body));
  const out = new Headers();
  for (const [name, value] of Object.entries(res.headers)) for (const v of Array.isArray(value) ? value : [value ?? '']) out.append(name, v);
  const status = res.statusCode ?? 0;
  return new Response([204, 205, 304].includes(status) ? null : res.body.toString('utf8'), { status, headers: out });
}

export async function acsToCode(gw: Gateway, login: Awaited<ReturnType<typeof prepareLogin>>): Promise<void> {
  const cookie = login.browser.cookieHeader();
  const acs = await send(login.acsUrl, 'POST', cookie, new URLSearchParams(login.fields).toString());
  if (acs.status !== 303) throw new Error(`ACS answered ${acs.status}: ${acs.text.slice(0, 300)}`);
  const resumed = await send(new URL(acs.location, gw.url).href, 'GET', cookie);
  if (!resumed.location.startsWith(REDIRECT) || !new URL(resumed.location).searchParams.get('code')) throw new Error(`no code: ${resumed.status} ${resumed.location}`);
}

/** RFC 7636's example pair: prepareLogin sends its challenge. */
const CODE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

/** The whole login as a product sees it: authorize -> AuthnRequest -> ACS -> code -> token -> userinfo. */
async function wholeLogin(gw: Gateway): Promise<void> {
  const login = await prepareLogin(gw, new Browser(nodeHttpTransport));
  const acs = await login.browser.post(login.acsUrl, login.fields);
  const resumed = await login.browser.get(new URL(acs.headers.get('location')!, gw.url).href);
  const code = new URL(resumed.headers.get('location') ?? '', gw.url).searchParams.get('code');
  if (!code) throw new Error(`no code: ${resumed.status}`);
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: gw.clientId, code_verifier: CODE_VERIFIER }).toString();
  const token = await request(new URL('/oauth/token', gw.url).href, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, form);
  const tokens = JSON.parse(token.body.toString('utf8')) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`token endpoint answered ${token.statusCode}: ${JSON.stringify(tokens)}`);
  const userinfo = await request(new URL('/oauth/userinfo', gw.url).href, 'GET', { authorization: `Bearer ${tokens.access_token}` });
  if (userinfo.statusCode !== 200) throw new Error(`userinfo answered ${userinfo.statusCode}`);
}

async function benchWholeLogin(gw: Gateway): Promise<string[]> {
  const lines = ['', 'The whole login (authorize -> AuthnRequest -> ACS -> code -> token -> userinfo), each one timed, the client on node:http:', '', '| concurrency | logins | logins per second | p50 ms | p99 ms |', '|---|---|---|---|---|'];
  await load(20, 4, () => wholeLogin(gw)); // warm-up
  for (const [concurrency, total] of [[1, 100], [8, 300]] as const) {
    const result = await load(total, concurrency, () => wholeLogin(gw));
    lines.push(`| ${concurrency} | ${total} | **${fmt(result.perSecond, 0)}/s** | ${fmt(result.p50)} | ${fmt(result.p99)} |`);
  }
  return lines;
}

/** Logins run untimed before each timed run: enough for the JIT to settle on the ACS path (20 left the first c1 run ~30 % slower). */
const WARM_UP = 100;

export async function benchSamlAcs(): Promise<string[]> {
  const gw = await gatewayProcess();
  try {
    const lines = ['| concurrency | logins | ACS-to-code per second | p50 ms | p99 ms |', '|---|---|---|---|---|'];
    for (const [concurrency, total] of [[1, 150], [8, 400], [32, 400]] as const) {
      const logins: Array<Awaited<ReturnType<typeof prepareLogin>>> = [];
      for (let i = 0; i < total + WARM_UP; i++) logins.push(await prepareLogin(gw));
      await load(WARM_UP, Math.min(concurrency, 8), (i) => acsToCode(gw, logins[i]!));
      const result = await load(total, concurrency, (i) => acsToCode(gw, logins[WARM_UP + i]!));
      lines.push(`| ${concurrency} | ${total} | **${fmt(result.perSecond, 0)}/s** | ${fmt(result.p50)} | ${fmt(result.p99)} |`);
    }
    return [...lines, ...(await benchWholeLogin(gw))];
  } finally {
    await gw.close();
  }
}
