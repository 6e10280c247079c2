// SCIM filters end to end: the RFC 7644 §3.4.2.2 examples as exact ASTs, malformed input as
// 400 invalidFilter, PATCH paths (§3.5.2), in-memory matching, and the SQL translation run on
// real Postgres, where NULL columns, LIKE wildcards in values and text[] columns are what break.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ScimError } from '../../src/scim/errors.js';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../../src/scim/filter/ast.js';
import { matchesFilter } from '../../src/scim/filter/match.js';
import { parseFilter, parsePatchPath } from '../../src/scim/filter/parse.js';
import { filterToSql, type ColumnMap } from '../../src/store/directory-sql/filter-sql.js';
import { requires } from '../support/services.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const at = (attribute: string, subAttribute?: string, schema?: string): AttrPath => ({
  ...(schema === undefined ? {} : { schema }),
  attribute,
  ...(subAttribute === undefined ? {} : { subAttribute }),
});
const cmp = (path: AttrPath, op: CompareOp, value: FilterValue): FilterNode => ({ kind: 'compare', path, op, value });
const pr = (path: AttrPath): FilterNode => ({ kind: 'present', path });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (operand: FilterNode): FilterNode => ({ kind: 'not', operand });
const vp = (path: AttrPath, filter: FilterNode): FilterNode => ({ kind: 'valuePath', path, filter });
// Awaited before any test registers: run alone with --test-force-exit, tests registered after an
// await that follows earlier tests would be cut off.
const postgres = await requires('postgres');
const isScim = (scimType: string) => (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === scimType;

describe('SCIM filter parsing: the RFC 7644 §3.4.2.2 examples', () => {
  const ts = '2011-05-13T04:42:34Z';
  const examples: Array<[string, FilterNode]> = [
    ['userName eq "bjensen"', cmp(at('userName'), 'eq', 'bjensen')],
    ['name.familyName co "O\'Malley"', cmp(at('name', 'familyName'), 'co', "O'Malley")],
    ['userName sw "J"', cmp(at('userName'), 'sw', 'J')],
    [`${CORE}:userName sw "J"`, cmp(at('userName', undefined, CORE), 'sw', 'J')],
    ['title pr', pr(at('title'))],
    [`meta.lastModified gt "${ts}"`, cmp(at('meta', 'lastModified'), 'gt', ts)],
    [`meta.lastModified ge "${ts}"`, cmp(at('meta', 'lastModified'), 'ge', ts)],
    [`meta.lastModified lt "${ts}"`, cmp(at('meta', 'lastModified'), 'lt', ts)],
    [`meta.lastModified le "${ts}"`, cmp(at('meta', 'lastModified'), 'le', ts)],
    ['title pr and userType eq "Employee"', and(pr(at('title')), cmp(at('userType'), 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr(at('title')), cmp(at('userType'), 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE}"`, cmp(at('schemas'), 'eq', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(cmp(at('userType'), 'eq', 'Employee'), or(cmp(at('emails'), 'co', 'example.com'), cmp(at('emails', 'value'), 'co', 'example.org'))),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(cmp(at('userType'), 'ne', 'Employee'), not(or(cmp(at('emails'), 'co', 'example.com'), cmp(at('emails', 'value'), 'co', 'example.org')))),
    ],
    ['userType eq "Employee" and (emails.type eq "work")', and(cmp(at('userType'), 'eq', 'Employee'), cmp(at('emails', 'type'), 'eq', 'work'))],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(cmp(at('userType'), 'eq', 'Employee'), vp(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('value'), 'co', '@example.com')))),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(vp(at('emails'), and(cmp(at('type'), 'eq', 'work'), cmp(at('value'), 'co', '@example.com'))), vp(at('ims'), and(cmp(at('type'), 'eq', 'xmpp'), cmp(at('value'), 'co', '@foo.com')))),
    ],
  ];
  for (const [text, ast] of examples) test(text, () => assert.deepEqual(parseFilter(text), ast));
});

describe('SCIM filter parsing: grammar details', () => {
  test('precedence: not > and > or, parentheses group', () => {
    assert.deepEqual(parseFilter('a pr or b pr and c pr'), or(pr(at('a')), and(pr(at('b')), pr(at('c')))));
    assert.deepEqual(parseFilter('(a pr or b pr) and c pr'), and(or(pr(at('a')), pr(at('b'))), pr(at('c'))));
    assert.deepEqual(parseFilter('a pr and b pr and c pr'), and(and(pr(at('a')), pr(at('b'))), pr(at('c'))));
    assert.deepEqual(parseFilter('not (a pr) and b pr'), and(not(pr(at('a'))), pr(at('b'))));
    assert.deepEqual(
      parseFilter('userName eq "a" and (emails.value co "x" or not (active eq true))'),
      and(cmp(at('userName'), 'eq', 'a'), or(cmp(at('emails', 'value'), 'co', 'x'), not(cmp(at('active'), 'eq', true)))),
    );
  });

  test('keywords and operators are case-insensitive; not( needs no space', () => {
    assert.deepEqual(parseFilter('userName EQ "x" AND title Pr OR NOT(nickName Sw "y")'), or(and(cmp(at('userName'), 'eq', 'x'), pr(at('title'))), not(cmp(at('nickName'), 'sw', 'y'))));
  });

  test('literals: JSON strings with escapes, numbers, true/false/null', () => {
    assert.deepEqual(parseFilter('a eq "q\\"uo\\\\te\\u0041"'), cmp(at('a'), 'eq', 'q"uo\\teA'));
    assert.deepEqual(parseFilter('a gt -1.5e3'), cmp(at('a'), 'gt', -1500));
    assert.deepEqual(parseFilter('a eq 0'), cmp(at('a'), 'eq', 0));
    assert.deepEqual(parseFilter('a eq True or b ne FALSE or c eq null'), or(or(cmp(at('a'), 'eq', true), cmp(at('b'), 'ne', false)), cmp(at('c'), 'eq', null)));
  });

  test('attribute paths: URN schemas, sub-attributes, nameChar, $ref', () => {
    assert.deepEqual(parseFilter(`${CORE}:name.givenName eq "A"`), cmp(at('name', 'givenName', CORE), 'eq', 'A'));
    assert.deepEqual(parseFilter(`${ENTERPRISE}:employeeNumber eq "7"`), cmp(at('employeeNumber', undefined, ENTERPRISE), 'eq', '7'));
    assert.deepEqual(parseFilter(`${ENTERPRISE}:manager.value eq "m"`), cmp(at('manager', 'value', ENTERPRISE), 'eq', 'm'));
    assert.deepEqual(parseFilter('x-a_1 pr and members.$ref pr'), and(pr(at('x-a_1')), pr(at('members', '$ref'))));
    assert.deepEqual(parseFilter('not (emails[type eq "work"])'), not(vp(at('emails'), cmp(at('type'), 'eq', 'work'))));
  });

  test('malformed filters are 400 invalidFilter', () => {
    const bad = [
      '', '   ', '(userName eq "a"', 'userName eq "a")', '((a pr)', 'userName eq', 'userName eq "x" and', 'userName', 'userName xx "a"', 'userName eq "a" extra',
      'a pr pr', 'emails[type eq "work"', 'emails[type eq "w"]]', 'a[b[c eq 1]]', 'emails[type eq "w"].value eq "x"', 'emails.type[value eq "x"]', 'not a eq 1', 'not', 'a eq "unterminated',
      'a eq "bad \\q escape"', 'a eq bareword', 'a eq 01', 'a & b', '1a eq 1', 'a..b pr', 'a.b.c pr', 'urn:x eq 1', 'x:y eq 1', '()', 'a eq "x" or or b pr',
    ];
    for (const text of bad) assert.throws(() => parseFilter(text), isScim('invalidFilter'), JSON.stringify(text));
  });

  test('messages name what is wrong and where', () => {
    assert.throws(() => parseFilter('userName eq'), /operator "eq" needs a value at the end/);
    assert.throws(() => parseFilter('userName xx "a"'), /unknown operator "xx" at position 10/);
    assert.throws(() => parseFilter('a pr )'), /unexpected text at position 6/);
    assert.throws(() => parseFilter('a[b[c eq 1]]'), /brackets cannot nest/);
  });

  test('limits on external input: length, depth, comparisons', () => {
    assert.throws(() => parseFilter(`userName eq "${'x'.repeat(4100)}"`), (e: unknown) => isScim('invalidFilter')(e) && /4096/.test((e as Error).message));
    assert.doesNotThrow(() => parseFilter(`a eq "${'x'.repeat(4000)}"`));
    assert.throws(() => parseFilter(`${'('.repeat(40)}a pr${')'.repeat(40)}`), (e: unknown) => isScim('invalidFilter')(e) && /nested too deeply/.test((e as Error).message));
    assert.throws(() => parseFilter(`${'not ('.repeat(40)}a pr${')'.repeat(40)}`), isScim('invalidFilter'));
    assert.doesNotThrow(() => parseFilter(Array.from({ length: 200 }, () => 'a pr').join(' or ')));
    assert.throws(() => parseFilter(Array.from({ length: 201 }, () => 'a pr').join(' or ')), /more than 200 comparisons/);
  });
});

describe('SCIM PATCH paths (RFC 7644 §3.5.2)', () => {
  test('valid paths', () => {
    assert.deepEqual(parsePatchPath('members'), { path: at('members') });
    assert.deepEqual(parsePatchPath('name.familyName'), { path: at('name', 'familyName') });
    assert.deepEqual(parsePatchPath('addresses[type eq "work"]'), { path: at('addresses'), valueFilter: cmp(at('type'), 'eq', 'work') });
    assert.deepEqual(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]'), { path: at('members'), valueFilter: cmp(at('value'), 'eq', '2819c223-7f76-453a-919d-413861904646') });
    assert.deepEqual(parsePatchPath('emails[type eq "work"].value'), { path: at('emails'), valueFilter: cmp(at('type'), 'eq', 'work'), subAttribute: 'value' });
    assert.deepEqual(parsePatchPath(`${ENTERPRISE}:manager`), { path: at('manager', undefined, ENTERPRISE) });
    assert.deepEqual(parsePatchPath(`${ENTERPRISE}:employeeNumber`), { path: at('employeeNumber', undefined, ENTERPRISE) });
    assert.deepEqual(parsePatchPath('emails[type eq "work" and not (primary eq true)]'), { path: at('emails'), valueFilter: and(cmp(at('type'), 'eq', 'work'), not(cmp(at('primary'), 'eq', true))) });
  });

  test('invalid paths are 400 invalidPath', () => {
    const bad = ['', 'a.b.c', '9lives', 'emails[type eq', 'emails[]', 'emails[type eq "w"].', 'emails[type eq "w"].value.x', 'emails[type eq "w"] .value', 'emails[type eq "w"] x', 'emails[type eq "w"][x eq 1]', 'name.familyName[x eq 1]', 'a b', 'emails[a[b eq 1]]', 'urn:x'];
    for (const text of bad) assert.throws(() => parsePatchPath(text), isScim('invalidPath'), JSON.stringify(text));
  });
});

describe('matchesFilter', () => {
  const user = {
    schemas: [CORE, ENTERPRISE],
    userName: 'BJensen',
    active: true,
    name: { givenName: 'Barbara', familyName: "O'Malley" },
    title: '',
    emails: [{ type: 'work', value: 'bjensen@Example.com', primary: true }, { type: 'home', value: 'babs@home.test' }],
    meta: { lastModified: '2024-01-02T00:00:00Z' },
    [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'm-1' } },
  };
  const is = (text: string, options = {}) => matchesFilter(parseFilter(text), user, options);

  test('attribute names and string values are case-insensitive by default', () => {
    assert.equal(is('USERNAME eq "bjensen"'), true);
    assert.equal(is('name.FAMILYNAME co "o\'mal"'), true);
    assert.equal(is('userName eq "bjensen"', { caseExact: () => true }), false);
    assert.equal(is('userName eq "BJensen"', { caseExact: (p: AttrPath) => p.attribute === 'userName' }), true);
  });

  test('multi-valued attributes match when any element does', () => {
    assert.equal(is('emails.value ew "home.test"'), true);
    assert.equal(is('emails co "example.com"'), true);
    assert.equal(is('emails.type eq "other"'), false);
    assert.equal(is(`schemas eq "${ENTERPRISE}"`), true);
    assert.equal(is('emails.value ne "babs@home.test"'), false);
  });

  test('value paths test one element at a time', () => {
    assert.equal(is('emails[type eq "work" and value co "@example.com"]'), true);
    assert.equal(is('emails[type eq "home" and value co "@example.com"]'), false);
    assert.equal(is('emails[not (type eq "work")]'), true);
    assert.equal(matchesFilter(parseFilter('type eq "WORK"'), user.emails[0] as Record<string, unknown>), true);
  });

  test('URN paths: extension objects, core schema means the resource itself', () => {
    assert.equal(is(`${ENTERPRISE}:employeeNumber eq "701984"`), true);
    assert.equal(is(`${ENTERPRISE}:manager.value eq "M-1"`), true);
    assert.equal(is(`${ENTERPRISE}:manager[value eq "m-1"]`), true);
    assert.equal(is(`${CORE}:userName sw "bj"`), true);
    assert.equal(is('employeeNumber pr'), false);
  });

  test('pr, null, booleans, dates, ordering', () => {
    assert.equal(is('name pr'), true);
    assert.equal(is('title pr'), false);
    assert.equal(is('nickName pr'), false);
    assert.equal(is('nickName eq null') && !is('nickName ne null') && is('userName ne null'), true);
    assert.equal(is('active eq true') && is('active eq "True"') && is('active ne false'), true);
    assert.equal(is('active gt false'), false);
    assert.equal(is('meta.lastModified gt "2024-01-01T23:59:59Z"') && is('meta.lastModified le "2024-01-02T01:00:00+01:00"'), true);
    assert.equal(is('meta.lastModified eq "2024-01-02T00:00:00.000Z"'), true);
    assert.equal(is('meta.lastModified lt "5"'), true, 'not a timestamp: compared as text');
    assert.equal(is('userName gt "a"') && is('userName lt "c"'), true);
    assert.equal(is('not (userName eq "bjensen") or emails[primary eq true]'), true);
  });
});

// The translation as the store uses it, run on a TEMP table (one client, so parallel tests cannot
// see it). `*_key` columns hold lower-cased keys, as directory_users does.
const columns: ColumnMap = {
  id: { sql: 't.id', type: 'string', caseExact: true },
  username: { sql: 't.user_name_key', type: 'string', caseExact: false },
  externalid: { sql: 't.external_id', type: 'string', caseExact: true, nullable: true },
  displayname: { sql: 't.display_name_key', type: 'string', caseExact: false, nullable: true },
  'emails.value': { sql: 't.email_keys', type: 'string', caseExact: false, shape: 'array' },
  emails: { sql: 't.email_keys', type: 'string', caseExact: false, shape: 'array' },
  active: { sql: 't.active', type: 'boolean', caseExact: true },
  'meta.lastmodified': { sql: 't.updated_at', type: 'dateTime', caseExact: true, nullable: true },
};
const rows: Array<[string, string, string | null, string | null, string[], boolean, string | null]> = [
  ['u1', 'bjensen', 'E1', 'babs jensen', ['bjensen@example.com', 'b@home.test'], true, '2024-01-01T00:00:00Z'],
  ['u2', 'jsmith', null, null, [], false, '2024-06-01T00:00:00Z'],
  ['u3', '100%_off\\x', 'e1', 'promo', ['promo_1@example.org'], true, '2025-01-01T00:00:00Z'],
  ['u4', 'j_doe', 'E2', 'john doe', ['jdoe@example.com'], false, null],
];

describe('filterToSql on Postgres', postgres, () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query('CREATE TEMP TABLE t (id text, user_name_key text, external_id text, display_name_key text, email_keys text[], active boolean, updated_at timestamptz)');
    for (const row of rows) await client.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7)', row);
  });
  after(async () => {
    await client?.query('DROP TABLE IF EXISTS t');
    await client?.end();
  });

  const select = async (filter: string): Promise<string> => {
    const params: unknown[] = [];
    const where = filterToSql(parseFilter(filter), columns, params);
    const result = await client.query<{ id: string }>(`SELECT id FROM t WHERE ${where} ORDER BY id`, params);
    return result.rows.map((r) => r.id).join(',');
  };
  const expect = async (cases: Array<[string, string]>) => {
    for (const [filter, ids] of cases) assert.equal(await select(filter), ids, filter);
  };

  test('strings: case-insensitive keys, case-exact columns, URN prefix, ordering', () =>
    expect([
      ['userName eq "BJensen"', 'u1'],
      [`${CORE}:userName eq "bjensen"`, 'u1'],
      ['userName ew "X"', 'u3'],
      ['userName gt "j"', 'u2,u4'],
      ['userName le "bjensen"', 'u1,u3'],
      ['externalId eq "E1"', 'u1'],
      ['externalId eq "e1"', 'u3'],
      ['displayName eq "John Doe"', 'u4'],
      ['id eq "u3"', 'u3'],
    ]));

  test('LIKE wildcards and the escape character in values are literal', () =>
    expect([
      ['userName sw "j_"', 'u4'],
      ['userName co "%"', 'u3'],
      ['userName co "%_"', 'u3'],
      ['userName co "\\\\"', 'u3'],
      ['userName co "0%_off\\\\x"', 'u3'],
      ['emails.value sw "b_"', ''],
      ['emails.value co "o_1"', 'u3'],
    ]));

  test('NULL columns: ne, not, pr, eq null', () =>
    expect([
      ['externalId ne "E1"', 'u2,u3,u4'],
      ['not (externalId eq "E1")', 'u2,u3,u4'],
      ['not (externalId co "E")', 'u2,u3'],
      ['not (displayName sw "b")', 'u2,u3,u4'],
      ['not (not (externalId eq "E1"))', 'u1'],
      ['not (externalId eq "E1" or active eq false)', 'u3'],
      ['not (externalId eq "E1" and active eq true)', 'u2,u3,u4'],
      ['externalId pr', 'u1,u3,u4'],
      ['not (externalId pr)', 'u2'],
      ['externalId eq null', 'u2'],
      ['externalId ne null', 'u1,u3,u4'],
      ['not (meta.lastModified gt "2024-03-01T00:00:00Z")', 'u1,u4'],
    ]));

  test('booleans, including the strings Entra sends', () =>
    expect([
      ['active eq true', 'u1,u3'],
      ['active eq "True"', 'u1,u3'],
      ['active ne "FALSE"', 'u1,u3'],
      ['not (active eq true)', 'u2,u4'],
    ]));

  test('dateTime: compared as timestamps, offsets honoured', () =>
    expect([
      ['meta.lastModified gt "2024-03-01T00:00:00Z"', 'u2,u3'],
      ['meta.lastModified le "2024-01-01T00:00:00Z"', 'u1'],
      ['meta.lastModified ge "2024-06-01T02:00:00+02:00"', 'u2,u3'],
      ['meta.lastModified pr', 'u1,u2,u3'],
    ]));

  test('text[] columns: any element, pr, not, value paths on one sub-attribute', () =>
    expect([
      ['emails.value eq "BJENSEN@example.com"', 'u1'],
      ['emails eq "jdoe@example.com"', 'u4'],
      ['emails.value co "example"', 'u1,u3,u4'],
      ['emails.value ew ".org"', 'u3'],
      ['emails.value gt "p"', 'u3'],
      ['emails pr', 'u1,u3,u4'],
      ['not (emails pr)', 'u2'],
      ['not (emails.value co "example")', 'u2'],
      ['emails[value ew "example.com"]', 'u1,u4'],
      ['emails[value eq "b@home.test"] or externalId eq "e1"', 'u1,u3'],
    ]));

  test('and/or/not precedence', () =>
    expect([
      ['userName eq "a" and (emails.value co "x" or not (active eq true))', ''],
      ['active eq true and (userName sw "b" or emails.value ew ".org")', 'u1,u3'],
      ['userName sw "j" or externalId eq "e1" and active eq true', 'u2,u3,u4'],
      ['(userName sw "j" or externalId eq "e1") and active eq true', 'u3'],
    ]));

  test('placeholders continue after parameters already in the list', () => {
    const params: unknown[] = ['dir'];
    const sql = filterToSql(parseFilter('userName eq "A" and externalId ne "b"'), columns, params);
    assert.deepEqual(params, ['dir', 'a', 'b']);
    assert.match(sql, /\$2\b.*\$3\b/);
  });

  test('unsupported attributes and type mismatches are invalidFilter', () => {
    assert.throws(() => filterToSql(parseFilter('nickName eq "x"'), columns, []), (e: unknown) => isScim('invalidFilter')(e) && /"nickname" is not supported; supported: .*username/.test((e as Error).message));
    const bad = ['active gt true', 'active eq "yes"', 'active eq 1', 'active co "t"', 'userName eq 5', 'userName eq true', 'meta.lastModified gt "yesterday"', 'meta.lastModified gt "2024-13-45T00:00:00Z"', 'meta.lastModified co "2024"', 'emails[type eq "work"]'];
    for (const filter of bad) assert.throws(() => filterToSql(parseFilter(filter), columns, []), isScim('invalidFilter'), filter);
  });

  // Element-wise semantics on text[] columns, as matchesFilter has them.
  test('text[] ne means no element is equal (as matchesFilter)', () =>
    expect([['emails.value ne "bjensen@example.com"', 'u2,u3,u4']]));
  test('a value path holds for one element, not for different ones', () =>
    expect([
      ['emails[value sw "bjensen" and value ew ".test"]', ''],
      ['emails[not (value co "example")]', 'u1'],
    ]));
});
