// SP key rotation in two steps, so no IdP is ever cut off: `stage` creates the next key pair and
// publishes its certificate in the SP metadata beside the current one (IdPs that refresh metadata
// pick it up; encrypted assertions to either key decrypt); `activate` makes it the signing key and
// drops the old one.
import { Conflict } from '../../src/errors.js';
import type { GatewayDeps } from '../../src/sso/connector.js';
import type { SamlConfig } from './config.js';
import { generateOwnedKeyPair } from '../shared/self-signed.js';

export function stageNextSpKey(config: SamlConfig, deps: GatewayDeps): SamlConfig {
  if (config.sp_next_private_key) throw new Conflict('A next SP key is already published; activate it first', { code: 'sp_key_already_staged' });
  const pair = generateOwnedKeyPair('Gatehouse SAML SP', deps.clock());
  return { ...config, sp_next_private_key: pair.private_key, sp_next_certificate: pair.certificate };
}

export function activateNextSpKey(config: SamlConfig): SamlConfig {
  if (!config.sp_next_private_key || !config.sp_next_certificate) throw new Conflict('There is no next SP key to activate; stage one first', { code: 'sp_key_not_staged' });
  const { sp_next_private_key, sp_next_certificate, ...rest } = config;
  return { ...rest, sp_private_key: sp_next_private_key, sp_certificate: sp_next_certificate };
}
