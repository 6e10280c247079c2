import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resultBatcher, writeBatcher } from '../../src/store/write-batch.js';

describe('write batcher', () => {
  test('writes issued in one turn of the event loop go out as one batch', async () => {
    const batches: number[][] = [];
    const write = writeBatcher(async (items: number[]) => void batches.push(items));
    await Promise.all([write(1), Promise.resolve().then(() => write(2)), write(3)]);
    await write(4);
    assert.deepEqual(batches, [[1, 3, 2], [4]]);
  });

  test('a failing write fails only its own caller; the others are written alone', async () => {
    const written: number[] = [];
    const write = writeBatcher(async (items: number[]) => {
      if (items.includes(2)) throw new Error(`refused ${items.join(',')}`);
      written.push(...items);
    });
    const outcomes = await Promise.allSettled([write(1), write(2), write(3)]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /refused 2$/);
    assert.deepEqual(written.sort(), [1, 3]);
  });

  test('a long queue is split into statements of at most 100 writes', async () => {
    const sizes: number[] = [];
    const write = writeBatcher(async (items: number[]) => void sizes.push(items.length));
    await Promise.all(Array.from({ length: 250 }, (_, i) => write(i)));
    assert.deepEqual(sizes, [100, 100, 50]);
  });

  test('each caller gets its own result, also when the joint statement failed and each was tried alone', async () => {
    const double = resultBatcher(async (items: number[]) => {
      if (items.length > 1 && items.includes(13)) throw new Error('one of them is unlucky');
      if (items[0] === 13) throw new Error('unlucky');
      return items.map((n) => n * 2);
    });
    assert.deepEqual(await Promise.all([double(1), double(2), double(3)]), [2, 4, 6]);
    const outcomes = await Promise.allSettled([double(5), double(13), double(7)]);
    assert.deepEqual(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason))), [10, 'Error: unlucky', 14]);
  });

  test('writes with the same key go out in separate statements, each key at most once per statement', async () => {
    const batches: string[][] = [];
    const write = resultBatcher(async (items: Array<{ id: string; n: number }>) => (batches.push(items.map((i) => `${i.id}${i.n}`)), items.map(() => true)), { key: (i) => i.id });
    await Promise.all([write({ id: 'a', n: 1 }), write({ id: 'b', n: 1 }), write({ id: 'a', n: 2 }), write({ id: 'a', n: 3 }), write({ id: 'c', n: 1 })]);
    assert.deepEqual(batches, [['a1', 'b1', 'c1'], ['a2'], ['a3']]);
  });
});
