// The fast SAML verifier beside node-saml on the same responses: the whole check per response, and
// where the fast path's time goes (parse, c14n, hash, RSA, the policy checks), at the typical size
// and at ~40 KB (a user in hundreds of groups). CPU time from process.cpuUsage (the fast path is
// synchronous, so it is also its latency).
import { createHash, verify, X509Certificate } from 'node:crypto';
import { checkAssertion, checkResponseEnvelope } from '../connectors/saml/response/assertion.js';
import { decodeSamlResponse } from '../connectors/saml/response/decode.js';
import { readIdentity } from '../connectors/saml/response/identity.js';
import { checkStructure } from '../connectors/saml/response/structure.js';
import { verifySamlResponse, type VerifyInput } from '../connectors/saml/response/verify.js';
import { excC14n } from '../connectors/saml/verify/c14n.js';
import { verifySamlResponseFast } from '../connectors/saml/verify/index.js';
import { parseTree, type XmlElement } from '../connectors/saml/verify/tree.js';
import { NS, childrenNS, firstChildNS } from '../connectors/saml/xml.js';
import { keys } from '../test/support/saml-idp/keys.js';
import { benchInput, typicalResponse } from './saml-checks.js';
import { fmt } from './stats.js';

/** Mean CPU ms per call in the steady state (after as many warm-up calls, so the JIT has settled). */
async function cpuCost(iterations: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < iterations; i++) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / iterations;
}

function fastSteps(response: string, input: VerifyInput): Array<[string, () => unknown]> {
  const { xml } = decodeSamlResponse(response);
  const tree = parseTree(xml);
  const root = tree.documentElement;
  const signature = firstChildNS(root, NS.ds, 'Signature')! as unknown as XmlElement;
  const info = firstChildNS(signature, NS.ds, 'SignedInfo')! as unknown as XmlElement;
  const canonical = excC14n(root, { exclude: signature });
  const canonicalInfo = Buffer.from(excC14n(info));
  const value = Buffer.from(firstChildNS(signature, NS.ds, 'SignatureValue')!.textContent!.replace(/\s+/g, ''), 'base64');
  const key = new X509Certificate(keys.idp.certificate).publicKey;
  const assertion = childrenNS(root, NS.saml, 'Assertion')[0]!;
  return [
    ['decode (size, base64, DOCTYPE)', () => decodeSamlResponse(response)],
    ['parse (@rgrove/parse-xml, then the namespace-resolved tree)', () => parseTree(xml)],
    ['exclusive c14n (signed element + SignedInfo)', () => [excC14n(root, { exclude: signature }), excC14n(info)]],
    ['SHA-256 of the canonical element', () => createHash('sha256').update(canonical).digest()],
    ['RSA-2048 verify of SignedInfo', () => verify('sha256', canonicalInfo, key, value)],
    ['policy checks + identity', () => {
      checkStructure(root, false);
      checkResponseEnvelope(root, true, input);
      checkAssertion(assertion, input);
      return readIdentity(assertion, undefined);
    }],
  ];
}

async function side(label: string, response: string): Promise<string[]> {
  const input = benchInput(response);
  const fast = verifySamlResponseFast(input);
  const reference = await verifySamlResponse(input);
  if (!fast.ok || !reference.ok) throw new Error(`benchmark response refused: ${JSON.stringify(fast.ok ? reference : fast)}`);
  const bytes = Buffer.byteLength(decodeSamlResponse(response).xml);
  const fastMs = await cpuCost(10000, () => verifySamlResponseFast(input));
  const referenceMs = await cpuCost(100, () => verifySamlResponse(input));
  const lines = [`### ${label}: ${bytes} bytes, the Response signed (RSA-2048, SHA-256)`, '', '| verifier | CPU ms per response | checks per second, one core |', '|---|---|---|'];
  lines.push(`| node-saml 5.1.0 + policy | ${fmt(referenceMs, 3)} | ${fmt(1000 / referenceMs, 0)} |`);
  lines.push(`| **fast** | **${fmt(fastMs, 3)}** | ${fmt(1000 / fastMs, 0)} (${fmt(referenceMs / fastMs, 0)}x) |`, '', '| fast path step | CPU ms | share |', '|---|---|---|');
  const steps = fastSteps(response, input);
  const costs: number[] = [];
  for (const [, fn] of steps) costs.push(await cpuCost(5000, fn));
  const sum = costs.reduce((a, b) => a + b, 0);
  steps.forEach(([name], i) => lines.push(`| ${name} | ${fmt(costs[i]!, 4)} | ${fmt((costs[i]! / sum) * 100, 0)} % |`));
  return [...lines, ''];
}

export async function benchSamlVerifier(): Promise<string[]> {
  return [...(await side('Typical response', typicalResponse())), ...(await side('Large response', typicalResponse({ groups: 520 })))];
}
