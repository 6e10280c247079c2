import type { Router } from 'express';
import type { ConnectionService, ConnectionView } from '../../../admin/connections.js';
import { parseListParams } from '../../../admin/list-params.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentPage } from './present.js';

/** The config appears under the connection's type (`saml`, `oidc`, `mock`), with the derived values beside it. */
export function presentConnection({ connection, config, described }: ConnectionView) {
  return {
    object: 'connection',
    id: connection.id,
    organization_id: connection.organizationId,
    type: connection.type,
    name: connection.name,
    preset: connection.preset,
    status: connection.status,
    [connection.type]: { ...config, ...described },
    attribute_mapping: connection.attributeMapping,
    created_at: connection.createdAt.toISOString(),
    updated_at: connection.updatedAt.toISOString(),
  };
}

export function mountConnections(router: Router, connections: ConnectionService): void {
  router.post('/organizations/:id/connections', async (req, res) => {
    res.status(201).json(presentConnection(await connections.create(adminContext(res), req.params.id, req.body)));
  });
  router.get('/organizations/:id/connections', async (req, res) => {
    const page = await connections.list(adminContext(res), req.params.id, parseListParams(req.query));
    res.json(presentPage(page, presentConnection));
  });
  router.get('/connections/:id', async (req, res) => {
    res.json(presentConnection(await connections.get(adminContext(res), req.params.id)));
  });
  router.patch('/connections/:id', async (req, res) => {
    res.json(presentConnection(await connections.update(adminContext(res), req.params.id, req.body)));
  });
  router.post('/connections/:id/sp-keys/stage', async (req, res) => {
    res.json(presentConnection(await connections.rotateKeys(adminContext(res), req.params.id, 'stage')));
  });
  router.post('/connections/:id/sp-keys/activate', async (req, res) => {
    res.json(presentConnection(await connections.rotateKeys(adminContext(res), req.params.id, 'activate')));
  });
  router.post('/connections/:id/refresh', async (req, res) => {
    const { changed } = await connections.refresh(adminContext(res), req.params.id);
    res.json({ ...presentConnection(await connections.get(adminContext(res), req.params.id)), refreshed_fields: changed });
  });
  router.delete('/connections/:id', async (req, res) => {
    await connections.delete(adminContext(res), req.params.id);
    res.status(204).end();
  });
}
