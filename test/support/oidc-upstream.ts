// A real upstream OpenID Provider for tests (oidc-provider on 127.0.0.1): code flow with PKCE
// (S256) only, RFC 9207 `iss` on every authorization response, userinfo, RS256 ID tokens carrying
// the account's claims. Logins are headless: the interaction routes sign in `loginAs` (or refuse
// once with `denyNext`) without any page. Keys rotate at runtime, and the token endpoint's ID token
// can be rewritten (expired, wrong iss/aud/nonce, foreign key, alg none...) to test a relying party.
//
// Rotation: oidc-provider's keystore is fixed when a Provider is constructed, so rotateKeys() and
// dropOldKeys() build a new Provider with the new JWKS and swap it in behind the same HTTP server.
// Every instance shares one in-memory adapter (sessions, interactions, grants, codes, tokens) and
// the same cookie keys, so sessions and codes issued before a rotation stay usable after it.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK as JoseJWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import Provider, { interactionPolicy, type Adapter, type AdapterPayload, type ClientMetadata, type Configuration, type InteractionResults, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { Browser, hiddenField } from './browser.js';

export interface UpstreamClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** Public keys for private_key_jwt client authentication. */
  jwks?: { keys: JoseJWK[] };
}

export interface UpstreamOptions {
  /** Appended to `http://127.0.0.1:<port>`, e.g. `/tenant-a/v2.0` for an Entra-like issuer. */
  issuerPath?: string;
  clients: UpstreamClient[];
  /** accountId -> claims; `sub` is always the accountId. */
  accounts: Record<string, Record<string, unknown>>;
  /** Who the headless login signs in; default the first account. */
  loginAs?: string;
  /**
   * Entra's multi-tenant endpoints: each path (e.g. `/common/v2.0`) serves a discovery document
   * whose issuer is the `{tenantid}` template of issuerPath (`/<tenant>/v2.0` -> `/{tenantid}/v2.0`).
   */
  multiTenantPaths?: string[];
}

export type TamperKey = 'current' | 'foreign' | 'none';

export interface TamperedIdToken {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
  /** 'current': the provider's signing key; 'foreign': an RSA key not in the JWKS; 'none': alg none, empty signature. */
  key: TamperKey;
}

/** Rewrites the ID token of every successful /token response while set. */
export type IdTokenTamper = (header: ProtectedHeaderParameters, claims: JWTPayload) => TamperedIdToken | Promise<TamperedIdToken>;

export interface TokenRequestRecord {
  /** HTTP status of the token endpoint's answer. */
  status: number;
  grantType: string | undefined;
  /** oidc-provider's error for a refused request, e.g. `invalid_grant` for a code used twice. */
  error?: string;
  errorDescription?: string;
  /** The ID token as delivered (after tampering, if any). */
  idToken?: string;
  accessToken?: string;
  /** The client_assertion of a private_key_jwt client, as received. */
  clientAssertion?: string;
  /** The ID token oidc-provider issued, when tampering replaced it. */
  originalIdToken?: string;
}

export interface InteractionRecord {
  /** The prompt oidc-provider asked for: 'login' or 'consent'. */
  prompt: string;
  /** How the headless interaction ended. */
  outcome: 'login' | 'consent' | 'denied';
  accountId?: string;
  /** The authorization request's parameters as the upstream received them (client_id, scope, nonce, code_challenge...). */
  params: Record<string, unknown>;
}

export interface UpstreamIdp {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  /** The live accounts record given in the options (edits to existing claim names apply at once). */
  readonly accounts: Record<string, Record<string, unknown>>;
  /** Who the next headless login signs in; a session for someone else is asked to log in again. */
  loginAs: string;
  /** The next interaction ends with this error (`'access_denied'` -> "The user declined") instead of a login; then resets. */
  denyNext: string | { error: string; error_description?: string } | undefined;
  tamperIdToken: IdTokenTamper | undefined;
  /** Every token endpoint call, in order (`.length` is the counter). */
  readonly tokenRequests: TokenRequestRecord[];
  /** Every headless interaction, in order; a login that reuses the upstream session adds none. */
  readonly interactions: InteractionRecord[];
  /** How many times a discovery document was served. */
  readonly discoveryRequests: number;
  /** How many times the JWKS was served. */
  readonly jwksRequests: number;
  /** Registers one more client (oidc-provider's clients are fixed per instance: this swaps in a new one). */
  addClient(client: UpstreamClient): void;
  /** kids in the published JWKS, the signing key first. */
  readonly kids: string[];
  readonly signingKid: string;
  /** Follows the authorize URL through the headless login to the client's redirect_uri (not fetched) and returns that URL. */
  login(authorizeUrl: string, browser?: Browser): Promise<URL>;
  /** Adds a new signing key in front (new kid); older keys stay published until dropOldKeys(). */
  rotateKeys(): Promise<string>;
  /** Keeps only the newest key in the JWKS. */
  dropOldKeys(): Promise<void>;
  close(): Promise<void>;
}

const STANDARD_PROFILE_CLAIMS = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
  'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
];
const EMAIL_CLAIMS = ['email', 'email_verified'];
/** Released with `openid` (and so for every scope), whether or not an account has them at start. */
const CUSTOM_CLAIMS = ['groups', 'roles', 'tid', 'oid', 'hd', 'upn', 'idp'];

const ROUTES = { authorization: '/auth', token: '/token', userinfo: '/me', jwks: '/jwks' } as const;
const INTERACTION = '/interaction/';

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `upstream-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' } as JWK;
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/** One store for every Provider instance of an upstream, so rotations keep sessions and codes. */
function memoryAdapter() {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class MemoryAdapter implements Adapter {
    constructor(private readonly kind: string) {}
    private key(id: string) {
      return `${this.kind}:${id}`;
    }
    private findBy(match: (p: AdapterPayload) => boolean) {
      for (const key of entries.keys()) {
        if (!key.startsWith(`${this.kind}:`)) continue;
        const payload = live(key);
        if (payload && match(payload)) return payload;
      }
      return undefined;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      entries.set(this.key(id), { payload: structuredClone(payload), expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    }
    async find(id: string) {
      const payload = live(this.key(id));
      return payload && structuredClone(payload);
    }
    async findByUid(uid: string) {
      return this.findBy((p) => p.uid === uid);
    }
    async findByUserCode(userCode: string) {
      return this.findBy((p) => p.userCode === userCode);
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      entries.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      // Only what a grant issued (as oidc-provider's own memory adapter does): an Interaction
      // also names its grantId, and must outlive a logout that revokes the grant.
      for (const [key, entry] of entries) if (GRANTABLE.has(key.slice(0, key.indexOf(':'))) && entry.payload.grantId === grantId) entries.delete(key);
    }
  };
}

function denial(deny: NonNullable<UpstreamIdp['denyNext']>): { error: string; error_description: string } {
  if (typeof deny === 'string') return { error: deny, error_description: deny === 'access_denied' ? 'The user declined' : `The upstream refused (${deny})` };
  return { error: deny.error, error_description: deny.error_description ?? 'The user declined' };
}

export async function startUpstreamIdp(options: UpstreamOptions): Promise<UpstreamIdp> {
  const issuerPath = (options.issuerPath ?? '').replace(/\/+$/, '');
  if (issuerPath && !issuerPath.startsWith('/')) throw new Error('issuerPath must start with /');
  const accountIds = Object.keys(options.accounts);
  const Adapter = memoryAdapter();
  const cookieKeys = [randomBytes(32).toString('base64url')];
  // RSA key generation runs off the main thread: all three at once.
  const [first, second, foreign] = await Promise.all([newSigningKey(), newSigningKey(), generateKeyPair('RS256')]);
  let keys: JWK[] = [first, second];
  const foreignKey = foreign.privateKey;

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${issuerPath}`;

  const extraClaims = [...new Set([...CUSTOM_CLAIMS, ...accountIds.flatMap((id) => Object.keys(options.accounts[id]!))])].filter(
    (c) => c !== 'sub' && !EMAIL_CLAIMS.includes(c) && !STANDARD_PROFILE_CLAIMS.includes(c),
  );

  async function tamperedToken(original: string, tamper: IdTokenTamper): Promise<string> {
    const out = await tamper(decodeProtectedHeader(original), decodeJwt(original));
    if (out.key === 'none') {
      const header = { ...out.header, alg: 'none' };
      return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(out.claims))}.`;
    }
    let key: CryptoKey | Uint8Array;
    if (out.key === 'foreign') key = foreignKey;
    else key = await importJWK(keys[0] as JoseJWK, 'RS256');
    return new SignJWT(out.claims).setProtectedHeader({ ...out.header, alg: out.header.alg ?? 'RS256' }).sign(key);
  }

  /** After oidc-provider answered /token: record it, and swap the ID token when a tamper hook is set. */
  async function tokenEndpointHook(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== ROUTES.token) return;
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const params = ctx.oidc?.body as Record<string, unknown> | undefined;
    const record: TokenRequestRecord = { status: ctx.status, grantType: typeof params?.grant_type === 'string' ? params.grant_type : undefined };
    if (typeof body.error === 'string') record.error = body.error;
    if (typeof body.error_description === 'string') record.errorDescription = body.error_description;
    if (typeof params?.client_assertion === 'string') record.clientAssertion = params.client_assertion;
    if (typeof body.access_token === 'string') record.accessToken = body.access_token;
    if (ctx.status === 200 && typeof body.id_token === 'string') {
      const tamper = idp.tamperIdToken;
      if (tamper) {
        record.originalIdToken = body.id_token;
        body.id_token = await tamperedToken(body.id_token, tamper);
      }
      record.idToken = body.id_token as string;
    }
    idp.tokenRequests.push(record);
  }

  function policy() {
    const prompts = interactionPolicy.base();
    const login = prompts.get('login')!;
    // A new interaction whenever a refusal is armed or the test switched users, even with a session.
    login.checks.add(
      new interactionPolicy.Check('upstream_deny_next', 'the test upstream will refuse this login', () =>
        idp.denyNext !== undefined ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
    login.checks.add(
      new interactionPolicy.Check('upstream_login_as', 'the test upstream signs in someone else now', (ctx) =>
        ctx.oidc.session?.accountId !== undefined && ctx.oidc.session.accountId !== idp.loginAs && !ctx.oidc.result?.login
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
    return prompts;
  }

  function configuration(): Configuration {
    return {
      adapter: Adapter,
      clients: options.clients.map(
        (c): ClientMetadata => ({
          ...c,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
          id_token_signed_response_alg: 'RS256',
        }) as ClientMetadata,
      ),
      jwks: { keys },
      cookies: { keys: cookieKeys },
      findAccount: async (_ctx, id) => {
        const claims = options.accounts[id];
        if (!claims) return undefined;
        return { accountId: id, claims: async () => ({ ...claims, sub: id }) };
      },
      scopes: ['openid', 'email', 'profile'],
      claims: { openid: ['sub', ...extraClaims], email: EMAIL_CLAIMS, profile: STANDARD_PROFILE_CLAIMS },
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      pkce: { required: () => true },
      routes: ROUTES,
      interactions: { url: (_ctx, interaction) => `${issuerPath}${INTERACTION}${interaction.uid}`, policy: policy() },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: true },
        // Used by login() to switch users over an existing session (logout confirmation).
        rpInitiatedLogout: { enabled: true },
        // Not needed here, and off so an RP cannot depend on them by accident.
        pushedAuthorizationRequests: { enabled: false },
      },
      enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
      // Plain text, so a test that stops at an error page can show why.
      renderError: async (ctx, out) => {
        ctx.type = 'text';
        ctx.body = `upstream error: ${out.error}${out.error_description ? ` (${out.error_description})` : ''}`;
      },
      ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    };
  }

  let provider!: Provider;
  let callback!: ReturnType<Provider['callback']>;
  function build() {
    const next = new Provider(issuer, configuration());
    next.use(tokenEndpointHook);
    provider = next;
    callback = next.callback();
  }

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const current = provider;
    const details = await current.interactionDetails(req, res);
    const record = (outcome: InteractionRecord['outcome'], accountId?: string) =>
      idp.interactions.push({ prompt: details.prompt.name, outcome, ...(accountId ? { accountId } : {}), params: { ...details.params } });
    if (idp.denyNext !== undefined) {
      const result = denial(idp.denyNext);
      idp.denyNext = undefined;
      record('denied');
      return current.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    let result: InteractionResults;
    if (details.prompt.name === 'login') {
      if (!options.accounts[idp.loginAs]) throw new Error(`loginAs names no account: ${idp.loginAs}`);
      result = { login: { accountId: idp.loginAs, amr: ['pwd'] } };
      record('login', idp.loginAs);
    } else {
      const accountId = details.session!.accountId;
      const clientId = String(details.params.client_id);
      const grant = (details.grantId ? await current.Grant.find(details.grantId) : undefined) ?? new current.Grant({ accountId, clientId });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
      result = { consent: { grantId: await grant.save() } };
      record('consent', accountId);
    }
    return current.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }

  const tenantTemplate = `${origin}${issuerPath.replace(/^\/[^/]+/, '/{tenantid}')}`;
  async function multiTenantDiscovery(res: ServerResponse) {
    const own = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ...own, issuer: tenantTemplate }));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    const pathname = raw.split('?')[0]!;
    if (pathname.endsWith('/.well-known/openid-configuration')) discoveryRequests++;
    if (pathname === `${issuerPath}${ROUTES.jwks}`) jwksRequests++;
    if ((options.multiTenantPaths ?? []).some((p) => pathname === `${p}/.well-known/openid-configuration`)) {
      discoveryRequests--; // counted once, by the inner fetch
      void multiTenantDiscovery(res);
      return;
    }
    if (issuerPath && pathname !== issuerPath && !pathname.startsWith(`${issuerPath}/`)) {
      res.statusCode = 404;
      res.end('not under the issuer path');
      return;
    }
    if (pathname.startsWith(`${issuerPath}${INTERACTION}`)) {
      interaction(req, res).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain');
        res.end(`upstream interaction failed: ${err instanceof Error ? err.message : String(err)}`);
      });
      return;
    }
    // Mounted like express would: oidc-provider derives its mount path from originalUrl vs url.
    if (issuerPath) {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = raw;
      req.url = raw.slice(issuerPath.length) || '/';
    }
    void callback(req, res);
  });

  let discoveryRequests = 0;
  let jwksRequests = 0;
  build();

  const redirectUris = () => options.clients.flatMap((c) => c.redirect_uris);
  const idp: UpstreamIdp = {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}${ROUTES.jwks}`,
    accounts: options.accounts,
    loginAs: options.loginAs ?? accountIds[0] ?? '',
    denyNext: undefined,
    tamperIdToken: undefined,
    tokenRequests: [],
    interactions: [],
    get discoveryRequests() {
      return discoveryRequests;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    addClient(client: UpstreamClient) {
      options.clients.push(client);
      build();
    },
    get kids() {
      return keys.map((k) => k.kid!);
    },
    get signingKid() {
      return keys[0]!.kid!;
    },
    async login(authorizeUrl: string, browser = new Browser()) {
      const done = (u: URL) => redirectUris().some((r) => u.href.startsWith(r));
      let next = authorizeUrl;
      for (let round = 0; round < 3; round++) {
        const { response, url } = await browser.follow(next, done);
        if (done(url)) return url;
        const body = await response.text().catch(() => '');
        // Switching users over an existing session: oidc-provider asks to confirm the logout first.
        const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
        if (response.status === 200 && action?.startsWith(`${issuer}/session/end/confirm`)) {
          const confirmed = await browser.post(action, { xsrf: hiddenField(body, 'xsrf'), logout: 'yes' });
          const location = confirmed.headers.get('location');
          if (!location) throw new Error(`upstream logout confirmation answered ${confirmed.status}`);
          next = new URL(location, action).href;
          continue;
        }
        throw new Error(`upstream login stopped at ${url.href} (${response.status}): ${body.slice(0, 300)}`);
      }
      throw new Error('upstream login did not reach a redirect_uri');
    },
    async rotateKeys() {
      keys = [await newSigningKey(), ...keys];
      build();
      return keys[0]!.kid!;
    },
    async dropOldKeys() {
      keys = keys.slice(0, 1);
      build();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return idp;
}

const now = () => Math.floor(Date.now() / 1000);

/** Ready-made tamper hooks for the usual negative tests. */
export const tamper = {
  /** Expired ten minutes ago (well past any clock tolerance), issued an hour before that. */
  expired: (): IdTokenTamper => (header, claims) => ({ header, claims: { ...claims, iat: now() - 4200, exp: now() - 600 }, key: 'current' }),
  /** Signed by the right key, but naming another issuer. */
  wrongIssuer:
    (issuer = 'http://127.0.0.1:9/another-issuer'): IdTokenTamper =>
    (header, claims) => ({ header, claims: { ...claims, iss: issuer }, key: 'current' }),
  /** Signed by the right key, but for another client. */
  wrongAudience:
    (audience: string | string[] = 'another-client'): IdTokenTamper =>
    (header, claims) => ({ header, claims: { ...claims, aud: audience, ...(Array.isArray(audience) && audience.length > 1 ? { azp: audience[0] } : {}) }, key: 'current' }),
  /** Replaces the nonce, or removes it when `value` is undefined. */
  nonce:
    (value: string | undefined): IdTokenTamper =>
    (header, claims) => {
      const { nonce: _dropped, ...rest } = claims;
      return { header, claims: value === undefined ? rest : { ...rest, nonce: value }, key: 'current' };
    },
  /** Signed by a key that is not in the JWKS; `kid: 'same'` keeps the real key's kid (the default), 'new' invents one. */
  foreignKey:
    (kid: 'same' | 'new' = 'same'): IdTokenTamper =>
    (header, claims) => ({ header: kid === 'same' ? header : { ...header, kid: `foreign-${randomBytes(4).toString('hex')}` }, claims, key: 'foreign' }),
  /** An unsecured JWT: `alg: none`, no kid, empty signature. */
  algNone: (): IdTokenTamper => (header, claims) => {
    const { kid: _kid, ...rest } = header;
    return { header: { ...rest, alg: 'none' }, claims, key: 'none' };
  },
  /** Merges `patch` into the claims (an undefined value removes that claim); re-signed with the right key. */
  claims:
    (patch: Record<string, unknown>): IdTokenTamper =>
    (header, claims) => {
      const next: JWTPayload = { ...claims };
      for (const [name, value] of Object.entries(patch)) {
        if (value === undefined) delete next[name];
        else next[name] = value;
      }
      return { header, claims: next, key: 'current' };
    },
};
