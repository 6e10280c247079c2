// Identifiers are a type prefix plus a ULID: readable in logs and support tickets, and ordered by
// creation time, so an id doubles as a stable pagination cursor.
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's own source of randomness asks the CSPRNG for one byte per character (16 calls per id, a
// measurable share of a SCIM write); this draws the same CSPRNG's output from a refilled pool.
const pool = new Uint32Array(1024);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 0x1_0000_0000;
}

const ulid = monotonicFactory(pooledRandom);

export type IdPrefix = 'org' | 'org_domain' | 'key' | 'audit' | 'app' | 'app_secret' | 'client' | 'sig' | 'conn' | 'prof' | 'dir' | 'dir_token' | 'dusr' | 'dgrp' | 'evt' | 'wh' | 'msg' | 'setup' | 'ctest';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

const ID_PATTERN = /^[a-z_]{2,16}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Whether a string has the shape of one of our ids (says nothing about existence). */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}
