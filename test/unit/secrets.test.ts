import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createSecretBox } from '../../src/store/encryption.js';
import { hashSecret, issueSecret, lookupPrefixOf, looksLike, secretMatches } from '../../src/store/secret-tokens.js';

describe('issued secrets', () => {
  test('carry their scanner prefix, a lookup prefix and only a hash', () => {
    const a = issueSecret('adminKey');
    assert.match(a.token, /^gha_[0-9A-Za-z]{43}$/);
    assert.equal(a.lookupPrefix, a.token.slice(0, 12));
    assert.equal(a.hash, hashSecret(a.token));
    assert.match(issueSecret('scimToken').token, /^ghs_/);
    assert.match(issueSecret('clientSecret').token, /^ghc_/);
    assert.notEqual(issueSecret('adminKey').token, a.token);
  });

  test('match only the exact token', () => {
    const { token, hash } = issueSecret('adminKey');
    assert.ok(secretMatches(token, hash));
    const altered = token.slice(0, -1) + (token.endsWith('x') ? 'y' : 'x');
    assert.ok(!secretMatches(altered, hash));
    assert.ok(!secretMatches(token, 'abcd'));
  });

  test('shape checks reject other kinds and junk before any lookup', () => {
    assert.ok(looksLike('adminKey', issueSecret('adminKey').token));
    assert.ok(!looksLike('adminKey', issueSecret('scimToken').token));
    assert.ok(!looksLike('adminKey', 'gha_short'));
    assert.ok(!looksLike('adminKey', `gha_${'a'.repeat(43)}'; DROP TABLE`));
    assert.equal(lookupPrefixOf('ghs_ABCDEFGHxyz'), 'ghs_ABCDEFGH');
  });
});

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);
  test('round-trips and names its key', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('private key material', 'connection:1:key');
    assert.ok(sealed.startsWith(`v1.${box.keyId}.`));
    assert.ok(!sealed.includes('private key material'));
    assert.equal(box.open(sealed, 'connection:1:key'), 'private key material');
  });

  test('refuses a value moved to another context or tampered with', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('s3cret', 'a');
    assert.throws(() => box.open(sealed, 'b'));
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'a'));
  });

  test('rotation: old values open with a previous key, new ones use the current key', () => {
    const oldBox = createSecretBox(key);
    const sealed = oldBox.seal('webhook secret', 'w');
    const rotated = createSecretBox(randomBytes(32), [key]);
    assert.equal(rotated.open(sealed, 'w'), 'webhook secret');
    assert.notEqual(rotated.keyId, oldBox.keyId);
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed, 'w'), /unknown key/);
  });
});
