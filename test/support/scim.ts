// SCIM test helpers: an organization with a directory (and its bearer token) on a test gateway,
// and a request builder that speaks SCIM's media type with that token.
import pg from 'pg';
import request from 'supertest';
import { bearer, type TestGateway } from './gateway.js';

export const SCIM_JSON = 'application/scim+json';
export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export interface TestDirectory {
  organizationId: string;
  id: string;
  token: string;
  /** `/scim/v2/<id>` */
  path: string;
  scim: ScimClient;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ScimClient = (method: Method, path: string, body?: unknown, headers?: Record<string, string>) => request.Test;

export function scimClient(gw: TestGateway, basePath: string, token: string): ScimClient {
  return (method, path, body, headers = {}) => {
    let req = request(gw.app)[method](`${basePath}${path}`).set('Authorization', `Bearer ${token}`).set('Accept', SCIM_JSON);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    if (body !== undefined) req = req.set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
    return req;
  };
}

/** A fresh organization (unique name) with one directory of this provider. */
export async function createTestDirectory(gw: TestGateway, provider = 'generic', name = `${provider} directory`): Promise<TestDirectory> {
  const org = await request(gw.app).post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: `${name} org` }).expect(201);
  const dir = await request(gw.app)
    .post(`/api/v1/organizations/${org.body.id}/directories`)
    .set(bearer(gw.rootKey))
    .send({ name, provider })
    .expect(201);
  const path = `/scim/v2/${dir.body.id}`;
  return { organizationId: org.body.id, id: dir.body.id, token: dir.body.bearer_token, path, scim: scimClient(gw, path, dir.body.bearer_token) };
}

/** The outbox events of one directory, oldest first. */
export async function directoryEvents(gw: TestGateway, directoryId: string): Promise<Array<{ type: string; data: Record<string, any> }>> {
  const client = new pg.Client({ connectionString: gw.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT type, data FROM outbox_events WHERE directory_id = $1 ORDER BY sequence', [directoryId]);
    return rows as Array<{ type: string; data: Record<string, any> }>;
  } finally {
    await client.end();
  }
}
