// The differential fuzz run: mutate a valid response (a recorded fixture or one from the test IdP),
// run the fast verifier and the node-saml reference on it, and classify the pair of verdicts. The
// fast one may refuse more than the reference (recorded, with the smallest set of mutations that
// still causes it), never accept more, never throw, never take a second. Deterministic per seed.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { verifySamlResponseFast } from '../../../connectors/saml/verify/index.js';
import { verifySamlResponse, type VerifyInput, type VerifyOutcome } from '../../../connectors/saml/response/verify.js';
import { publicKeysOf } from '../../../connectors/saml/verify/keys.js';
import { verifyEnvelopedSignature } from '../../../connectors/saml/verify/signature.js';
import { parseTree } from '../../../connectors/saml/verify/tree.js';
import { keys } from '../saml-idp/keys.js';
import { buildSamlResponse, DEFAULT_IDP_ENTITY_ID, FIXTURE_SP, type SignMode } from '../saml-idp/response.js';
import { signXml } from '../saml-idp/xml.js';
import { INNER_MUTATIONS, MUTATIONS, RESIGN, RESIGN_ATTACKER, mulberry32, openEncrypted, scan, type Mutation } from './mutations.js';

export type Outcome = 'agree-accept' | 'agree-reject' | 'fast-only-reject' | 'fast-only-accept' | 'accept-mismatch' | 'fast-threw';
export const FAILURES: readonly Outcome[] = ['fast-only-accept', 'accept-mismatch', 'fast-threw'];
/** A fast check slower than this is a failure whatever its verdict: the verifier must never hang. */
export const FAST_LIMIT_MS = 1000;

interface Base { readonly name: string; readonly xml: string; readonly input: Omit<VerifyInput, 'samlResponse'> }
interface Step { readonly mutation: Mutation; readonly seed: number }
export interface CaseResult {
  index: number; base: string; kinds: string[]; outcome: Outcome; slow: boolean; fastMs: number;
  fast: string; reference: string;
  /** Disagreements only: the fewest of the case's mutations that still give the same outcome, and that case. */
  cause?: string; minimal?: { xml: string; fast: string; reference: string; responseVerifies: boolean };
  /** fast-only-reject only: the documented reason (RIGHT_TO_REFUSE) that explains it, if any. */
  reason?: string;
  /** Failures only: the mutated XML. */
  xml?: string;
}
export interface FuzzReport {
  seed: number; cases: number; elapsedMs: number; maxFastMs: number; referenceThrew: number;
  counts: Record<Outcome, number>;
  byKind: Record<string, Partial<Record<Outcome, number>>>;
  /** Every disagreement cause, with its count and the first case that showed it (XML included). */
  byCause: Record<string, { outcome: Outcome; count: number; example: CaseResult }>;
  failures: CaseResult[];
  /** Every fast-only-reject (XML only when unexplained), for the allow-list check. */
  fastOnlyRejects: CaseResult[];
}

/**
 * Why the fast verifier may refuse what node-saml accepts. Each reason names the mutations that
 * show it and what the fast verifier says; docs/saml-verifier.md explains each one. A
 * fast-only-reject that matches none of these is unexplained, and the fuzz test fails on it.
 */
interface Reason { readonly name: string; matches(kinds: readonly string[], fast: string, responseVerifies: boolean): boolean }
const has = (kinds: readonly string[], ...names: string[]) => kinds.some((k) => names.includes(k));
const digestOrSignature = /saml_signature_invalid: the (digest of the signed element does not match|signature does not verify)/;
export const RIGHT_TO_REFUSE: readonly Reason[] = [
  { name: 'xml-crypto-processing-instruction', matches: (k, f) => has(k, 'pi-in-text', 'pi-between') && digestOrSignature.test(f) },
  { name: 'xmldom-nel-ls-line-ends', matches: (k, f) => has(k, 'invalid-char') && digestOrSignature.test(f) },
  { name: 'xmldom-end-tag-whitespace', matches: (k, f) => has(k, 'ws-in-tag') && /whitespace before ">" in the end tag/.test(f) },
  { name: 'unchecked-assertion-signature', matches: (_k, f, response) => response && /saml_(signature_invalid|reference_invalid|insecure_algorithm):/.test(f) },
  { name: 'tree-limits', matches: (_k, f) => /more than \d+ (attributes|nodes)|nested deeper than/.test(f) },
  { name: 'namespace-well-formedness', matches: (_k, f) => /is not declared|undeclares a prefix/.test(f) },
  { name: 'well-formedness', matches: (_k, f) => /saml_response_malformed: the (SAML response|decrypted assertion) is not acceptable XML/.test(f) },
  { name: 'duplicate-id', matches: (_k, f) => /two elements carry the ID/.test(f) },
  { name: 'saml-signature-profile', matches: (_k, f) => /is not exclusive c14n|the reference's transforms are|references; exactly one|signatures; exactly one|must hold ds:|holds something other than|transform has content|a reference holds exactly|ds:Transform elements; only the reference's two|holds something other than one InclusiveNamespaces|algorithm .* is not accepted|is not base64/.test(f) },
  { name: 'sha1-in-encrypted-assertion', matches: (_k, f) => f.startsWith('refused saml_insecure_algorithm:') },
  { name: 'strict-decryption', matches: (_k, f) => f.startsWith('refused saml_decryption_failed:') },
  { name: 'markup-in-signature-values', matches: (_k, f) => /(SignatureValue|DigestValue) must be plain text/.test(f) },
  { name: 'doctype-in-encrypted-assertion', matches: (_k, f) => /saml_doctype_forbidden: the decrypted assertion/.test(f) },
  { name: 'id-not-a-name', matches: (k, f) => has(k, 'id-change') && /ID ".*" is not made of XML name characters/.test(f) },
  { name: 'carriage-return-in-text', matches: (_k, f) => /holds a carriage return \(&#13;\), which node-saml reads as a line feed/.test(f) },
];

/** `inner:x+resign` and `x` are the same mutation for explaining a refusal; `resign` explains nothing. */
const plainKinds = (kinds: readonly string[]) => kinds.map((k) => k.replace(/^inner:/, '').replace(/\+resign$/, '')).filter((k) => k !== 'resign' && k !== 'resign-attacker');
export function explain(result: CaseResult): string | undefined {
  const m = result.minimal;
  return m && RIGHT_TO_REFUSE.find((r) => r.matches(plainKinds(result.cause!.split(' + ')), m.fast, m.responseVerifies))?.name;
}

/** Whether the Response's own signature verifies (fast verifier's check): then node-saml reads no further signature. */
function responseVerifies(base: Base, xml: string): boolean {
  try {
    return verifyEnvelopedSignature(parseTree(xml).documentElement, publicKeysOf(base.input.idpCertificates), base.input.allowSha1);
  } catch {
    return false;
  }
}

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const REQUEST_ID = '_req_fuzz_1';
const common = { idpCertificates: [keys.idp.certificate], decryptionKeys: [keys.sp.privateKey], subjectAttribute: undefined };

function fixtureBases(): Base[] {
  const dir = new URL('../../fixtures/saml/responses/', import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const f = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { saml_response: string; issued_at: string; sp: { entity_id: string; acs_url: string }; idp_entity_id: string; in_response_to?: string };
    const input = { ...common, allowSha1: file.includes('sha1'), idpEntityId: f.idp_entity_id, spEntityId: f.sp.entity_id, acsUrl: f.sp.acs_url, requestId: f.in_response_to ?? null, nowMs: Date.parse(f.issued_at) };
    return { name: file.replace(/\.json$/, ''), xml: Buffer.from(f.saml_response, 'base64').toString('utf8'), input };
  });
}

/** Test-IdP responses with fixed IDs (so signatures are byte-stable) and, for encryption, the Okta fixture's wrapped key. */
function idpBases(okta: Base): Base[] {
  const input = { ...common, allowSha1: false, idpEntityId: DEFAULT_IDP_ENTITY_ID, spEntityId: FIXTURE_SP.entityId, acsUrl: FIXTURE_SP.acsUrl, requestId: REQUEST_ID, nowMs: NOW };
  const build = (sign: SignMode) => buildSamlResponse({ sign, issueInstant: new Date(NOW), inResponseTo: REQUEST_ID, responseId: '_fuzz_response', assertionId: '_fuzz_assertion', sessionIndex: '_fuzz_session', attributes: { email: 'ada@acme.test', groups: ['eng', 'ops'], firstName: 'Ada' } });
  // The Okta envelope opened, its ciphertext replaced by our signed assertion: encrypted, yet deterministic.
  const signed = build('assertion');
  const spans = scan(signed);
  const assertion = spans.find((s) => s.local === 'Assertion')!;
  const envelope = scan(okta.xml).find((s) => s.local === 'EncryptedAssertion')!;
  const swapped = signed.slice(0, assertion.start) + okta.xml.slice(envelope.start, envelope.end) + signed.slice(assertion.end);
  const encrypted = openEncrypted(swapped)!.seal(signed.slice(assertion.start, assertion.end), mulberry32(1));
  const signResponse = (xml: string) => signXml(xml, { elementId: '_fuzz_response', privateKey: keys.idp.privateKey, certificate: keys.idp.certificate });
  return [
    { name: 'idp-response-signed', xml: build('response'), input },
    { name: 'idp-assertion-signed', xml: signed, input },
    { name: 'idp-both-signed', xml: build('both'), input },
    { name: 'idp-encrypted', xml: encrypted, input },
    { name: 'idp-encrypted-response-signed', xml: signResponse(encrypted), input },
  ];
}

export function fuzzBases(): Base[] {
  const fixtures = fixtureBases();
  return [...fixtures, ...idpBases(fixtures.find((b) => b.name === 'okta-encrypted-gcm')!)];
}

type Verdict = VerifyOutcome | { ok: 'threw'; error: unknown };
const summary = (v: Verdict) => (v.ok === 'threw' ? `threw ${String(v.error)}` : v.ok ? `accepted ${v.identity.idpId} (${v.assertionId})` : `refused ${v.code}: ${v.detail}`);

async function judge(base: Base, xml: string): Promise<{ outcome: Outcome; fastMs: number; fast: Verdict; reference: Verdict }> {
  const input = { ...base.input, samlResponse: Buffer.from(xml, 'utf8').toString('base64') };
  const started = performance.now();
  let fast: Verdict;
  try {
    fast = verifySamlResponseFast(input);
  } catch (error) {
    fast = { ok: 'threw', error };
  }
  const fastMs = performance.now() - started;
  // The reference may throw on input it cannot handle; that counts as a refusal (it accepted nothing).
  const reference: Verdict = await verifySamlResponse(input).catch((error: unknown) => ({ ok: 'threw' as const, error }));
  const refOk = reference.ok === true;
  const outcome: Outcome =
    fast.ok === 'threw' ? 'fast-threw'
    : fast.ok && refOk ? (isDeepStrictEqual([fast.identity, fast.assertionId, fast.replayableUntilMs], [reference.identity, reference.assertionId, reference.replayableUntilMs]) ? 'agree-accept' : 'accept-mismatch')
    : fast.ok ? 'fast-only-accept'
    : refOk ? 'fast-only-reject' : 'agree-reject';
  return { outcome, fastMs, fast, reference };
}

function replay(xml: string, steps: readonly Step[]): string {
  for (const step of steps) xml = step.mutation.apply(xml, mulberry32(step.seed)) ?? xml;
  return xml;
}

/** 1-3 applicable mutations (inner ones half the time on encrypted bases), then usually a re-signing. */
function plan(base: Base, rng: ReturnType<typeof mulberry32>): Step[] {
  const steps: Step[] = [];
  const encrypted = base.xml.includes('EncryptedAssertion');
  for (let n = 1 + rng.int(3), tries = 0; steps.length < n && tries < 20; tries++) {
    const step = { mutation: rng.pick(encrypted && rng.chance(0.5) ? INNER_MUTATIONS : MUTATIONS), seed: rng.int(2 ** 32) };
    if (step.mutation.apply(replay(base.xml, steps), mulberry32(step.seed)) !== undefined) steps.push(step);
  }
  const roll = rng.next();
  const resignAt = roll < 0.45 ? steps.length : roll < 0.55 ? Math.max(0, steps.length - 1) : undefined;
  if (resignAt !== undefined) steps.splice(resignAt, 0, { mutation: RESIGN, seed: 0 });
  else if (roll < 0.6) steps.push({ mutation: RESIGN_ATTACKER, seed: 0 });
  return steps;
}

/** `only`: judge just these case indexes (the others are still planned, so each case is the same as in a full run). */
type Options = { seed: number; cases: number; only?: ReadonlySet<number>; onCase?: (result: CaseResult, report: FuzzReport) => void };

/** node-saml parses with xmldom's default handler, which prints every recoverable error; a run would drown in them. */
export async function differentialFuzz(options: Options): Promise<FuzzReport> {
  const { warn, error } = console;
  const quiet = (print: (...args: unknown[]) => void) => (...args: unknown[]) => (String(args[0]).startsWith('[xmldom') ? undefined : print(...args));
  console.warn = quiet(warn);
  console.error = quiet(error);
  try {
    return await fuzz(options);
  } finally {
    Object.assign(console, { warn, error });
  }
}

async function fuzz(options: Options): Promise<FuzzReport> {
  const started = performance.now();
  const bases = fuzzBases();
  const rng = mulberry32(options.seed);
  const counts = Object.fromEntries(['agree-accept', 'agree-reject', 'fast-only-reject', 'fast-only-accept', 'accept-mismatch', 'fast-threw'].map((o) => [o, 0])) as Record<Outcome, number>;
  const report: FuzzReport = { seed: options.seed, cases: 0, elapsedMs: 0, maxFastMs: 0, referenceThrew: 0, counts, byKind: {}, byCause: {}, failures: [], fastOnlyRejects: [] };
  for (const base of bases) {
    const { outcome, fast } = await judge(base, base.xml);
    if (outcome !== 'agree-accept') throw new Error(`fuzz base ${base.name} is not accepted by both verifiers: ${summary(fast)}`);
  }
  for (let index = 0; index < options.cases; index++) {
    const base = rng.pick(bases);
    let steps = plan(base, rng);
    if (options.only && !options.only.has(index)) continue;
    const xml = replay(base.xml, steps);
    const verdict = await judge(base, xml);
    const result: CaseResult = { index, base: base.name, kinds: steps.map((s) => s.mutation.kind), outcome: verdict.outcome, slow: verdict.fastMs > FAST_LIMIT_MS, fastMs: verdict.fastMs, fast: summary(verdict.fast), reference: summary(verdict.reference) };
    if (verdict.reference.ok === 'threw') report.referenceThrew++;
    if (verdict.outcome !== 'agree-accept' && verdict.outcome !== 'agree-reject') {
      // Greedy minimization: drop each mutation whose absence keeps the outcome.
      for (let i = steps.length - 1; i >= 0 && steps.length > 1; i--) {
        const fewer = steps.filter((_, j) => j !== i);
        if ((await judge(base, replay(base.xml, fewer))).outcome === verdict.outcome) steps = fewer;
      }
      result.cause = steps.map((s) => s.mutation.kind).join(' + ');
      const minimalXml = replay(base.xml, steps);
      const minimal = await judge(base, minimalXml);
      result.minimal = { xml: minimalXml, fast: summary(minimal.fast), reference: summary(minimal.reference), responseVerifies: responseVerifies(base, minimalXml) };
      if (verdict.outcome === 'fast-only-reject') {
        result.reason = explain(result);
        // The XML is kept only where someone must look at it: an unexplained refusal.
        report.fastOnlyRejects.push(result.reason === undefined ? result : { ...result, minimal: { ...result.minimal, xml: '' } });
      }
      const entry = (report.byCause[result.cause] ??= { outcome: verdict.outcome, count: 0, example: result });
      entry.count++;
    }
    counts[verdict.outcome]++;
    for (const kind of new Set(result.kinds)) {
      const row = (report.byKind[kind] ??= {});
      row[verdict.outcome] = (row[verdict.outcome] ?? 0) + 1;
    }
    if (FAILURES.includes(verdict.outcome) || result.slow) report.failures.push({ ...result, xml });
    report.maxFastMs = Math.max(report.maxFastMs, verdict.fastMs);
    report.cases++;
    report.elapsedMs = performance.now() - started;
    options.onCase?.(result, report);
  }
  report.elapsedMs = performance.now() - started;
  return report;
}
