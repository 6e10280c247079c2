import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idpPresets } from '../../connectors/index.js';
import type { IdpPreset } from '../../src/sso/connector.js';

const ALLOWED = new Set(['acs_url', 'sp_entity_id', 'sp_metadata_url', 'oidc_redirect_uri', 'scim_base_url', 'scim_token', 'attr.email', 'attr.first_name', 'attr.last_name', 'attr.groups']);

const presets: IdpPreset[] = Object.values(idpPresets);
const placeholders = (steps: readonly string[]) => steps.flatMap((step) => [...step.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!));
const allSteps = (preset: IdpPreset) => [...(preset.guide?.sso.steps ?? []), ...(preset.guide?.dsync?.steps ?? [])];
const mentions = (steps: readonly string[], name: string) => steps.some((step) => step.includes(`{{${name}}}`));

test('every preset has a setup guide with at least 4 sign-in steps', () => {
  for (const preset of presets) {
    assert.ok(preset.guide, `${preset.name} has no guide`);
    assert.ok(preset.guide.sso.steps.length >= 4, `${preset.name} has ${preset.guide.sso.steps.length} sign-in steps`);
    if (preset.guide.dsync) assert.ok(preset.guide.dsync.steps.length > 0, `${preset.name} has an empty dsync guide`);
    for (const step of allSteps(preset)) assert.ok(step.trim().length > 0, `${preset.name} has an empty step`);
  }
});

test('guides use only the placeholders the portal fills in', () => {
  for (const preset of presets) {
    for (const name of placeholders(allSteps(preset))) assert.ok(ALLOWED.has(name), `${preset.name} uses {{${name}}}`);
    // A stray brace would show as is: every {{ must open a placeholder the pattern above saw.
    for (const step of allSteps(preset)) {
      assert.equal(step.split('{{').length - 1, placeholders([step]).length, `${preset.name}: unbalanced braces in "${step}"`);
    }
  }
});

test('attribute placeholders appear only where the preset maps that attribute', () => {
  for (const preset of presets) {
    for (const name of placeholders(allSteps(preset)).filter((n) => n.startsWith('attr.'))) {
      const key = name.slice('attr.'.length);
      assert.ok(Object.hasOwn(preset.attributeMapping, key), `${preset.name} uses {{${name}}} but its attributeMapping has no ${key}`);
    }
  }
});

test('SAML guides give the ACS URL and the SP entity ID; the OIDC guide the redirect URI', () => {
  for (const preset of presets) {
    const { protocol, steps } = preset.guide!.sso;
    if (protocol === 'saml') {
      assert.ok(mentions(steps, 'acs_url'), `${preset.name} never gives {{acs_url}}`);
      assert.ok(mentions(steps, 'sp_entity_id'), `${preset.name} never gives {{sp_entity_id}}`);
      assert.ok(!mentions(steps, 'oidc_redirect_uri'), `${preset.name} is SAML but gives {{oidc_redirect_uri}}`);
    } else {
      assert.ok(mentions(steps, 'oidc_redirect_uri'), `${preset.name} never gives {{oidc_redirect_uri}}`);
      assert.ok(!mentions(steps, 'acs_url'), `${preset.name} is OIDC but gives {{acs_url}}`);
    }
    for (const secret of ['scim_base_url', 'scim_token']) assert.ok(!mentions(steps, secret), `${preset.name} gives {{${secret}}} in its sign-in steps`);
  }
  assert.equal(idpPresets.generic.guide?.sso.protocol, 'saml');
  assert.equal(idpPresets.generic_oidc.guide?.sso.protocol, 'oidc');
  assert.deepEqual(idpPresets.generic_oidc.attributeMapping, {});
});

test('directory sync guides give the SCIM base URL and token; Google and ADFS have none', () => {
  for (const preset of presets) {
    const dsync = preset.guide!.dsync;
    if (!dsync) continue;
    assert.ok(mentions(dsync.steps, 'scim_base_url'), `${preset.name} never gives {{scim_base_url}}`);
    assert.ok(mentions(dsync.steps, 'scim_token'), `${preset.name} never gives {{scim_token}}`);
  }
  assert.equal(idpPresets.google.guide?.dsync, undefined);
  assert.equal(idpPresets.adfs.guide?.dsync, undefined);
  for (const name of ['okta', 'entra', 'onelogin', 'ping', 'jumpcloud'] as const) assert.ok(idpPresets[name].guide?.dsync, `${name} has no dsync guide`);
});

test('steps are plain text: no markup, no links', () => {
  for (const preset of presets) {
    for (const step of allSteps(preset)) {
      assert.ok(!step.includes('<') && !step.includes('>'), `${preset.name}: "${step}"`);
      assert.doesNotMatch(step, /https?:\/\//, `${preset.name} links out: "${step}"`);
    }
  }
});
