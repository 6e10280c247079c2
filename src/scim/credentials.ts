// SCIM bearer tokens, checked on every request without a database round trip on the hot path:
// a token found once is remembered by its SHA-256 (the form it is stored in) for a short while.
// Its expiry and directory are still checked on every request; a rotation, a deletion or a
// cascade anywhere evicts it (the store's token-change feed: in-process at once, other processes
// by LISTEN/NOTIFY), and while that feed is down nothing is remembered at all.
import type { DirectoryReads, DirectoryTokenMatch } from '../store/directory-data.js';
import { hashSecret, looksLike, lookupPrefixOf, secretMatches } from '../store/secret-tokens.js';
import type { TokenChanges } from '../store/token-changes.js';
import { ScimError } from './errors.js';

export interface ScimCredential {
  directoryId: string;
  organizationId: string;
  tokenId: string;
}

export interface ScimAuthenticator {
  authenticate(directoryId: string, authorization: string | undefined, now: Date): Promise<ScimCredential>;
}

/** How long a found token is trusted without asking the database again. */
export const TOKEN_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

const invalid = (detail: string) => new ScimError(401, undefined, 'The bearer token is missing, invalid or expired', { detail });

function bearerOf(authorization: string | undefined): string {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) throw invalid('no bearer token');
  if (!looksLike('scimToken', token)) throw invalid('not a SCIM token');
  return token;
}

function accept(found: DirectoryTokenMatch | undefined, directoryId: string, now: Date): ScimCredential {
  if (!found) throw invalid('unknown token');
  if (found.expiresAt !== null && found.expiresAt.getTime() <= now.getTime()) throw invalid('expired token');
  // A valid token of another directory: the same answer, so tokens cannot probe directory ids.
  if (found.directoryId !== directoryId) throw invalid('token of another directory');
  return { directoryId, organizationId: found.organizationId, tokenId: found.tokenId };
}

export function scimCredentials(data: Pick<DirectoryReads, 'findTokens'>, changes: TokenChanges, ttlMs = TOKEN_CACHE_TTL_MS): ScimAuthenticator {
  const remembered = new Map<string, { match: DirectoryTokenMatch; until: number }>();
  // Bumped on every change: a lookup that started before a change must not be remembered after it.
  let generation = 0;
  changes.subscribe((directoryId) => {
    generation++;
    if (directoryId === null) return remembered.clear();
    for (const [key, entry] of remembered) if (entry.match.directoryId === directoryId) remembered.delete(key);
  });

  async function lookup(token: string, nowMs: number): Promise<DirectoryTokenMatch | undefined> {
    const key = hashSecret(token);
    const trusted = ttlMs > 0 && changes.live();
    const hit = trusted ? remembered.get(key) : undefined;
    if (hit && hit.until > nowMs) return hit.match;
    const started = generation;
    const found = (await data.findTokens(lookupPrefixOf(token))).find((c) => secretMatches(token, c.secretHash));
    if (found && trusted && started === generation && changes.live()) {
      if (remembered.size >= MAX_ENTRIES) remembered.clear();
      remembered.set(key, { match: found, until: nowMs + ttlMs });
    }
    return found;
  }

  return {
    async authenticate(directoryId, authorization, now) {
      const token = bearerOf(authorization);
      return accept(await lookup(token, Date.now()), directoryId, now);
    },
  };
}
