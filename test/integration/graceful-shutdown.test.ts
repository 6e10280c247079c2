import assert from 'node:assert/strict';
import { test } from 'node:test';
import express from 'express';
import { listen } from '../../src/http/server.js';

test('shutdown lets an in-flight request finish and refuses new connections', async () => {
  let release!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inFlight = new Promise<void>((r) => (arrived = r));
  const app = express();
  app.get('/slow', async (_req, res) => {
    arrived();
    await gate;
    res.json({ finished: true });
  });
  const server = await listen(app, '127.0.0.1', 0, 5_000);
  const base = `http://127.0.0.1:${server.port}`;

  const pending = fetch(`${base}/slow`);
  await inFlight;
  const closed = server.close();
  await assert.rejects(fetch(`${base}/slow`, { signal: AbortSignal.timeout(2_000) }));
  release();
  const res = await pending;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { finished: true });
  await closed;
});

test('shutdown drops connections still open after the timeout', async () => {
  let arrived!: () => void;
  const inFlight = new Promise<void>((r) => (arrived = r));
  const app = express();
  app.get('/stuck', () => arrived()); // never answers
  const server = await listen(app, '127.0.0.1', 0, 100);
  const pending = fetch(`http://127.0.0.1:${server.port}/stuck`).then(
    () => 'answered',
    () => 'dropped',
  );
  await inFlight;
  await server.close();
  assert.equal(await pending, 'dropped');
});
