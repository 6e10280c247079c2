// SAML response checks without HTTP or a database: the cost of each step on one core, and the
// whole check per second inline and on the worker-thread pool.
import { availableParallelism } from 'node:os';
import { checkAssertion, checkResponseEnvelope } from '../connectors/saml/response/assertion.js';
import { decodeSamlResponse } from '../connectors/saml/response/decode.js';
import { readIdentity } from '../connectors/saml/response/identity.js';
import { createVerifierPool } from '../connectors/saml/response/pool.js';
import { verifySignature } from '../connectors/saml/response/signature.js';
import { checkStructure, parseSamlXml } from '../connectors/saml/response/structure.js';
import { verifySamlResponse, type VerifyInput } from '../connectors/saml/response/verify.js';
import { keys } from '../test/support/saml-idp/keys.js';
import { buildSamlResponse, encodeSamlResponse, FIXTURE_SP } from '../test/support/saml-idp/response.js';
import { cost, fmt, load } from './stats.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const IDP = 'https://idp.bench.test/saml';

/** About the size real IdPs send (~6.7 KB): a signed Response with a dozen attributes and some groups. */
export function typicalResponse(options: { inResponseTo?: string; issueInstant?: Date; recipient?: string; audience?: string; groups?: number } = {}): string {
  const groups = Array.from({ length: options.groups ?? 20 }, (_, i) => `Engineering Group ${i}`);
  return encodeSamlResponse(
    buildSamlResponse({
      issuer: IDP,
      issueInstant: options.issueInstant ?? NOW,
      inResponseTo: options.inResponseTo ?? '_req_bench',
      ...(options.recipient ? { recipient: options.recipient } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
      sign: 'response',
      typedAttributeValues: false,
      nameId: 'ada.lovelace@acme.test',
      attributes: {
        email: 'ada.lovelace@acme.test', firstName: 'Ada', lastName: 'Lovelace', displayName: 'Ada Lovelace',
        department: 'Engineering', title: 'Principal Engineer', employeeNumber: '1815', costCenter: 'R&D-42',
        manager: 'charles.babbage@acme.test', office: 'London', phone: '+44 20 7946 0000', groups,
      },
    }),
  );
}

export const benchInput = (samlResponse: string): VerifyInput => ({
  samlResponse,
  idpCertificates: [keys.idp.certificate],
  decryptionKeys: [keys.sp.privateKey],
  allowSha1: false,
  subjectAttribute: undefined,
  idpEntityId: IDP,
  spEntityId: FIXTURE_SP.entityId,
  acsUrl: FIXTURE_SP.acsUrl,
  requestId: '_req_bench',
  nowMs: NOW.getTime(),
});

export async function benchSamlChecks(): Promise<string[]> {
  const response = typicalResponse();
  const checkInput = benchInput(response);
  const sanity = await verifySamlResponse(checkInput);
  if (!sanity.ok) throw new Error(`benchmark response refused: ${sanity.code} ${sanity.detail}`);
  const { xml } = decodeSamlResponse(response);
  const shape = checkStructure(parseSamlXml(xml, 'r').documentElement, false);
  const signatureInput = { samlResponse: response, idpCertificates: [keys.idp.certificate], spEntityId: FIXTURE_SP.entityId, acsUrl: FIXTURE_SP.acsUrl, decryptionKeys: [], responseSigned: shape.responseSigned, encrypted: false };
  const verifiedXml = await verifySignature(signatureInput);
  const steps: Array<[string, () => unknown]> = [
    ['decode (size, base64, DOCTYPE)', () => decodeSamlResponse(response)],
    ['parse + structure (status, count, algorithms)', () => checkStructure(parseSamlXml(xml, 'r').documentElement, false)],
    ['envelope (Destination, Issuer, InResponseTo)', () => checkResponseEnvelope(shape.response, shape.responseSigned, checkInput)],
    ['node-saml signature and profile', () => verifySignature(signatureInput)],
    ['assertion checks + identity (verified XML)', () => {
      const assertion = parseSamlXml(verifiedXml, 'a').documentElement;
      checkAssertion(assertion, checkInput);
      return readIdentity(assertion, undefined);
    }],
  ];
  const lines = [`Typical response: ${Buffer.byteLength(xml)} bytes, the Response signed (RSA-2048, SHA-256).`, '', '| step | ms per response |', '|---|---|'];
  for (const [name, fn] of steps) lines.push(`| ${name} | ${fmt(await cost(200, fn), 3)} |`);
  const whole = await load(400, 1, () => verifySamlResponse(checkInput));
  lines.push(`| **whole check, inline** | ${fmt(1000 / whole.perSecond, 3)} |`, '');
  lines.push(`Checks per second, one core (inline, sequential): **${fmt(whole.perSecond, 0)}/s**`);
  const threads = Math.min(availableParallelism(), 8);
  const pool = createVerifierPool(threads);
  await load(100, threads * 2, () => pool.verify(checkInput)); // warm the threads
  const pooled = await load(1000, threads * 4, () => pool.verify(checkInput));
  await pool.close();
  lines.push(`Checks per second on the pool (${threads} threads on ${availableParallelism()} cores, 4 in flight per thread): **${fmt(pooled.perSecond, 0)}/s**`);
  return lines;
}
