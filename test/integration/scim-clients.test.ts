// The conversations Okta and Entra ID actually have with a SCIM server, in the request shapes
// their provisioning docs show (test/fixtures/scim/*.json names the source of every step),
// replayed against a real gateway. Then the outbox must hold exactly the lifecycle events the
// conversation implies: no-op PUTs and PATCHes, refused requests and reads cause none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, directoryEvents } from '../support/scim.js';
import { loadSteps, replay } from '../support/scim-replay.js';
import { requires } from '../support/services.js';

const fixture = (name: string) => new URL(`../fixtures/scim/${name}.json`, import.meta.url);

/** One event as `type subject`: the user or group it is about, or `group <- user` for memberships. */
function summarize(event: { type: string; data: Record<string, any> }): string {
  if (event.type.startsWith('directory.group.user_')) return `${event.type} ${event.data.group?.id} <- ${event.data.user?.id}`;
  return `${event.type} ${event.data.id}`;
}

describe('SCIM: recorded Okta and Entra ID sequences', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('scim_clients');
  });
  after(() => gw?.close());

  test('Okta', async () => {
    const dir = await createTestDirectory(gw, 'okta', 'okta replay');
    const ids = new Map<string, string>();
    await replay(dir.scim, loadSteps(fixture('okta')), ids);

    const user = ids.get('userId');
    const second = ids.get('secondUserId');
    const group = ids.get('groupId');
    assert.deepEqual((await directoryEvents(gw, dir.id)).map(summarize), [
      `directory.user.created ${user}`,
      // The 409 duplicate, the reads and the identical second PUT change nothing.
      `directory.user.updated ${user}`,
      `directory.user.deactivated ${user}`,
      `directory.user.reactivated ${user}`,
      `directory.user.created ${second}`,
      `directory.group.created ${group}`,
      `directory.group.user_added ${group} <- ${user}`,
      `directory.group.updated ${group}`,
      `directory.group.user_added ${group} <- ${second}`,
      // The re-sent, unchanged group name is no event.
      `directory.group.user_removed ${group} <- ${user}`,
      // The full membership push adds back only the one who was missing.
      `directory.group.user_added ${group} <- ${user}`,
      `directory.group.deleted ${group}`,
    ]);
  });

  test('Entra ID', async () => {
    const dir = await createTestDirectory(gw, 'entra', 'entra replay');
    const ids = new Map<string, string>();
    await replay(dir.scim, loadSteps(fixture('entra')), ids);

    const user = ids.get('userId');
    const manager = ids.get('managerId');
    const group = ids.get('groupId');
    assert.deepEqual((await directoryEvents(gw, dir.id)).map(summarize), [
      `directory.user.created ${user}`,
      `directory.user.updated ${user}`, // work email and family name
      `directory.user.updated ${user}`, // userName
      `directory.user.created ${manager}`,
      `directory.user.updated ${user}`, // manager
      `directory.user.updated ${user}`, // path-less Replace with dotted and URN keys
      `directory.user.deactivated ${user}`, // "False"
      `directory.user.reactivated ${user}`, // "True"
      `directory.group.created ${group}`,
      `directory.group.user_added ${group} <- ${user}`,
      `directory.group.user_added ${group} <- ${manager}`,
      `directory.group.user_removed ${group} <- ${manager}`,
      `directory.group.updated ${group}`,
      // Deleting a member takes the membership with it, and products hear of it first.
      `directory.group.user_removed ${group} <- ${user}`,
      `directory.user.deleted ${user}`,
      `directory.group.deleted ${group}`,
    ]);
  });
});
