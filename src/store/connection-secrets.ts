// A connection's secret config fields (private keys, client secrets) are sealed before they are
// stored and never echoed: the admin API shows a mask, and a PATCH that sends the mask back keeps
// the stored value. The seal is bound to the organization and field, so it opens nowhere else.
import type { SecretBox } from './encryption.js';

export const SECRET_MASK = '********';

const context = (organizationId: string, field: string) => `connection:${organizationId}:${field}`;

type Config = Record<string, unknown>;

export function sealSecrets(box: SecretBox, organizationId: string, fields: readonly string[], config: Config): Config {
  const sealed = { ...config };
  for (const field of fields) {
    if (typeof sealed[field] === 'string') sealed[field] = box.seal(sealed[field] as string, context(organizationId, field));
  }
  return sealed;
}

export function openSecrets(box: SecretBox, organizationId: string, fields: readonly string[], config: Config): Config {
  const opened = { ...config };
  for (const field of fields) {
    if (typeof opened[field] === 'string') opened[field] = box.open(opened[field] as string, context(organizationId, field));
  }
  return opened;
}

export function maskSecrets(fields: readonly string[], config: Config): Config {
  const masked = { ...config };
  for (const field of fields) if (field in masked) masked[field] = SECRET_MASK;
  return masked;
}

/** A patch over the opened config: fields sent as the mask keep their stored value. */
export function mergeConfig(current: Config, patch: Config, fields: readonly string[]): Config {
  const merged = { ...current, ...patch };
  for (const field of fields) if (patch[field] === SECRET_MASK) merged[field] = current[field];
  return merged;
}
