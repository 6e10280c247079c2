// The newcomer's path: `npm start` with nothing configured serves on the embedded Postgres, prints
// a first admin key, and keeps data across a restart.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { gatehouse, gatehouseRun } from '../support/cli.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

describe('gatehouse start on the embedded default', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
    env = { GATEHOUSE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  async function boot() {
    const cli = gatehouse(['start'], env);
    const [, port] = await cli.waitFor(/"port":(\d+)/, 120_000);
    return { cli, base: `http://127.0.0.1:${port}` };
  }

  test('first start prints a key that works; a restart keeps the data and prints none', { timeout: 240_000 }, async () => {
    const first = await boot();
    const [, key] = await first.cli.waitFor(/^\s+(gha_[0-9A-Za-z]{43})$/m);
    assert.ok(first.cli.stderr().includes('/api/v1'), 'says where to use the key');
    assert.equal(first.cli.stdout(), '', 'start prints nothing on stdout');
    assert.equal((await stat(join(dataDir, 'encryption-key'))).mode & 0o777, 0o600);

    assert.equal((await fetch(`${first.base}/healthz`)).status, 200);
    assert.equal((await fetch(`${first.base}/readyz`)).status, 200);
    const created = await fetch(`${first.base}/api/v1/organizations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Survives Restart', domains: ['restart.example'] }),
    });
    assert.equal(created.status, 201);
    const org = (await created.json()) as { id: string };

    // The data directory is one process's: a second process is refused, clearly.
    const clash = await gatehouseRun(['admin-key', 'create', '--name', 'second'], env);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /in use by another Gatehouse process/);
    assert.equal(clash.stdout, '');

    first.cli.child.kill('SIGTERM');
    assert.equal(await first.cli.exited, 0, 'graceful shutdown exits 0');

    const second = await boot();
    const read = await fetch(`${second.base}/api/v1/organizations/${org.id}`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { name: string }).name, 'Survives Restart');
    assert.doesNotMatch(second.cli.stderr(), /created its first admin API key/);
    second.cli.child.kill('SIGINT');
    assert.equal(await second.cli.exited, 0);

    // Stopped: the CLI can now use the data directory, and prints only the key on stdout.
    const made = await gatehouseRun(['admin-key', 'create', '--name', 'ops', '--scopes', 'organizations:read'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^gha_[0-9A-Za-z]{43}\n$/);
  });

  test('npm start alone delivers webhooks (no Redis): a SCIM change reaches a receiver, signed', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-hooks-'));
    const receiver = await startWebhookReceiver(() => 204);
    const cli = gatehouse(['start'], { GATEHOUSE_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true' });
    try {
      const [, port] = await cli.waitFor(/"port":(\d+)/, 120_000);
      const [, key] = await cli.waitFor(/^\s+(gha_[0-9A-Za-z]{43})$/m);
      const base = `http://127.0.0.1:${port}`;
      const call = async (path: string, body: unknown, token = key!, type = 'application/json') => {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body: JSON.stringify(body) });
        assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`);
        return (await res.json()) as Record<string, any>;
      };
      const org = await call('/api/v1/organizations', { name: 'Hooks' });
      const directory = await call(`/api/v1/organizations/${org.id}/directories`, { name: 'Okta', provider: 'okta' });
      const endpoint = await call('/api/v1/webhook-endpoints', { url: receiver.url, events: ['directory.user.*'] });
      await call(`/scim/v2/${directory.id}/Users`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@hooks.test', active: true }, directory.bearer_token, 'application/scim+json');
      await receiver.until((r) => r.delivered.size >= 1, 30_000);
      const hook = [...receiver.delivered.values()][0]!;
      const event = new Webhook(endpoint.secret).verify(hook.body, hook.headers as Record<string, string>) as { type: string; data: { user_name: string } };
      assert.equal(event.type, 'directory.user.created');
      assert.equal(event.data.user_name, 'ada@hooks.test');
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exited, 0);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
