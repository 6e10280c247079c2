// Replays a recorded SCIM client conversation (test/fixtures/scim/*.json) against a directory:
// each step's request is sent as the client sends it, and the response is checked against the
// part of it the client relies on. Ids the server assigns are captured from one response and
// substituted into later requests, as the real client would.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ScimClient } from './scim.js';

export interface Step {
  name: string;
  /** Where the request shape comes from (doc URL and section). */
  source?: string;
  request: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /** Relative to the directory's SCIM base; may hold `{{var}}` placeholders. */
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
  };
  expect: {
    status: number;
    /** A partial body: see `mismatches` for how it is compared. */
    body?: unknown;
  };
  /** Variable name -> dotted path into the response body (`Resources.0.id`). */
  capture?: Record<string, string>;
}

/** Matches any value that is present. */
export const ANY = '{{any}}';
/** Matches only a key that is not there: how we check that e.g. a password is never returned. */
export const ABSENT = '{{absent}}';
const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;
const SCIM_MEDIA_TYPE = /^application\/scim\+json(\s*;|$)/i;

export function loadSteps(fixture: URL): Step[] {
  return JSON.parse(readFileSync(fixture, 'utf8')) as Step[];
}

type Vars = Map<string, string>;

function lookup(vars: Vars, name: string, where: string): string {
  const value = vars.get(name);
  // A typo in a fixture must fail loudly, not send the literal `{{name}}` to the server.
  if (value === undefined) throw new Error(`${where}: {{${name}}} was not captured by an earlier step`);
  return value;
}

function fillString(text: string, vars: Vars, where: string, encode: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (whole === ANY || whole === ABSENT ? whole : encode(lookup(vars, name, where))));
}

/** Substitutes captured values into every string of a request body. */
function fill(value: unknown, vars: Vars, where: string): unknown {
  if (typeof value === 'string') return fillString(value, vars, where);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, where));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, where)]));
  return value;
}

function describeValue(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * Where `actual` fails to match the partial `expected`: every key given must match (objects
 * recursively), arrays element-wise for the elements given, `{{any}}` matches any present value,
 * `{{absent}}` requires the key to be missing, `{{var}}` is the captured value.
 */
export function mismatches(actual: unknown, expected: unknown, vars: Vars, at = 'body'): string[] {
  if (expected === ANY) return actual === undefined ? [`${at}: expected a value, got nothing`] : [];
  if (expected === ABSENT) return actual === undefined ? [] : [`${at}: expected no such attribute, got ${describeValue(actual)}`];
  if (typeof expected === 'string') {
    const want = fillString(expected, vars, at);
    return actual === want ? [] : [`${at}: expected ${JSON.stringify(want)}, got ${describeValue(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${describeValue(actual)}`];
    return expected.flatMap((e, i) => (i < actual.length ? mismatches(actual[i], e, vars, `${at}[${i}]`) : [`${at}[${i}]: missing (array has ${actual.length} elements)`]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: expected an object, got ${describeValue(actual)}`];
    const obj = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([k, e]) => mismatches(Object.hasOwn(obj, k) ? obj[k] : undefined, e, vars, `${at}.${k}`));
  }
  return Object.is(actual, expected) ? [] : [`${at}: expected ${describeValue(expected)}, got ${describeValue(actual)}`];
}

function dig(body: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), body);
}

/**
 * Runs the steps in order; the first failing step fails with its name, request and response.
 * Captured ids land in `vars` too, so the caller can check the events against them.
 */
export async function replay(scim: ScimClient, steps: Step[], vars: Vars = new Map()): Promise<void> {
  for (const [index, step] of steps.entries()) {
    const label = `step ${index + 1} "${step.name}"`;
    // Ids go into paths percent-encoded: they may end up inside a filter in the query string.
    const path = fillString(step.request.path, vars, label, encodeURIComponent);
    const body = step.request.body === undefined ? undefined : fill(step.request.body, vars, label);
    const res = await scim(step.request.method.toLowerCase() as Lowercase<Step['request']['method']>, path, body, step.request.headers);
    const context = () =>
      [
        `${label} (${step.source ?? 'no source'})`,
        `  request:  ${step.request.method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`,
        `  response: ${res.status} ${res.get('content-type') ?? '(no content type)'} ${res.text || '(empty)'}`,
      ].join('\n');

    assert.equal(res.status, step.expect.status, `expected HTTP ${step.expect.status}, got ${res.status}\n${context()}`);
    if (res.status === 204) {
      // RFC 7231 §6.3.5: a 204 carries no body, and clients do not parse one.
      assert.equal(res.text ?? '', '', `a 204 response must be empty\n${context()}`);
    } else if (res.text) {
      // RFC 7644 §3.1: SCIM responses are application/scim+json (Entra requires it, too).
      assert.match(res.get('content-type') ?? '', SCIM_MEDIA_TYPE, `Content-Type must be application/scim+json\n${context()}`);
    }
    if (step.expect.body !== undefined) {
      const problems = mismatches(res.body, step.expect.body, vars);
      if (problems.length > 0) assert.fail(`response body does not match:\n    ${problems.join('\n    ')}\n${context()}`);
    }
    for (const [name, dotted] of Object.entries(step.capture ?? {})) {
      const value = dig(res.body, dotted);
      if (typeof value !== 'string' || value === '') assert.fail(`cannot capture {{${name}}} from ${dotted}: got ${describeValue(value)}\n${context()}`);
      vars.set(name, value);
    }
  }
}
