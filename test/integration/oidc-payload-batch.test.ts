// oidc-provider's saves, batched into one statement per turn of the event loop (write-batch.ts),
// on real Postgres: each record lands as saved, the last save of a record wins, and a save the
// database refuses fails alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPrismaStore } from '../../src/store/prisma-store.js';
import type { Store } from '../../src/store/store.js';
import { createMigratedDatabase, requires } from '../support/services.js';

describe('batched oidc-provider saves', await requires('postgres'), () => {
  let store: Store;
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);
  before(async () => {
    store = createPrismaStore({ databaseUrl: await createMigratedDatabase('oidc_batch'), maxConnections: 3, asyncCommitPool: true });
  });
  after(() => store?.close());

  test('saves in one turn land together; a record saved twice keeps its last save', async () => {
    await Promise.all([
      store.oidcPayloads.upsert('Grant', 'g1', { jti: 'g1', n: 1 }, later),
      store.oidcPayloads.upsert('Interaction', 'i1', { jti: 'i1', uid: 'uid-i1', grantId: 'g1' }, later),
      store.oidcPayloads.upsert('Grant', 'g1', { jti: 'g1', n: 2 }, later),
    ]);
    assert.deepEqual(await store.oidcPayloads.find('Grant', 'g1', now), { jti: 'g1', n: 2 });
    assert.deepEqual(await store.oidcPayloads.findByUid('Interaction', 'uid-i1', now), { jti: 'i1', uid: 'uid-i1', grantId: 'g1' });
    // An update of an existing record through the same statement.
    await store.oidcPayloads.upsert('Grant', 'g1', { jti: 'g1', n: 3 }, null);
    assert.deepEqual(await store.oidcPayloads.find('Grant', 'g1', new Date(now.getTime() + 7_200_000)), { jti: 'g1', n: 3 });
  });

  test('a save the database refuses (an account that does not exist) fails alone', async () => {
    const outcomes = await Promise.allSettled([
      store.oidcPayloads.upsert('Session', 's-ok', { jti: 's-ok' }, later),
      store.oidcPayloads.upsert('Session', 's-bad', { jti: 's-bad', accountId: 'prof_missing' }, later),
      store.oidcPayloads.upsert('AccessToken', 't-ok', { jti: 't-ok' }, later),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal((await store.oidcPayloads.find('Session', 's-bad', now)), undefined);
    assert.ok(await store.oidcPayloads.find('Session', 's-ok', now));
    assert.ok(await store.oidcPayloads.find('AccessToken', 't-ok', now));
  });
});
