import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { writeBatcher } from '../../src/store/write-batch.js';

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
});
