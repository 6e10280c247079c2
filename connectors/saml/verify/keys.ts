// Certificate -> public KeyObject, parsed once per process and certificate (a connection's
// certificates change only with its config version, so the PEM itself is the cache key). The
// cache is bounded: a deployment with more certificates than this re-parses, it does not grow.
import { X509Certificate, type KeyObject } from 'node:crypto';

const MAX_CACHED = 1024;
const cache = new Map<string, KeyObject>();

export function publicKeysOf(certificates: readonly string[]): KeyObject[] {
  return certificates.map((pem) => {
    let key = cache.get(pem);
    if (key === undefined) {
      key = new X509Certificate(pem).publicKey;
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(pem, key);
    }
    return key;
  });
}
