// Unfiltered list totals come from per-directory counters kept by triggers: they must equal a
// real count after concurrent creates and deletes (which must not deadlock against each other)
// and after rows written straight in SQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

describe('SCIM totals from directory counters', await requires('postgres'), () => {
  let gw: TestGateway;
  let db: pg.Client;
  before(async () => {
    gw = await startTestGateway('scim_counts');
    db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await gw?.close();
  });

  const counted = async (table: string, directoryId: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE directory_id = $1`, [directoryId])).rows[0].n as number;
  const totals = async (dir: TestDirectory) => ({
    users: (await dir.scim('get', '/Users?count=0').expect(200)).body.totalResults as number,
    cursor: (await dir.scim('get', '/Users?cursor=&count=1').expect(200)).body.totalResults as number,
    groups: (await dir.scim('get', '/Groups?count=0').expect(200)).body.totalResults as number,
  });
  const user = (name: string) => ({ schemas: [URN.user], userName: name });

  test('concurrent creates and deletes in one directory all succeed, and the totals stay exact', async () => {
    const dir = await createTestDirectory(gw, 'okta');
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => dir.scim('post', '/Users', user(`first${i}@x.test`)).expect(201)));
    const groups = await Promise.all(Array.from({ length: 3 }, (_, i) => dir.scim('post', '/Groups', { schemas: [URN.group], displayName: `Team ${i}` }).expect(201)));
    // Deletes (several statements, events last) race creates (one statement each).
    await Promise.all([
      ...first.slice(0, 6).map((r) => dir.scim('delete', `/Users/${r.body.id}`).expect(204)),
      ...Array.from({ length: 12 }, (_, i) => dir.scim('post', '/Users', user(`second${i}@x.test`)).expect(201)),
      dir.scim('delete', `/Groups/${groups[0]!.body.id}`).expect(204),
    ]);
    assert.deepEqual(await totals(dir), { users: 16, cursor: 16, groups: 2 });
    assert.equal(await counted('directory_users', dir.id), 16);
    assert.equal(await counted('directory_groups', dir.id), 2);
  });

  test('rows written straight in SQL, in bulk, are counted too; filtered totals still count matches', async () => {
    const dir = await createTestDirectory(gw, 'generic');
    await db.query(
      `INSERT INTO directory_users (id, directory_id, user_name_key, email_keys, active, resource, version, created_at, updated_at)
       SELECT 'dusr_0Q' || lpad(upper(to_hex(i)), 24, '0'), $1, 'bulk' || i || '@x.test', '{}', i % 2 = 0, jsonb_build_object('userName', 'bulk' || i || '@x.test'), 1, now(), now()
         FROM generate_series(1, 500) AS i`,
      [dir.id],
    );
    assert.equal((await totals(dir)).users, 500);
    const active = await dir.scim('get', `/Users?count=0&filter=${encodeURIComponent('active eq true')}`).expect(200);
    assert.equal(active.body.totalResults, 250);
    await db.query("DELETE FROM directory_users WHERE directory_id = $1 AND user_name_key LIKE 'bulk1%'", [dir.id]);
    assert.equal((await totals(dir)).users, await counted('directory_users', dir.id));
  });
});
