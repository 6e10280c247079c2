// The keys Gatehouse signs ID tokens with: generated on first start (one RS256, one ES256), sealed
// at rest, rotated on demand. A retired key stays in the JWKS until what it signed has expired.
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { newId } from '../../store/ids.js';
import type { SecretBox } from '../../store/encryption.js';
import type { SigningKeyRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

export const SIGNING_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Longer than any token a retired key signed (ID tokens: 1 h; access tokens: 1 h). */
export const RETIRED_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

const context = (id: string) => `signing_key:${id}`;

async function generate(store: Store, box: SecretBox, alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<SigningKeyRecord> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const id = newId('sig');
  const jwk = { ...(await exportJWK(privateKey)), kid: id, alg, use: 'sig' };
  return store.signingKeys.create({ id, alg, sealedJwk: box.seal(JSON.stringify(jwk), context(id)) });
}

/** Active keys first (oidc-provider signs with the first key of an algorithm), then retired ones. */
export async function loadSigningKeys(store: Store, box: SecretBox): Promise<JWK[]> {
  let keys = await store.signingKeys.list();
  const missing = SIGNING_ALGORITHMS.filter((alg) => !keys.some((k) => k.alg === alg && k.retiredAt === null));
  if (missing.length > 0) {
    for (const alg of missing) await generate(store, box, alg);
    keys = await store.signingKeys.list();
  }
  const ordered = [...keys.filter((k) => k.retiredAt === null), ...keys.filter((k) => k.retiredAt !== null)];
  return ordered.map((k) => JSON.parse(box.open(k.sealedJwk, context(k.id))) as JWK);
}

/** New keys sign from the next start (or reload) on; old ones stay published for a day. */
export async function rotateSigningKeys(store: Store, box: SecretBox, clock: () => Date): Promise<SigningKeyRecord[]> {
  const now = clock();
  await store.signingKeys.deleteRetiredBefore(new Date(now.getTime() - RETIRED_KEY_RETENTION_MS));
  const previous = (await store.signingKeys.list()).filter((k) => k.retiredAt === null).map((k) => k.id);
  const fresh: SigningKeyRecord[] = [];
  for (const alg of SIGNING_ALGORITHMS) fresh.push(await generate(store, box, alg));
  await store.signingKeys.retire(previous, now);
  return fresh;
}
