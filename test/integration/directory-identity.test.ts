// One identity: an SSO login is linked to the organization's SCIM user; the directory decides
// who may sign in, and deactivating someone ends their sessions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { completeMockLogin, mockConfigSchema } from '../../connectors/mock/index.js';
import { cliContext } from '../../src/admin/context.js';
import type { UpstreamRejected } from '../../src/errors.js';
import { findProfileAccount } from '../../src/sso/provider/accounts.js';
import type { ConnectionRecord } from '../../src/store/records.js';
import { testLoginBroker } from '../support/broker.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

const config = {
  users: [
    { id: 'okta-ada', email: 'ada@link.test' },
    { id: 'okta-bob', email: 'bob@link.test' },
    { id: 'okta-eve', email: 'eve@link.test', email_verified: false },
  ],
  signing_secret: 'link-test-signing-secret-0123456789abc',
};

describe('directory users and SSO logins', await requires('postgres'), () => {
  let gw: TestGateway;
  let dir: TestDirectory;
  let connection: ConnectionRecord;
  const broker = () => testLoginBroker(gw, () => new Date());
  async function login(user: string) {
    const redirect = await broker().start(connection, `uid-${user}-${Math.random()}`, undefined);
    assert.equal(redirect.kind, 'redirect');
    const request = new URL(redirect.url).searchParams.get('request')!;
    const back = new URL(completeMockLogin(mockConfigSchema.parse(config), { request, user }, new Date()).redirect);
    const result = await broker().finish(Object.fromEntries(back.searchParams));
    assert.equal(result.kind, 'login');
    return (result as Extract<typeof result, { kind: 'login' }>).profile;
  }
  const patch = (value: Record<string, unknown>) => ({ schemas: [URN.patchOp], Operations: [{ op: 'replace', value }] });

  before(async () => {
    gw = await startTestGateway('directory_identity');
    dir = await createTestDirectory(gw, 'okta', 'identity');
    connection = (await gw.services.connections.create(cliContext(), dir.organizationId, { type: 'mock', name: 'Okta', status: 'active', config })).connection;
  });
  after(() => gw?.close());

  test('a login links to the SCIM user by externalId; ID token groups come from the directory', async () => {
    const ada = (await dir.scim('post', '/Users', { schemas: [URN.user], userName: 'ada.l', externalId: 'okta-ada', emails: [{ value: 'other@link.test' }] }).expect(201)).body;
    await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'Engineers', members: [{ value: ada.id }] }).expect(201);
    const profile = await login('okta-ada');
    assert.equal(profile.directoryUserId, ada.id);
    const account = await findProfileAccount(gw.store)({} as never, profile.id);
    const claims = await account!.claims('id_token', 'openid groups', {}, []);
    assert.deepEqual(claims.groups, ['Engineers']);
  });

  test('then by verified email only; someone not in the directory still signs in, unlinked', async () => {
    const bob = (await dir.scim('post', '/Users', { schemas: [URN.user], userName: 'bob', emails: [{ value: 'BOB@link.test', primary: true }] }).expect(201)).body;
    assert.equal((await login('okta-bob')).directoryUserId, bob.id);
    await dir.scim('post', '/Users', { schemas: [URN.user], userName: 'eve', emails: [{ value: 'eve@link.test' }] }).expect(201);
    assert.equal((await login('okta-eve')).directoryUserId, null, 'an unverified email does not link');
  });

  test('deactivating the directory user refuses the login and ends their sessions; reactivating restores it; deleting refuses it for good', async () => {
    const profile = await login('okta-ada');
    const userId = profile.directoryUserId!;
    await gw.store.oidcPayloads.upsert('Session', 'sess-ada', { accountId: profile.id, uid: 'sess-uid-ada' }, new Date(Date.now() + 3_600_000));
    assert.ok(await gw.store.oidcPayloads.find('Session', 'sess-ada', new Date()));

    await dir.scim('patch', `/Users/${userId}`, patch({ active: false })).expect(200);
    assert.equal(await gw.store.oidcPayloads.find('Session', 'sess-ada', new Date()), undefined);
    assert.equal(await findProfileAccount(gw.store)({} as never, profile.id), undefined, 'leftover tokens find no account');
    await assert.rejects(login('okta-ada'), (e: UpstreamRejected) => e.code === 'directory_user_inactive');
    const audit = (await gw.store.auditLogs.list({ limit: 100, organizationId: dir.organizationId })).data;
    assert.ok(audit.some((e) => e.action === 'scim.user.updated' && e.metadata.sessions_revoked === 1));

    await dir.scim('patch', `/Users/${userId}`, patch({ active: true })).expect(200);
    assert.equal((await login('okta-ada')).directoryUserId, userId);
    // Only a deactivation ends sessions, and the audit entry names a count only when there was one.
    const entries = (await gw.store.auditLogs.list({ limit: 100, organizationId: dir.organizationId })).data;
    const reactivated = entries.findLast((e) => e.action === 'scim.user.updated')!;
    assert.deepEqual(reactivated.metadata, { directory_id: dir.id, events: ['directory.user.reactivated'], changed: ['active'] });

    await dir.scim('delete', `/Users/${userId}`).expect(204);
    await assert.rejects(login('okta-ada'), (e: UpstreamRejected) => e.code === 'directory_user_deleted');
  });
});
