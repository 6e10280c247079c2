// The identity-provider half of the mock: what the /mock-idp/login routes call. It shares nothing
// with the connector half but the signing secret, exactly as a real IdP and SP would.
import { z } from 'zod';
import { InvalidRequest } from '../../src/errors.js';
import type { MockConfig, MockUser } from './config.js';
import { epochSeconds, MAX_TOKEN_BYTES, signToken, verifyToken } from './tokens.js';

export const REQUEST_LIFETIME_SECONDS = 10 * 60;
export const ASSERTION_LIFETIME_SECONDS = 5 * 60;
const MAX_EXTRA_GROUPS = 20;

const requestClaims = z.object({
  state: z.string().min(1),
  callback: z.url({ protocol: /^https?$/ }),
  nonce: z.string().min(1),
  login_hint: z.string().optional(),
  exp: z.number(),
});

export type MockLoginRequest = z.output<typeof requestClaims>;

/** The claims the connector half accepts; also what ends up in rawAttributes. */
export const assertionClaims = z.object({
  nonce: z.string(),
  aud: z.string(),
  sub: z.string().min(1),
  email: z.string(),
  email_verified: z.boolean(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  name: z.string().optional(),
  groups: z.array(z.string()),
  iat: z.number(),
  exp: z.number(),
});

export type MockAssertion = z.output<typeof assertionClaims>;

/** A browser-facing refusal: the user can only start over, so the message says so. */
export function readLoginRequest(config: MockConfig, token: string | undefined, now: Date): MockLoginRequest {
  if (token === undefined || token === '') throw new InvalidRequest('The mock login request is missing.', { code: 'mock_request_missing' });
  const verified = verifyToken('request', token, config.signing_secret, now);
  if (!verified.ok) {
    const expired = verified.reason === 'expired';
    throw new InvalidRequest(
      expired ? 'This mock login request has expired; start the login again.' : 'This mock login request is not valid; start the login again.',
      { code: expired ? 'mock_request_expired' : 'mock_request_invalid', detail: verified.detail },
    );
  }
  const parsed = requestClaims.safeParse(verified.claims);
  if (!parsed.success) {
    throw new InvalidRequest('This mock login request is not valid; start the login again.', { code: 'mock_request_invalid', detail: 'request claims have the wrong shape' });
  }
  return parsed.data;
}

/** The user a login hint names, by id or (case-insensitively) by email. */
export function hintedUser(config: MockConfig, hint: string | undefined): MockUser | undefined {
  if (hint === undefined) return undefined;
  const lower = hint.toLowerCase();
  return config.users.find((u) => u.id === hint) ?? config.users.find((u) => u.email.toLowerCase() === lower);
}

/** Turns the submitted login form into the browser's way back to Gatehouse with a signed assertion. */
export function completeMockLogin(config: MockConfig, form: Readonly<Record<string, string>>, now: Date): { redirect: string } {
  const request = readLoginRequest(config, form.request, now);
  const user = config.users.find((u) => u.id === form.user);
  if (user === undefined) throw new InvalidRequest('Choose one of the listed users.', { code: 'mock_unknown_user', detail: `no user with id ${JSON.stringify(form.user ?? null)}` });
  const extra = (form.extra_groups ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
  if (extra.length > MAX_EXTRA_GROUPS || extra.some((g) => g.length > 256)) {
    throw new InvalidRequest(`Extra groups: at most ${MAX_EXTRA_GROUPS}, each at most 256 characters.`, {
      code: 'mock_extra_groups_invalid',
      issues: [{ path: 'extra_groups', message: `at most ${MAX_EXTRA_GROUPS} groups of at most 256 characters` }],
    });
  }
  const iat = epochSeconds(now);
  const name = [user.first_name, user.last_name].filter((part) => part !== undefined).join(' ');
  const claims: MockAssertion = {
    nonce: request.nonce,
    aud: request.callback,
    sub: user.id,
    email: user.email,
    email_verified: user.email_verified,
    ...(user.first_name === undefined ? {} : { given_name: user.first_name }),
    ...(user.last_name === undefined ? {} : { family_name: user.last_name }),
    ...(name === '' ? {} : { name }),
    groups: [...new Set([...user.groups, ...extra])],
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  };
  const assertion = signToken('assertion', claims, config.signing_secret);
  // The connector refuses oversized tokens; failing here names the cause instead.
  if (assertion.length > MAX_TOKEN_BYTES) throw new InvalidRequest('This user has too many groups for the mock assertion.', { code: 'mock_assertion_too_large' });
  const url = new URL(request.callback);
  url.searchParams.set('state', request.state);
  url.searchParams.set('assertion', assertion);
  return { redirect: url.href };
}
