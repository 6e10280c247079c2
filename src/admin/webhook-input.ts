// What an admin may send about a webhook endpoint. The URL is hostile input (SSRF): a literal
// private address is refused here, where the admin sees the reason; host names can resolve
// anywhere later, so the delivery engine checks what they resolve to on every attempt.
import { isIP } from 'node:net';
import { z } from 'zod';
import { addressPermitted, classifyAddress } from '../outbound/addresses.js';
import { EVENT_TYPES, isValidSubscription } from '../webhooks/event-types.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_SUBSCRIPTIONS = 50;

/** Which literal addresses a URL may name: the delivery engine's policy (src/outbound/addresses.ts). */
export interface UrlPolicy {
  /** GATEHOUSE_ALLOW_INSECURE_OUTBOUND: http:// and loopback. */
  allowInsecure: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: private ranges (never link-local). */
  allowPrivate: boolean;
}

function urlProblem(value: string, policy: UrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  const schemes = policy.allowInsecure ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return policy.allowInsecure ? 'must use https or http' : 'must use https';
  if (url.username || url.password) return 'must not contain credentials (user:password@)';
  if (url.hash !== '' || value.includes('#')) return 'must not contain a fragment';
  return addressProblem(url.hostname.replace(/^\[(.*)\]$/, '$1'), policy);
}

/** Only literal IPs are judged here; `new URL` has already normalized forms like 0x7f.1 or 2130706433. */
function addressProblem(host: string, policy: UrlPolicy): string | undefined {
  if (isIP(host) === 0 || addressPermitted(host, { allowLoopback: policy.allowInsecure, allowPrivate: policy.allowPrivate })) return undefined;
  return classifyAddress(host) === 'loopback' ? `must not point to a loopback address (${host})` : `must not point to a private or link-local address (${host})`;
}

export function webhookUrl(policy: UrlPolicy) {
  return z
    .string()
    .trim()
    .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
    .superRefine((value, ctx) => {
      const problem = urlProblem(value, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** Event types or wildcards, each selecting at least one known type; duplicates are dropped. */
export const subscriptions = z
  .array(z.string().max(100), { error: 'must be an array of event types' })
  .min(1, 'must name at least one event type or wildcard')
  .max(MAX_SUBSCRIPTIONS, `must name at most ${MAX_SUBSCRIPTIONS} entries`)
  .superRefine((list, ctx) => {
    list.forEach((pattern, index) => {
      if (!isValidSubscription(pattern)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `"${pattern}" is not an event type or a wildcard that selects one (e.g. "directory.user.*" or "*")` });
      }
    });
  })
  .transform((list) => [...new Set(list)]);

export const description = z.string().trim().max(500, 'must be at most 500 characters');

/** The events feed's `types` filter: exact types, comma-separated. */
export const eventTypeList = z
  .string({ error: 'must be a single comma-separated list' })
  .transform((value) => [...new Set(value.split(',').map((t) => t.trim()).filter((t) => t !== ''))])
  .superRefine((types, ctx) => {
    if (types.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one event type' });
    for (const type of types) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) ctx.addIssue({ code: 'custom', message: `"${type}" is not an event type` });
    }
  });
