// Remembered SCIM tokens: a hit skips the database, but expiry and directory are checked each
// time, a change notice evicts, and while the change feed is down nothing is remembered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scimCredentials } from '../../src/scim/credentials.js';
import type { DirectoryTokenMatch } from '../../src/store/directory-data.js';
import { issueSecret } from '../../src/store/secret-tokens.js';
import { localTokenChanges, type TokenChanges } from '../../src/store/token-changes.js';

function directory(expiresAt: Date | null = null) {
  const issued = issueSecret('scimToken');
  const match: DirectoryTokenMatch = { directoryId: 'dir_a', organizationId: 'org_a', tokenId: 'tok_a', secretHash: issued.hash, expiresAt };
  let lookups = 0;
  const data = {
    findTokens: async (prefix: string) => {
      lookups++;
      return prefix === issued.lookupPrefix ? [match] : [];
    },
  };
  return { data, match, auth: `Bearer ${issued.token}`, lookups: () => lookups };
}

const now = () => new Date();

describe('SCIM credentials', () => {
  test('a checked token is remembered: the second request asks the database nothing', async () => {
    const d = directory();
    const creds = scimCredentials(d.data, localTokenChanges());
    assert.deepEqual(await creds.authenticate('dir_a', d.auth, now()), { directoryId: 'dir_a', organizationId: 'org_a', tokenId: 'tok_a' });
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 1);
  });

  test('remembered or not, another directory and an expired token are refused', async () => {
    const d = directory(new Date(Date.now() + 60_000));
    const creds = scimCredentials(d.data, localTokenChanges());
    await creds.authenticate('dir_a', d.auth, now());
    await assert.rejects(creds.authenticate('dir_b', d.auth, now()), { status: 401 });
    await assert.rejects(creds.authenticate('dir_a', d.auth, new Date(Date.now() + 61_000)), { status: 401 });
    assert.equal(d.lookups(), 1);
  });

  test('a change notice for the directory (or for all) evicts it', async () => {
    const d = directory();
    const changes = localTokenChanges();
    const creds = scimCredentials(d.data, changes);
    await creds.authenticate('dir_a', d.auth, now());
    changes.changed('dir_other');
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 1);
    changes.changed('dir_a');
    await creds.authenticate('dir_a', d.auth, now());
    changes.changed(null);
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 3);
  });

  test('a lookup that overlapped a change is not remembered', async () => {
    const d = directory();
    const changes = localTokenChanges();
    const slow = { findTokens: async (prefix: string) => {
      const found = await d.data.findTokens(prefix);
      changes.changed('dir_a');
      return found;
    } };
    const creds = scimCredentials(slow, changes);
    await creds.authenticate('dir_a', d.auth, now());
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 2);
  });

  test('while other processes\' changes cannot be heard, every request asks the database', async () => {
    const d = directory();
    const deaf: TokenChanges = { ...localTokenChanges(), live: () => false };
    const creds = scimCredentials(d.data, deaf);
    await creds.authenticate('dir_a', d.auth, now());
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 2);
  });

  test('a cache time of 0 (SCIM_TOKEN_CACHE_SECONDS=0) remembers nothing', async () => {
    const d = directory();
    const creds = scimCredentials(d.data, localTokenChanges(), 0);
    await creds.authenticate('dir_a', d.auth, now());
    await creds.authenticate('dir_a', d.auth, now());
    assert.equal(d.lookups(), 2);
  });

  test('malformed, unknown and missing tokens are all the same 401', async () => {
    const d = directory();
    const creds = scimCredentials(d.data, localTokenChanges());
    for (const auth of [undefined, 'Bearer nope', 'Basic abc', `Bearer ${issueSecret('scimToken').token}`]) {
      await assert.rejects(creds.authenticate('dir_a', auth, now()), { status: 401, message: 'The bearer token is missing, invalid or expired' });
    }
  });
});
