// SCIM over real HTTP and Postgres, the gateway in its own process: POST /Users, userName lookups
// and deactivation at concurrency 1 and 8; a 100-member PATCH on a 50k-member group; first and last
// page at 1k, 10k and 100k users; a whole initial push of 10k users and 500 groups.
import pg from 'pg';
import { spawnGateway } from './child.js';
import { rawHttpClient } from './http-client.js';
import { seedGroup, seededUserId, seedUsers, vacuum } from './scim-seed.js';
import { fmt, load } from './stats.js';

interface Gateway {
  url: string;
  rootKey: string;
  databaseUrl: string;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function client(gw: Gateway) {
  const http = rawHttpClient(gw.url);
  async function call(method: string, path: string, token: string, body?: unknown, expect = [200, 201, 204]): Promise<any> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/scim+json', ...(payload ? { 'content-type': 'application/scim+json' } : {}) };
    const res = await http.request(method, path, headers, payload);
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return res.body ? JSON.parse(res.body) : undefined;
  }
  let orgs = 0;
  async function directory(name: string): Promise<{ id: string; token: string; base: string }> {
    const org = await call('POST', '/api/v1/organizations', gw.rootKey, { name: `${name} ${orgs++}` });
    const dir = await call('POST', `/api/v1/organizations/${org.id}/directories`, gw.rootKey, { name, provider: 'okta' });
    return { id: dir.id, token: dir.bearer_token, base: `/scim/v2/${dir.id}` };
  }
  return { call, directory, close: http.close };
}

/** A table row, also printed to stderr at once (a full run takes minutes). */
const row = (what: string, r: { perSecond: number; p50: number; p99: number }) => {
  const line = `| ${what} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} |`;
  process.stderr.write(`  ${line}\n`);
  return line;
};
const user = (name: string) => ({ schemas: [USER], userName: name, name: { givenName: 'Bench', familyName: 'User' }, emails: [{ value: name, primary: true, type: 'work' }], active: true });

export async function benchScim(): Promise<string[]> {
  const gw = await spawnGateway<Gateway>(new URL('./scim-gateway.ts', import.meta.url));
  const db = new pg.Client({ connectionString: gw.databaseUrl });
  await db.connect();
  const { call, directory, close } = client(gw);
  const lines = ['| operation | per second | p50 ms | p99 ms |', '|---|---|---|---|'];
  try {
    const writes = await directory('writes');
    for (const c of [1, 8]) {
      // Warmed up as long as it is measured (a long-lived gateway runs with its JIT settled).
      await load(c === 1 ? 1000 : 3000, c, (i) => call('POST', `${writes.base}/Users`, writes.token, user(`warm${c}-${i}@bench.test`)));
      lines.push(row(`POST /Users, c${c}`, await load(c === 1 ? 1000 : 3000, c, (i) => call('POST', `${writes.base}/Users`, writes.token, user(`c${c}-${i}@bench.test`)))));
    }
    const sizes: Array<[number, string]> = [[1_000, 'A'], [10_000, 'B'], [100_000, 'C']];
    const seeded = new Map<number, { id: string; token: string; base: string }>();
    for (const [n, tag] of sizes) {
      const d = await directory(`size ${n}`);
      await seedUsers(db, d.id, tag, 0, n);
      seeded.set(n, d);
    }
    await vacuum(db);
    const lookup = (d: { token: string; base: string }, n: number) => (i: number) =>
      call('GET', `${d.base}/Users?filter=${encodeURIComponent(`userName eq "u${(i * 7919) % n}@bench.test"`)}`, d.token);
    for (const [n] of sizes) {
      const d = seeded.get(n)!;
      // Warmed up as long as it is measured: with 200 the first directory's rows ran 10-40 % below
      // the others' (the JIT still settling on the lookup path).
      await load(5000, 8, lookup(d, n));
      for (const c of [1, 8]) lines.push(row(`userName eq lookup, ${n / 1000}k users, c${c}`, await load(c === 1 ? 1000 : 5000, c, lookup(d, n))));
    }
    const tenK = seeded.get(10_000)!;
    const deactivate = (i: number) => call('PATCH', `${tenK.base}/Users/${seededUserId('B', i)}`, tenK.token, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    // The warm-up deactivates users 6,000-9,999; the timed rows below use the others.
    await load(4000, 8, (i) => deactivate(6000 + i));
    for (const [c, from] of [[1, 0], [8, 2000]] as const) {
      const r = await load(c === 1 ? 1000 : 4000, c, (i) => deactivate(from + i));
      lines.push(row(`PATCH active=false, c${c}`, r));
    }
    // As Entra deactivates: a lookup by userName, then the PATCH of the user found (users 1,000-1,999).
    const lookupThenDeactivate = async (i: number) => {
      const found = await call('GET', `${tenK.base}/Users?filter=${encodeURIComponent(`userName eq "u${1000 + i}@bench.test"`)}`, tenK.token);
      await call('PATCH', `${tenK.base}/Users/${found.Resources[0].id}`, tenK.token, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    };
    lines.push(row('lookup, then PATCH active=false (as Entra deactivates), pairs at c8', await load(1000, 8, lookupThenDeactivate)));
    for (const [n] of sizes) {
      const d = seeded.get(n)!;
      lines.push(row(`GET /Users first page (count=100), ${n / 1000}k users`, await load(100, 1, () => call('GET', `${d.base}/Users?startIndex=1&count=100`, d.token))));
      lines.push(row(`GET /Users last page (startIndex), ${n / 1000}k users`, await load(100, 1, () => call('GET', `${d.base}/Users?startIndex=${n - 99}&count=100`, d.token))));
      const lastCursor = Buffer.from(seededUserId(sizes.find(([size]) => size === n)![1], n - 101)).toString('base64url');
      lines.push(row(`GET /Users last page (cursor), ${n / 1000}k users`, await load(100, 1, () => call('GET', `${d.base}/Users?cursor=${lastCursor}&count=100`, d.token))));
    }
    lines.push('', ...(await groupPatch(db, call, directory)), '', ...(await initialPush(call, directory)));
  } finally {
    close();
    await db.end();
    await gw.close();
  }
  return lines;
}

type Call = ReturnType<typeof client>['call'];
type NewDirectory = ReturnType<typeof client>['directory'];

async function groupPatch(db: pg.Client, call: Call, directory: NewDirectory): Promise<string[]> {
  const d = await directory('big group');
  const rounds = 50;
  await seedUsers(db, d.id, 'D', 0, 50_000 + 100 * rounds);
  const groupId = 'dgrp_0D000000000000000000000001';
  await seedGroup(db, d.id, groupId, 'D', 0, 50_000);
  let round = 0;
  const r = await load(rounds, 1, () => {
    const first = 50_000 + 100 * round++;
    const value = Array.from({ length: 100 }, (_, k) => ({ value: seededUserId('D', first + k) }));
    return call('PATCH', `${d.base}/Groups/${groupId}`, d.token, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value }] });
  });
  const members = await db.query('SELECT count(*)::int AS n FROM directory_memberships WHERE group_id = $1', [groupId]);
  const listed = await load(20, 1, () => call('GET', `${d.base}/Groups?excludedAttributes=members`, d.token));
  const full = await load(5, 1, () => call('GET', `${d.base}/Groups/${groupId}`, d.token));
  return [
    '| group of 50k members | per second | p50 ms | p99 ms |',
    '|---|---|---|---|',
    row('PATCH adding 100 members', r),
    row('GET /Groups?excludedAttributes=members', listed),
    row(`GET /Groups/:id with all ${members.rows[0].n} members`, full),
  ];
}

async function initialPush(call: Call, directory: NewDirectory): Promise<string[]> {
  const d = await directory('initial push');
  const started = performance.now();
  const ids: string[] = [];
  await load(10_000, 8, async (i) => {
    const name = `push${i}@bench.test`;
    const found = await call('GET', `${d.base}/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`, d.token);
    if (found.totalResults === 0) ids[i] = (await call('POST', `${d.base}/Users`, d.token, user(name))).id;
  });
  const usersDone = performance.now();
  await load(500, 8, async (g) => {
    const created = await call('POST', `${d.base}/Groups`, d.token, { schemas: [GROUP], displayName: `Team ${g}` });
    const value = Array.from({ length: 20 }, (_, k) => ({ value: ids[(g * 20 + k) % ids.length] }));
    await call('PATCH', `${d.base}/Groups/${created.id}`, d.token, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value }] });
  });
  const done = performance.now();
  return [
    `Initial push at concurrency 8 (as Okta and Entra do it: a userName lookup, then POST; groups created, then members PATCHed in): ` +
      `10,000 users in ${fmt((usersDone - started) / 1000, 1)} s, then 500 groups of 20 members in ${fmt((done - usersDone) / 1000, 1)} s — ${fmt((done - started) / 1000, 1)} s end to end.`,
  ];
}
