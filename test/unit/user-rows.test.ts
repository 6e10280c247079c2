import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rememberedRows } from '../../src/directory/user-rows.js';

interface Row {
  directoryId: string;
  id: string;
  version: number;
  resource: { displayName: string };
}
const row = (id: string, version: number, displayName = 'A'): Row => ({ directoryId: 'dir_1', id, version, resource: { displayName } });

describe('remembered directory rows', () => {
  it('remembers a copy: changing the row passed in afterwards does not change what is recalled', () => {
    const rows = rememberedRows<Row>();
    const passed = row('u1', 1);
    rows.remember(passed);
    passed.resource.displayName = 'changed by the caller';
    assert.equal(rows.recall('dir_1', 'u1')?.resource.displayName, 'A');
  });

  it('keeps a row handed over as it is', () => {
    const rows = rememberedRows<Row>();
    const handed = row('u1', 2);
    rows.keep(handed);
    assert.equal(rows.recall('dir_1', 'u1'), handed);
  });

  it('never goes back to an older version, and forgets on request', () => {
    const rows = rememberedRows<Row>();
    rows.keep(row('u1', 3, 'newer'));
    rows.remember(row('u1', 2, 'older read finishing late'));
    assert.equal(rows.recall('dir_1', 'u1')?.resource.displayName, 'newer');
    rows.forget('dir_1', 'u1');
    assert.equal(rows.recall('dir_1', 'u1'), undefined);
  });

  it('holds at most its limit, forgetting the oldest first', () => {
    const rows = rememberedRows<Row>(2);
    for (const id of ['u1', 'u2', 'u3']) rows.remember(row(id, 1));
    assert.equal(rows.recall('dir_1', 'u1'), undefined);
    assert.ok(rows.recall('dir_1', 'u2') && rows.recall('dir_1', 'u3'));
  });

  it('tells directories apart', () => {
    const rows = rememberedRows<Row>();
    rows.remember(row('u1', 1));
    assert.equal(rows.recall('dir_2', 'u1'), undefined);
  });
});
