import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchesFilter } from '../../src/scim/filter/match.js';
import { parseFilter, parsePatchPath } from '../../src/scim/filter/parse.js';
import { ScimError } from '../../src/scim/errors.js';

const cmp = (attribute: string, op: string, value: unknown, extra: Record<string, string> = {}) => ({ kind: 'compare', path: { attribute, ...extra }, op, value });

describe('SCIM filter parsing (RFC 7644 §3.4.2.2)', () => {
  test('the RFC examples parse', () => {
    const examples = [
      'userName eq "bjensen"',
      'name.familyName co "O\'Malley"',
      'userName sw "J"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and (emails.type eq "work")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ];
    for (const text of examples) assert.doesNotThrow(() => parseFilter(text), text);
  });

  test('shapes: URN paths, precedence, not, value paths, literals', () => {
    assert.deepEqual(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName EQ "A"'), cmp('name', 'eq', 'A', { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', subAttribute: 'givenName' }));
    assert.deepEqual(parseFilter('a eq 1 or b eq true and c eq null'), {
      kind: 'or',
      left: cmp('a', 'eq', 1),
      right: { kind: 'and', left: cmp('b', 'eq', true), right: cmp('c', 'eq', null) },
    });
    assert.deepEqual(parseFilter('not(a pr)'), { kind: 'not', operand: { kind: 'present', path: { attribute: 'a' } } });
    assert.deepEqual(parseFilter('emails[type eq "work"]'), { kind: 'valuePath', path: { attribute: 'emails' }, filter: cmp('type', 'eq', 'work') });
    assert.deepEqual(parseFilter('userName eq "a \\"quoted\\" name"'), cmp('userName', 'eq', 'a "quoted" name'));
  });

  test('malformed filters are 400 invalidFilter', () => {
    const bad = ['', 'userName eq', 'userName xx "a"', '(userName eq "a"', 'userName eq "a")', 'userName eq "a" extra', 'a[b[c eq 1]]', 'not a eq 1', 'a eq "unterminated', 'a eq "x" and', 'a eq bareword', 'a & b', 'x'.repeat(5000)];
    for (const text of bad) {
      assert.throws(() => parseFilter(text), (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidFilter', text);
    }
    const deep = `${'('.repeat(40)}a pr${')'.repeat(40)}`;
    assert.throws(() => parseFilter(deep), /nested too deeply/);
    assert.throws(() => parseFilter(Array.from({ length: 201 }, () => 'a pr').join(' or ')), /comparisons/);
  });

  test('PATCH paths', () => {
    assert.deepEqual(parsePatchPath('members'), { path: { attribute: 'members' } });
    assert.deepEqual(parsePatchPath('name.familyName'), { path: { attribute: 'name', subAttribute: 'familyName' } });
    assert.deepEqual(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]'), {
      path: { attribute: 'members' },
      valueFilter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
    });
    assert.deepEqual(parsePatchPath('emails[type eq "work"].value'), { path: { attribute: 'emails' }, valueFilter: cmp('type', 'eq', 'work'), subAttribute: 'value' });
    assert.deepEqual(parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager'), {
      path: { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager' },
    });
    for (const text of ['', 'emails[type eq', 'a.b.c', 'emails[type eq "w"].', 'emails[type eq "w"] x', '9lives']) {
      assert.throws(() => parsePatchPath(text), (e: unknown) => e instanceof ScimError && e.scimType === 'invalidPath', text);
    }
  });

  test('in-memory matching: case-insensitive strings, multi-valued any, dates, booleans, not', () => {
    const user = { userName: 'Bjensen', active: true, emails: [{ type: 'work', value: 'b@Example.com' }, { type: 'home', value: 'b@home.test' }], meta: { lastModified: '2024-01-02T00:00:00Z' } };
    const is = (text: string) => matchesFilter(parseFilter(text), user);
    assert.equal(is('username eq "BJENSEN"'), true);
    assert.equal(is('emails.value ew "example.com"'), true);
    assert.equal(is('emails co "home"'), true);
    assert.equal(is('emails[type eq "work" and value sw "b@ex"]'), true);
    assert.equal(is('emails[type eq "home" and value sw "b@ex"]'), false);
    assert.equal(is('meta.lastModified gt "2023-12-31T23:59:59Z"'), true);
    assert.equal(is('active eq "True"'), true);
    assert.equal(is('not (title pr)'), true);
    assert.equal(is('userName ne "bjensen"'), false);
    assert.equal(matchesFilter(parseFilter('userName eq "bjensen"'), user, { caseExact: () => true }), false);
  });
});
