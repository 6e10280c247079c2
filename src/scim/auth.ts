// SCIM clients authenticate with the directory's bearer token: found by its visible prefix,
// compared by hash in constant time. Every failure looks the same to the client.
import type { DirectoryReads } from '../store/directory-data.js';
import { looksLike, lookupPrefixOf, secretMatches } from '../store/secret-tokens.js';
import { ScimError } from './errors.js';

export interface ScimCredential {
  directoryId: string;
  organizationId: string;
  tokenId: string;
}

const invalid = (detail: string) => new ScimError(401, undefined, 'The bearer token is missing, invalid or expired', { detail });

export async function authenticateScim(data: DirectoryReads, directoryId: string, authorization: string | undefined, now: Date): Promise<ScimCredential> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined) throw invalid('no bearer token');
  if (!looksLike('scimToken', token)) throw invalid('not a SCIM token');
  const candidates = await data.findTokens(lookupPrefixOf(token));
  const found = candidates.find((c) => secretMatches(token, c.secretHash));
  if (!found) throw invalid('unknown token');
  if (found.expiresAt !== null && found.expiresAt.getTime() <= now.getTime()) throw invalid('expired token');
  // A valid token of another directory: the same answer, so tokens cannot probe directory ids.
  if (found.directoryId !== directoryId) throw invalid('token of another directory');
  return { directoryId, organizationId: found.organizationId, tokenId: found.tokenId };
}
