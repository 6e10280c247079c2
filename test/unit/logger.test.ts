import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, redactUrl } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

test('logs are JSON lines with secrets redacted', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      authorization: 'Bearer gha_secretsecret',
      req: { headers: { authorization: 'Bearer gha_nested', cookie: 'sid=1' } },
      body: { client_secret: 'ghc_abc', token: 'ghs_xyz', name: 'visible' },
    },
    'hello',
  );
  const line = lines.join('');
  const parsed = JSON.parse(line);
  assert.equal(parsed.msg, 'hello');
  assert.equal(parsed.level, 'info');
  assert.equal(parsed.body.name, 'visible');
  for (const secret of ['gha_secretsecret', 'gha_nested', 'sid=1', 'ghc_abc', 'ghs_xyz']) assert.ok(!line.includes(secret), secret);
});

test('connection strings lose their password before they are logged', () => {
  assert.equal(redactUrl('postgresql://app:hunter2@db:5432/gh'), 'postgresql://app:***@db:5432/gh');
  assert.equal(redactUrl('not a url'), '[unparseable url]');
});
