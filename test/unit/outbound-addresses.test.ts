import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyAddress } from '../../src/outbound/addresses.js';

test('outbound address policy: loopback, private, link-local and mapped forms are recognised', () => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1']) assert.equal(classifyAddress(a), 'loopback', a);
  for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '::', '::ffff:10.0.0.1', '224.0.0.1', '64:ff9b::a00:1']) {
    assert.equal(classifyAddress(a), 'internal', a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(classifyAddress(a), 'public', a);
  assert.equal(classifyAddress('::ffff:127.0.0.1'), 'loopback');
  assert.throws(() => classifyAddress('example.com'), TypeError);
});
