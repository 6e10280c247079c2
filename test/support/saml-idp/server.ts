// A small but real SAML IdP for end-to-end tests (drive `app` with supertest): it takes an
// AuthnRequest on the HTTP-Redirect or HTTP-POST binding, records what the SP sent (and whether
// its signature verified), and answers with the auto-submitting form a browser would post to the ACS.
import express from 'express';
import { BadRequest, readPostBinding, readRedirectBinding, type RecordedAuthnRequest } from './bindings.js';
import { keys as testKeys, type TestKeyPair } from './keys.js';
import { buildIdpMetadata, BINDINGS } from './metadata.js';
import { buildSamlResponse, encodeSamlResponse, type ResponseOptions, type SignMode } from './response.js';
import type { EncryptOptions } from './xml.js';

export type { RecordedAuthnRequest } from './bindings.js';

export interface TestIdpUser {
  nameId: string | null;
  nameIdFormat?: ResponseOptions['nameIdFormat'];
  attributes?: Record<string, string | string[]>;
}

export interface TestSamlIdpOptions {
  entityId: string;
  ssoPath?: string;
  user: TestIdpUser;
  /** Signing key and certificate; default keys.idp. */
  keys?: TestKeyPair;
  sign?: SignMode;
  /** SP certificate (PEM) to encrypt assertions to, or full encryption options. */
  encryptTo?: string | EncryptOptions;
  /** SP certificate used to check signed AuthnRequests; without it signatureValid stays null. */
  spCertificate?: string;
  /** Used when the AuthnRequest names no AssertionConsumerServiceURL. */
  defaultAcsUrl?: string;
  /** Anything else to put into every Response (algorithms, prefixes, clock skew...). */
  responseOptions?: ResponseOptions;
  now?: () => Date;
}

export interface IdpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type AuthnRequestInput = { binding: 'redirect'; rawQuery: string } | { binding: 'post'; body: Record<string, unknown> };

function htmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function autoPostForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${htmlEscape(name)}" value="${htmlEscape(value)}">`);
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Test IdP</title></head>` +
    `<body onload="document.forms[0].submit()"><form method="post" action="${htmlEscape(action)}">${inputs.join('')}` +
    `<noscript><button type="submit">Continue</button></noscript></form></body></html>`
  );
}

/** The action and hidden fields of an auto-post page, decoded, for tests to replay against the ACS. */
export function readAutoPostForm(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (v: string) =>
    v.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(html)?.[1];
  if (action === undefined) throw new Error('no form action in page');
  const fields: Record<string, string> = {};
  for (const input of html.match(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname="([^"]*)"/.exec(input)?.[1];
    if (name !== undefined) fields[unescape(name)] = unescape(/\bvalue="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  return { action: unescape(action), fields };
}

export function createTestSamlIdp(options: TestSamlIdpOptions) {
  const ssoPath = options.ssoPath ?? '/sso';
  const signing = options.keys ?? testKeys.idp;
  const encrypt = typeof options.encryptTo === 'string' ? { certificate: options.encryptTo } : options.encryptTo;
  const requests: RecordedAuthnRequest[] = [];

  const idp = {
    app: express(),
    entityId: options.entityId,
    ssoPath,
    /** Who logs in; tests may swap it between logins. */
    user: options.user,
    requests,
    get lastRequest(): RecordedAuthnRequest | undefined {
      return requests.at(-1);
    },
    metadataXml(ssoUrl: string): string {
      return buildIdpMetadata({ entityId: options.entityId, ssoUrl, certificates: [signing.certificate], wantAuthnRequestsSigned: !!options.spCertificate });
    },
    /** A signed SAMLResponse for this IdP's user; what both flows below post to the ACS. */
    samlResponse(to: { acsUrl: string; audience: string; inResponseTo?: string }): string {
      const { nameId, nameIdFormat, attributes } = idp.user;
      return encodeSamlResponse(
        buildSamlResponse({
          issuer: options.entityId,
          destination: to.acsUrl,
          recipient: to.acsUrl,
          audience: to.audience,
          inResponseTo: to.inResponseTo,
          issueInstant: (options.now ?? (() => new Date()))(),
          nameId,
          nameIdFormat,
          attributes: attributes ?? {},
          sign: options.sign,
          signingKey: signing.privateKey,
          signingCert: signing.certificate,
          encrypt,
          ...options.responseOptions,
        }),
      );
    },
    /** Handles one AuthnRequest (what the routes call); 400 with a reason for anything malformed. */
    handleAuthnRequest(input: AuthnRequestInput): IdpAnswer {
      try {
        const recorded = input.binding === 'redirect' ? readRedirectBinding(input.rawQuery, options.spCertificate) : readPostBinding(input.body, options.spCertificate);
        requests.push(recorded);
        const acsUrl = recorded.acsUrl ?? options.defaultAcsUrl;
        if (!acsUrl) throw new BadRequest('AuthnRequest names no AssertionConsumerServiceURL');
        if (recorded.protocolBinding && recorded.protocolBinding !== BINDINGS.post) throw new BadRequest(`unsupported ProtocolBinding ${recorded.protocolBinding}`);
        if (!recorded.issuer) throw new BadRequest('AuthnRequest has no Issuer');
        const fields: Record<string, string> = { SAMLResponse: idp.samlResponse({ acsUrl, audience: recorded.issuer, inResponseTo: recorded.id }) };
        if (recorded.relayState !== undefined) fields.RelayState = recorded.relayState;
        return { status: 200, contentType: 'text/html; charset=utf-8', body: autoPostForm(acsUrl, fields) };
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        return { status: 400, contentType: 'text/plain; charset=utf-8', body: error.message };
      }
    },
    /** An unsolicited (IdP-initiated) Response: no InResponseTo. */
    idpInitiated(to: { acsUrl: string; audience: string; relayState?: string }) {
      const fields: { SAMLResponse: string; RelayState?: string } = { SAMLResponse: idp.samlResponse(to) };
      if (to.relayState !== undefined) fields.RelayState = to.relayState;
      return { acsUrl: to.acsUrl, fields };
    },
  };

  const send = (res: express.Response, answer: IdpAnswer) => res.status(answer.status).type(answer.contentType).send(answer.body);
  idp.app.get(ssoPath, (req, res) => send(res, idp.handleAuthnRequest({ binding: 'redirect', rawQuery: req.originalUrl.split('?')[1] ?? '' })));
  idp.app.post(ssoPath, express.urlencoded({ extended: false }), (req, res) => send(res, idp.handleAuthnRequest({ binding: 'post', body: (req.body ?? {}) as Record<string, unknown> })));
  idp.app.get('/metadata', (req, res) => {
    res.type('application/samlmetadata+xml').send(idp.metadataXml(`${req.protocol}://${req.get('host')}${ssoPath}`));
  });
  return idp;
}

export type TestSamlIdp = ReturnType<typeof createTestSamlIdp>;
