// The webhook sender's POST: the same address policy as the guarded fetch (checked at connect
// time, so DNS rebinding gains nothing), through undici's request API rather than fetch, which
// costs several times more CPU per request (streams, AbortSignal, Response objects) at the
// rates webhook workers run. No redirects: a 3xx is an answer like any other non-2xx.
import { EventEmitter } from 'node:events';
import { UpstreamUnavailable } from '../errors.js';
import { checkTarget, guardedAgent, policyOf, translate, type OutboundOptions } from './guarded-fetch.js';

export interface PostAnswer {
  statusCode: number;
  /** The start of the answer (for the delivery log), read only for non-2xx answers. */
  text: string;
}

export type GuardedPost = (url: string, headers: Record<string, string>, body: string) => Promise<PostAnswer>;

const TEXT_LIMIT = 500;

export function createGuardedPost(options: Omit<OutboundOptions, 'maxRedirects'>): GuardedPost {
  const policy = policyOf(options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher = guardedAgent(policy, timeoutMs);
  return async (target, headers, body) => {
    const url = new URL(target);
    checkTarget(url, options, policy);
    // One deadline for connect, send and answer; an EventEmitter signal is far cheaper than AbortSignal.timeout.
    const signal = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), signal.emit('abort')), timeoutMs);
    try {
      const res = await dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers, body, signal });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const text = ok ? (await res.body.dump(), '') : await readStart(res.body);
      return { statusCode: res.statusCode, text };
    } catch (error) {
      if (timedOut) throw new UpstreamUnavailable(`${url.host} did not answer in time`, { code: 'outbound_timeout', cause: error });
      throw translate(url, error);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function readStart(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += chunk.toString('utf8');
    if (text.length >= TEXT_LIMIT) break;
  }
  body.destroy();
  return text.slice(0, TEXT_LIMIT);
}
