import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasScope, isKnownScope, requireSubset } from '../../src/admin/scopes.js';
import { Forbidden } from '../../src/errors.js';
import { escapeHtml } from '../../src/http/views/error-page.js';

test('scopes: wildcard, exact, and write implies read', () => {
  assert.ok(hasScope(['*'], 'organizations:write'));
  assert.ok(hasScope(['organizations:write'], 'organizations:read'));
  assert.ok(!hasScope(['organizations:read'], 'organizations:write'));
  assert.ok(!hasScope(['api_keys:write'], 'organizations:read'));
  assert.ok(isKnownScope('audit_logs:read') && isKnownScope('*') && !isKnownScope('root'));
});

test('scopes: a key cannot grant more than it holds', () => {
  requireSubset(['*'], ['*']);
  requireSubset(['organizations:write'], ['organizations:read']);
  assert.throws(() => requireSubset(['organizations:read'], ['*']), Forbidden);
  assert.throws(() => requireSubset(['organizations:read'], ['api_keys:write']), /api_keys:write/);
});

test('error pages escape what they echo', () => {
  assert.equal(escapeHtml('<script>"x"&\'</script>'), '&#60;script&#62;&#34;x&#34;&#38;&#39;&#60;/script&#62;');
});
