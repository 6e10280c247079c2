// The SCIM lane (plain node:http ahead of express): the headers, body rules, routing and metrics
// the express stack gave it, and bearer tokens remembered across requests but never past a
// rotation or deletion, whichever process made it.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { buildScim } from '../../src/cli/scim.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createPrismaStore } from '../../src/store/prisma-store.js';
import type { Store } from '../../src/store/store.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, SCIM_JSON, scimClient, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

describe('SCIM lane', await requires('postgres'), () => {
  let gw: TestGateway;
  let dir: TestDirectory;
  before(async () => {
    gw = await startTestGateway('scim_lane');
    dir = await createTestDirectory(gw, 'okta');
  });
  after(() => gw?.close());

  test('answers carry the request id given (or a fresh one) and a JSON API\'s security headers', async () => {
    const res = await dir.scim('get', '/Users', undefined, { 'X-Request-Id': 'okta-req-12345678' }).expect(200);
    assert.equal(res.headers['x-request-id'], 'okta-req-12345678');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/);
    assert.match(res.headers['content-type'] ?? '', /^application\/scim\+json/);
    const fresh = await dir.scim('get', '/Users', undefined, { 'X-Request-Id': 'no spaces allowed' }).expect(200);
    assert.match(fresh.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  test('paths match without case and with a trailing slash; others are SCIM 404s', async () => {
    await dir.scim('get', '/users/').expect(200);
    await dir.scim('get', '/serviceproviderconfig').expect(200);
    const missing = await dir.scim('get', '/Users/dusr_x/extra').expect(404);
    assert.deepEqual(missing.body.schemas, [URN.error]);
    assert.equal(missing.body.status, '404');
    await dir.scim('post', '/Bulk', { schemas: [] }).expect(404);
  });

  test('HEAD answers as GET would, without a body', async () => {
    const created = await dir.scim('post', '/Users', { schemas: [URN.user], userName: 'head@x.test' }).expect(201);
    const head = await request(gw.app).head(`${dir.path}/Users/${created.body.id}`).set('Authorization', `Bearer ${dir.token}`).expect(200);
    assert.equal(head.headers.etag, created.headers.etag);
    assert.equal(head.text ?? '', '');
    await request(gw.app).head(`${dir.path}/Users/dusr_00000000000000000000000000`).set('Authorization', `Bearer ${dir.token}`).expect(404);
  });

  test('an unauthenticated request is refused before routing, with the SCIM challenge', async () => {
    const res = await request(gw.app).get(`${dir.path}/Nowhere`).expect(401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="SCIM"');
    assert.equal(res.body.status, '401');
  });

  test('bodies: over 1 MiB is 413, broken JSON 400 invalidSyntax, a foreign charset 415; nothing is written', async () => {
    const huge = JSON.stringify({ schemas: [URN.user], userName: 'big@x.test', padding: 'x'.repeat(1024 * 1024) });
    const big = await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', SCIM_JSON).send(huge).expect(413);
    assert.equal(big.body.status, '413');
    const broken = await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', SCIM_JSON).send('{"userName":').expect(400);
    assert.equal(broken.body.scimType, 'invalidSyntax');
    const scalar = await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', SCIM_JSON).send('"x"').expect(400);
    assert.equal(scalar.body.scimType, 'invalidSyntax');
    await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', `${SCIM_JSON}; charset=latin1`).send('{}').expect(415);
    const listed = await dir.scim('get', `/Users?filter=${encodeURIComponent('userName eq "big@x.test"')}`).expect(200);
    assert.equal(listed.body.totalResults, 0);
  });

  test('a chunked body that grows past the limit is refused as it streams, and the connection closed', async () => {
    const server = http.createServer(gw.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `${dir.path}/Users`, headers: { authorization: `Bearer ${dir.token}`, 'content-type': SCIM_JSON, 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        });
        req.on('error', reject);
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          // Keep sending until the server has answered (it stops reading at the limit).
          while (sent < 40 && req.write(chunk)) sent++;
          if (sent < 40) req.once('drain', pump);
          else req.end();
        };
        req.write(`{"schemas":["${URN.user}"],"userName":"stream@x.test","padding":"`);
        pump();
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.connection, 'close');
      assert.equal(JSON.parse(answer.body).status, '413');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('requests are counted by route pattern, never by directory id', async () => {
    await dir.scim('get', '/Users').expect(200);
    const metrics = (await request(gw.app).get('/metrics').expect(200)).text;
    assert.match(metrics, /gatehouse_http_requests_total\{method="GET",route="\/scim\/v2\/:directoryId\/Users",status="200"\}/);
    assert.ok(!metrics.includes(dir.id));
  });

  describe('tokens remembered by another process', () => {
    let other: Store;
    let otherApp: ReturnType<typeof createApp>;
    before(() => {
      other = createPrismaStore({ databaseUrl: gw.databaseUrl, maxConnections: 2, listenForTokenChanges: true });
      otherApp = createApp({ config: gw.config, logger: createLogger('silent'), services: gw.services, readiness: [], scim: buildScim(other, gw.config.http.publicUrl, gw.config.scim.tokenCacheMs) });
    });
    after(() => other?.close());

    const heard = (directoryId: string) =>
      new Promise<void>((resolve) => {
        const stop = other.tokenChanges.subscribe((changed) => {
          if (changed === directoryId || changed === null) resolve(stop());
        });
      });
    const viaOther = (d: { path: string }, token: string) => scimClient({ ...gw, app: otherApp }, d.path, token);
    /** The first token check starts the listener; it is live once LISTEN has taken effect. */
    const listening = () =>
      new Promise<void>((resolve) => {
        if (other.tokenChanges.live()) return resolve();
        const stop = other.tokenChanges.subscribe(() => other.tokenChanges.live() && resolve(stop()));
      });

    test('a rotation elsewhere that ends the old token at once reaches it: the old token is refused', async () => {
      const d = await createTestDirectory(gw, 'entra');
      await listening();
      await viaOther(d, d.token)('get', '/Users').expect(200);
      const notice = heard(d.id);
      const rotated = await request(gw.app).post(`/api/v1/directories/${d.id}/rotate-token`).set(bearer(gw.rootKey)).send({ previous_token_expires_in_seconds: 0 }).expect(200);
      await notice;
      await viaOther(d, d.token)('get', '/Users').expect(401);
      await viaOther(d, rotated.body.bearer_token)('get', '/Users').expect(200);
    });

    test('a listener killed by the database forgets everything, reconnects, and hears the next rotation', async () => {
      const d = await createTestDirectory(gw, 'okta');
      await viaOther(d, d.token)('get', '/Users').expect(200);
      const resets: Array<string | null> = [];
      const twoResets = new Promise<void>((resolve) => {
        const stop = other.tokenChanges.subscribe((changed) => {
          if (changed === null && resets.push(changed) === 2) resolve(stop());
        });
      });
      const db = new pg.Client({ connectionString: gw.databaseUrl });
      await db.connect();
      try {
        const killed = await db.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN gatehouse_directory_tokens'");
        assert.ok((killed.rowCount ?? 0) >= 1); // this process's and the test gateway's own
      } finally {
        await db.end();
      }
      await twoResets; // one on the loss, one once listening again
      assert.ok(other.tokenChanges.live());
      await viaOther(d, d.token)('get', '/Users').expect(200);
      const notice = heard(d.id);
      await request(gw.app).post(`/api/v1/directories/${d.id}/rotate-token`).set(bearer(gw.rootKey)).send({ previous_token_expires_in_seconds: 0 }).expect(200);
      await notice;
      await viaOther(d, d.token)('get', '/Users').expect(401);
    });

    test('a directory deleted straight in SQL (the cascade takes its tokens) is refused at once after', async () => {
      const d = await createTestDirectory(gw, 'okta');
      await viaOther(d, d.token)('get', '/Users').expect(200);
      const notice = heard(d.id);
      const db = new pg.Client({ connectionString: gw.databaseUrl });
      await db.connect();
      try {
        await db.query('DELETE FROM directories WHERE id = $1', [d.id]);
      } finally {
        await db.end();
      }
      await notice;
      await viaOther(d, d.token)('get', '/Users').expect(401);
    });
  });
});
