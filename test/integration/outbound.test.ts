// Every request here stays on loopback: refused destinations are refused before any connection.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { UpstreamUnavailable } from '../../src/errors.js';
import { createGuardedFetch } from '../../src/outbound/guarded-fetch.js';

const refusedWith = (code: string) => (error: unknown) => error instanceof UpstreamUnavailable && error.code === code;

describe('guarded outbound fetch', () => {
  let server: Server;
  let base: string;
  let port: number;
  let connections = 0;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') return void res.end('fine');
      if (req.url?.startsWith('/to?')) return void res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      // /stuck never answers
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('by default: https only, and loopback refused before connecting, by literal or by name', async () => {
    const strict = createGuardedFetch({ allowInsecure: false });
    const before = connections;
    await assert.rejects(strict(`${base}/ok`), refusedWith('outbound_refused'));
    await assert.rejects(strict(`https://127.0.0.1:${port}/ok`), refusedWith('outbound_refused'));
    await assert.rejects(strict(`https://localhost:${port}/ok`), refusedWith('outbound_refused'));
    await assert.rejects(strict(`https://0x7f000001:${port}/ok`), refusedWith('outbound_refused'), 'numeric forms are normalised first');
    await assert.rejects(strict(`https://user:pw@example.invalid/`), refusedWith('outbound_refused'));
    assert.equal(connections, before, 'no connection was made');
  });

  test('allowed loopback works; redirects are followed and re-checked at every hop', async () => {
    const dev = createGuardedFetch({ allowInsecure: true, maxRedirects: 3 });
    assert.equal(await (await dev(`${base}/ok`)).text(), 'fine');
    assert.equal(await (await dev(`${base}/to?${encodeURIComponent(`${base}/ok`)}`)).text(), 'fine');
    for (const target of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00::1]/', 'http://[::ffff:10.0.0.1]/', 'http://0xa000001/']) {
      await assert.rejects(dev(`${base}/to?${encodeURIComponent(target)}`), refusedWith('outbound_refused'), target);
      await assert.rejects(dev(target), refusedWith('outbound_refused'), `${target} directly`);
    }
    await assert.rejects(dev(`${base}/loop`), refusedWith('outbound_refused'));
  });

  test('a server that does not answer hits the deadline', async () => {
    const quick = createGuardedFetch({ allowInsecure: true, timeoutMs: 200 });
    await assert.rejects(quick(`${base}/stuck`), refusedWith('outbound_timeout'));
  });
});
