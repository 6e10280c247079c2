import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigInvalid } from '../../src/errors.js';

const key = randomBytes(32).toString('base64');

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigInvalid);
    return error.problems;
  }
  assert.fail('expected ConfigInvalid');
}

describe('loadConfig', () => {
  test('an empty environment is the embedded default', () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.publicUrl, 'http://localhost:8080');
    assert.equal(config.database.url, undefined);
    assert.equal(config.database.dataDir, './data');
    assert.equal(config.redis.url, undefined);
    assert.equal(config.security.allowInsecureOutbound, false);
    assert.equal(config.log.level, 'info');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http));
  });

  test('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '9000',
      PUBLIC_URL: 'https://sso.example.com/',
      DATABASE_URL: 'postgresql://u:p@db:5432/gh',
      REDIS_URL: 'redis://cache:6379',
      GATEHOUSE_ENCRYPTION_KEY: key,
      GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true',
      LOG_LEVEL: 'debug',
      AUDIT_LOG_RETENTION_DAYS: '0',
    });
    assert.equal(config.http.port, 9000);
    assert.equal(config.http.publicUrl, 'https://sso.example.com');
    assert.equal(config.database.url, 'postgresql://u:p@db:5432/gh');
    assert.equal(config.redis.url, 'redis://cache:6379');
    assert.equal(config.security.encryptionKey?.length, 32);
    assert.equal(config.security.allowInsecureOutbound, true);
    assert.equal(config.log.level, 'debug');
    assert.equal(config.jobs.auditLogRetentionDays, 0);
  });

  test('lists every problem at once', () => {
    const found = problems({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud', GATEHOUSE_ENCRYPTION_KEY: 'c2hvcnQ=', REDIS_URL: 'nope' });
    const names = found.map((p) => p.split(':')[0]).sort();
    assert.deepEqual(names, ['DATABASE_URL', 'GATEHOUSE_ENCRYPTION_KEY', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
  });

  test('a real database needs an encryption key', () => {
    const found = problems({ DATABASE_URL: 'postgresql://db/gh' });
    assert.match(found.join('\n'), /GATEHOUSE_ENCRYPTION_KEY: required when DATABASE_URL is set/);
  });

  test('blank values count as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', PORT: ' ' }).database.url, undefined);
  });

  test('.env.example documents every variable, in the schema order', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    const source = await readFile(new URL('../../src/config.ts', import.meta.url), 'utf8');
    const schema = source.slice(source.indexOf('const envSchema'));
    const read = [...schema.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]);
    assert.deepEqual(documented, read);
  });
});
