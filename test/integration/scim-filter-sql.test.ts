// The SQL a SCIM filter becomes, run on real Postgres: each filter must select exactly the rows
// the SCIM semantics say (NULLs, `not`, LIKE escaping, case-insensitive keys, array columns).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseFilter } from '../../src/scim/filter/parse.js';
import { filterToSql, type ColumnMap } from '../../src/store/directory-sql/filter-sql.js';
import { createTestDatabase, requires } from '../support/services.js';

const columns: ColumnMap = {
  username: { sql: 't.user_name_key', type: 'string', caseExact: false },
  externalid: { sql: 't.external_id', type: 'string', caseExact: true, nullable: true },
  'emails.value': { sql: 't.email_keys', type: 'string', caseExact: false, shape: 'array' },
  active: { sql: 't.active', type: 'boolean', caseExact: true },
  'meta.lastmodified': { sql: 't.updated_at', type: 'dateTime', caseExact: true },
};

const rows = [
  { id: 'a', user: 'ada@acme.test', ext: 'X1', emails: ['ada@acme.test', 'ada@home.test'], active: true, at: '2024-01-01T00:00:00Z' },
  { id: 'b', user: 'bob_100%@acme.test', ext: null, emails: [], active: false, at: '2024-06-01T00:00:00Z' },
  { id: 'c', user: 'carol@other.test', ext: 'x1', emails: ['carol@other.test'], active: true, at: '2025-01-01T00:00:00Z' },
];

describe('SCIM filters as SQL', await requires('postgres'), () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: await createTestDatabase('scim_filter_sql') });
    await client.connect();
    await client.query('CREATE TEMP TABLE t (id text, user_name_key text, external_id text, email_keys text[], active boolean, updated_at timestamptz)');
    for (const r of rows) await client.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)', [r.id, r.user, r.ext, r.emails, r.active, r.at]);
  });
  after(() => client?.end());

  const select = async (filter: string) => {
    const params: unknown[] = [];
    const where = filterToSql(parseFilter(filter), columns, params);
    return (await client.query(`SELECT id FROM t WHERE ${where} ORDER BY id`, params)).rows.map((r: { id: string }) => r.id).join(',');
  };

  test('comparisons', async () => {
    assert.equal(await select('userName eq "ADA@acme.test"'), 'a');
    assert.equal(await select('userName sw "bob_1"'), 'b');
    assert.equal(await select('userName co "_"'), 'b');
    assert.equal(await select('userName co "%"'), 'b');
    assert.equal(await select('userName ew ".TEST"'), 'a,b,c');
    assert.equal(await select('userName gt "b"'), 'b,c');
    assert.equal(await select('externalId eq "X1"'), 'a');
    assert.equal(await select('externalId ne "X1"'), 'b,c');
    assert.equal(await select('externalId pr'), 'a,c');
    assert.equal(await select('emails.value eq "ada@home.test"'), 'a');
    assert.equal(await select('emails.value co "OTHER"'), 'c');
    assert.equal(await select('emails.value pr'), 'a,c');
    assert.equal(await select('active eq "False"'), 'b');
    assert.equal(await select('meta.lastModified ge "2024-06-01T00:00:00Z"'), 'b,c');
  });

  test('logic: and, or, not with NULL columns', async () => {
    assert.equal(await select('not (externalId eq "X1")'), 'b,c');
    assert.equal(await select('not (externalId co "1")'), 'b');
    assert.equal(await select('active eq true and (userName sw "c" or emails.value ew "home.test")'), 'a,c');
    assert.equal(await select('emails[value ew "acme.test"] or externalId eq "x1"'), 'a,c');
  });

  test('type errors and unknown attributes are invalidFilter', () => {
    for (const filter of ['active gt true', 'active eq "yes"', 'userName eq 5', 'meta.lastModified gt "yesterday"', 'nickName eq "x"', 'meta.lastModified co "2024"']) {
      assert.throws(() => filterToSql(parseFilter(filter), columns, []), (e: { scimType?: string }) => e.scimType === 'invalidFilter', filter);
    }
  });
});
