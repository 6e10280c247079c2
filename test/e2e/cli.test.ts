import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gatehouseRun } from '../support/cli.js';
import { createTestDatabase, requires } from '../support/services.js';
import { testEncryptionKey } from '../support/gateway.js';

describe('gatehouse CLI', () => {
  test('--help lists the commands on stdout', async () => {
    const { code, stdout } = await gatehouseRun(['--help'], {});
    assert.equal(code, 0);
    for (const command of ['start', 'serve', 'worker', 'migrate', 'admin-key create']) assert.ok(stdout.includes(command), command);
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const { code, stderr } = await gatehouseRun(['launch'], {});
    assert.equal(code, 2);
    assert.match(stderr, /unknown command: launch/);
  });

  test('invalid configuration lists every problem and exits 2 before listening', async () => {
    const { code, stderr, stdout } = await gatehouseRun(['serve'], { PORT: 'http', DATABASE_URL: 'mysql://db/x', LOG_LEVEL: 'chatty' });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'GATEHOUSE_ENCRYPTION_KEY']) assert.match(stderr, new RegExp(`${name}:`));
    assert.doesNotMatch(stderr, /listening/);
  });
});

describe('gatehouse CLI on Postgres', await requires('postgres'), () => {
  test('serve refuses an unmigrated database; migrate fixes it, twice is a no-op; admin-key create prints only the key', { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: await createTestDatabase('cli'), GATEHOUSE_ENCRYPTION_KEY: testEncryptionKey, PORT: '0' };
    const stale = await gatehouseRun(['serve'], env);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /Run `gatehouse migrate` first/);

    const migrated = await gatehouseRun(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stderr, /Applied \d+ migration\(s\): 20261201000000_init/);
    const again = await gatehouseRun(['migrate'], env);
    assert.match(again.stderr, /Database is up to date/);

    const key = await gatehouseRun(['admin-key', 'create', '--name', 'ci'], env);
    assert.equal(key.code, 0, key.stderr);
    assert.match(key.stdout, /^gha_[0-9A-Za-z]{43}\n$/);
    const rotated = await gatehouseRun(['signing-keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /^sig_[0-9A-Z]{26}\nsig_[0-9A-Z]{26}\n$/);
    const missingName = await gatehouseRun(['admin-key', 'create'], env);
    assert.equal(missingName.code, 2);
    assert.match(missingName.stderr, /--name/);
  });
});
