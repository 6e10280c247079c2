// fetch for everything Gatehouse requests on a customer's say-so (IdP metadata, OIDC discovery
// and JWKS, webhooks). The address is checked when the connection is made (so DNS rebinding
// between check and use gains nothing), every redirect hop is checked again, and every request
// has a deadline. Loopback and http are allowed only when configured (tests, local development);
// private and link-local ranges never are.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import { UpstreamUnavailable } from '../errors.js';
import type { OutboundFetch } from '../sso/connector.js';
import { addressPermitted, type AddressPolicy } from './addresses.js';

export interface OutboundOptions {
  /** GATEHOUSE_ALLOW_INSECURE_OUTBOUND: http:// and loopback addresses. */
  allowInsecure: boolean;
  /** Private ranges too (never link-local): WEBHOOK_ALLOW_PRIVATE_ADDRESSES for webhook receivers. */
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxRedirects?: number;
}

export type GuardedFetch = OutboundFetch;

export function refuse(url: URL, why: string): UpstreamUnavailable {
  return new UpstreamUnavailable(`Gatehouse will not connect to ${url.host}: ${why}`, { code: 'outbound_refused', detail: `${url.href}: ${why}` });
}

/** A DNS lookup that fails for addresses the policy refuses; undici calls it for every connection. */
function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const refused = addresses.find((a) => !addressPermitted(a.address, policy));
      if (refused) {
        const err: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, a private or loopback address`);
        err.code = 'EGATEHOUSE_REFUSED';
        return callback(err, []);
      }
      const all = (options as { all?: boolean }).all;
      if (all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export function policyOf(options: OutboundOptions): AddressPolicy {
  return { allowLoopback: options.allowInsecure, allowPrivate: options.allowPrivate ?? false };
}

/** An undici Agent whose every connection goes through the address policy. */
export function guardedAgent(policy: AddressPolicy, connectTimeoutMs?: number): Agent {
  return new Agent({ connect: { lookup: guardedLookup(policy) as never, ...(connectTimeoutMs === undefined ? {} : { timeout: connectTimeoutMs }) } });
}

/** What can be refused before connecting: the scheme, credentials in the URL, a literal address. */
export function checkTarget(url: URL, options: OutboundOptions, policy: AddressPolicy): void {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowInsecure)) throw refuse(url, 'only https is allowed');
  if (url.username || url.password) throw refuse(url, 'URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$|:/.test(host) && !addressPermitted(host, policy)) throw refuse(url, 'private and loopback addresses are not allowed');
}

export function createGuardedFetch(options: OutboundOptions): GuardedFetch {
  const policy = policyOf(options);
  const dispatcher = guardedAgent(policy);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 3;

  return async (input, init = {}) => {
    let url = new URL(input);
    const signal = AbortSignal.timeout(timeoutMs);
    for (let hop = 0; ; hop++) {
      checkTarget(url, options, policy);
      let response: Response;
      try {
        response = (await undiciFetch(url, { ...init, redirect: 'manual', signal, dispatcher })) as unknown as Response;
      } catch (error) {
        throw translate(url, error);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      if (hop >= maxRedirects) throw refuse(url, `more than ${maxRedirects} redirects`);
      url = new URL(location, url);
    }
  };
}

export function translate(url: URL, error: unknown): UpstreamUnavailable {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'EGATEHOUSE_REFUSED') return refuse(url, cause.message ?? 'address refused');
  if ((error as Error).name === 'TimeoutError') {
    return new UpstreamUnavailable(`${url.host} did not answer in time`, { code: 'outbound_timeout', cause: error });
  }
  return new UpstreamUnavailable(`${url.host} could not be reached`, { code: 'outbound_unreachable', detail: cause?.message, cause: error });
}
