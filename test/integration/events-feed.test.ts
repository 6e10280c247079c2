import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { newId } from '../../src/store/ids.js';
import type { OutboxEventInput } from '../../src/store/webhook-data.js';
import type { EventBody } from '../../src/webhooks/body.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

/** The feed lists each event as the JSON a webhook receiver gets. */
type FeedEvent = EventBody;
interface Feed {
  data: FeedEvent[];
  list_metadata: { after: string; has_more: boolean };
}

const cursorOf = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('admin API: events feed', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgA: string;
  let orgB: string;
  let keyA: string;
  /** Every event appended, in the order of the transactions that appended them. */
  const appended: OutboxEventInput[] = [];
  before(async () => {
    gw = await startTestGateway('events_feed');
    orgA = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'A' }).expect(201)).body.id;
    orgB = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'B' }).expect(201)).body.id;
    keyA = (await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'A', organization_id: orgA, scopes: ['events:read'] }).expect(201)).body.secret;
    await append([event('directory.user.created', orgA), event('directory.user.updated', orgA)]);
    await append([event('directory.group.created', orgB)]);
    await append([event('connection.activated', orgA), event('directory.user.created', orgB), event('webhook_endpoint.disabled', null)]);
    await append([event('directory.user.deleted', orgA)]);
  });
  after(() => gw?.close());

  const api = () => request(gw.app);
  const at = new Date('2026-01-02T03:04:05.678Z');
  function event(type: string, organizationId: string | null): OutboxEventInput {
    return { id: newId('evt'), type, organizationId, directoryId: organizationId && 'dir_01JABCDEFGHJKMNPQRSTVWXYZ0', occurredAt: at, data: { n: appended.length + 1 } };
  }
  /** One transaction per call, as a directory change appends its events. */
  async function append(events: OutboxEventInput[]) {
    await gw.store.transaction((tx) => tx.outbox.append(events));
    appended.push(...events);
  }
  const feed = async (query: string, key = gw.rootKey): Promise<Feed> => (await api().get(`/api/v1/events${query}`).set(bearer(key)).expect(200)).body;
  /** Pages until has_more is false; returns the events and the final cursor. */
  async function readAll(query: string, key = gw.rootKey, cursor?: string) {
    const seen: FeedEvent[] = [];
    for (;;) {
      const page = await feed(`?limit=2${query}${cursor ? `&after=${cursor}` : ''}`, key);
      assert.ok(page.data.length <= 2);
      seen.push(...page.data);
      cursor = page.list_metadata.after;
      if (!page.list_metadata.has_more) return { seen, cursor };
    }
  }

  test('pages in strict sequence order, skipping nothing, each event as a webhook body', async () => {
    const { seen } = await readAll('');
    assert.deepEqual(seen.map((e) => e.id), appended.map((e) => e.id));
    const sequences = seen.map((e) => e.sequence);
    assert.ok(sequences.every((s, i) => Number.isInteger(s) && (i === 0 || s > sequences[i - 1]!)), String(sequences));
    assert.deepEqual(seen[0], { id: appended[0]!.id, type: 'directory.user.created', sequence: sequences[0], created_at: at.toISOString(), organization_id: orgA, directory_id: 'dir_01JABCDEFGHJKMNPQRSTVWXYZ0', data: { n: 1 } });
    const global = seen.find((e) => e.type === 'webhook_endpoint.disabled')!;
    assert.equal(global.organization_id, null);
    assert.equal('directory_id' in global, false);
  });

  test('at the end, after stays a cursor to poll with; new events show up behind it', async () => {
    const { cursor } = await readAll('');
    const empty = await feed(`?after=${cursor}`);
    assert.deepEqual(empty.data, []);
    assert.deepEqual(empty.list_metadata, { after: cursor, has_more: false });
    const late = [event('directory.group.deleted', orgB), event('directory.user.reactivated', orgA)];
    await append(late);
    const next = await feed(`?after=${cursor}`);
    assert.deepEqual(next.data.map((e) => e.id), late.map((e) => e.id));
    assert.equal(next.list_metadata.has_more, false);
    assert.notEqual(next.list_metadata.after, cursor);
    // With no cursor and nothing to read, the cursor starts from the beginning.
    const none = await feed('?types=directory.group.user_added');
    assert.deepEqual(none, { object: 'list', data: [], list_metadata: { after: cursorOf('seq:0'), has_more: false } } as unknown as Feed);
    const one = await feed('?limit=1');
    assert.equal(one.list_metadata.has_more, true);
    assert.equal(one.data.length, 1);
  });

  test('types narrows to the named types; unknown types and wildcards are 400', async () => {
    const { seen } = await readAll('&types=directory.user.created,connection.activated');
    const expected = appended.filter((e) => e.type === 'directory.user.created' || e.type === 'connection.activated');
    assert.deepEqual(seen.map((e) => e.id), expected.map((e) => e.id));
    for (const types of ['directory.user.*', 'directory.user.created,nope', 'webhook_endpoint.test', ',']) {
      const res = await api().get(`/api/v1/events?types=${encodeURIComponent(types)}`).set(bearer(gw.rootKey)).expect(400);
      assert.equal(res.body.error.issues[0].path, 'types', types);
    }
    assert.match((await api().get('/api/v1/events?types=nope').set(bearer(gw.rootKey)).expect(400)).body.error.message, /"nope" is not an event type/);
  });

  test('organization filter; an organization-scoped key sees only its own, another organization is 404', async () => {
    const onlyB = await readAll(`&organization_id=${orgB}`);
    assert.deepEqual(onlyB.seen.map((e) => e.id), appended.filter((e) => e.organizationId === orgB).map((e) => e.id));
    const own = appended.filter((e) => e.organizationId === orgA).map((e) => e.id);
    assert.deepEqual((await readAll('', keyA)).seen.map((e) => e.id), own);
    assert.deepEqual((await readAll(`&organization_id=${orgA}`, keyA)).seen.map((e) => e.id), own);
    await api().get(`/api/v1/events?organization_id=${orgB}`).set(bearer(keyA)).expect(404);
    const noScope = (await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'n', scopes: ['webhook_endpoints:read'] }).expect(201)).body.secret;
    await api().get('/api/v1/events').set(bearer(noScope)).expect(403);
  });

  test('test events never appear in the feed', async () => {
    const endpoint = (await api().post('/api/v1/webhook-endpoints').set(bearer(gw.rootKey)).send({ url: 'https://hooks.example.com/', events: ['*'], organization_id: orgA }).expect(201)).body;
    const sent = (await api().post(`/api/v1/webhook-endpoints/${endpoint.id}/test`).set(bearer(gw.rootKey)).expect(202)).body;
    const { seen } = await readAll('');
    assert.equal(seen.some((e) => e.id === sent.event_id || e.type === 'webhook_endpoint.test'), false);
    assert.deepEqual(seen.map((e) => e.id), appended.map((e) => e.id));
  });

  test('malformed cursors and limits are 400s naming the parameter', async () => {
    for (const after of ['abc', '1', cursorOf('seq:-1'), cursorOf('seq:01'), cursorOf('seq:1x'), cursorOf('sequence:1'), `${cursorOf('seq:1')}=`, cursorOf(`seq:${'9'.repeat(20)}`), cursorOf('seq:9223372036854775808')]) {
      const res = await api().get(`/api/v1/events?after=${encodeURIComponent(after)}`).set(bearer(gw.rootKey)).expect(400);
      assert.equal(res.body.error.issues[0].path, 'after', after);
      assert.match(res.body.error.message, /after: must be a cursor returned in list_metadata\.after/);
    }
    await api().get('/api/v1/events?after=x&after=y').set(bearer(gw.rootKey)).expect(400);
    for (const limit of ['0', '1001', 'ten', '1.5']) {
      const res = await api().get(`/api/v1/events?limit=${limit}`).set(bearer(gw.rootKey)).expect(400);
      assert.equal(res.body.error.issues[0].path, 'limit', limit);
    }
    assert.equal((await feed('?limit=1000')).list_metadata.has_more, false);
    // A valid cursor beyond the end simply returns nothing yet.
    assert.deepEqual((await feed(`?after=${cursorOf('seq:999999')}`)).list_metadata, { after: cursorOf('seq:999999'), has_more: false });
  });
});
