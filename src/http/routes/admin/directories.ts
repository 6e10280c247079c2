// Directories in the admin API, and the read API products use to see what the IdP pushed.
import type { Router } from 'express';
import type { DirectoryService } from '../../../admin/directories.js';
import { parseListParams } from '../../../admin/list-params.js';
import { presentDirectoryGroup, presentDirectoryUser } from '../../../directory/present.js';
import type { DirectoryRecord } from '../../../store/records.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentPage } from './present.js';

function presentDirectory(directories: DirectoryService, d: DirectoryRecord & { counts?: { users: number; groups: number } }, bearerToken?: string) {
  const current = d.tokens.find((t) => t.expiresAt === null);
  return {
    object: 'directory',
    id: d.id,
    organization_id: d.organizationId,
    name: d.name,
    provider: d.provider,
    scim_base_url: directories.scimBaseUrl(d.id),
    ...(bearerToken === undefined ? {} : { bearer_token: bearerToken }),
    token_prefix: current?.prefix ?? null,
    previous_tokens: d.tokens.filter((t) => t.expiresAt !== null).map((t) => ({ prefix: t.prefix, expires_at: t.expiresAt?.toISOString() })),
    ...(d.counts ? { user_count: d.counts.users, group_count: d.counts.groups } : {}),
    last_request_at: d.lastRequestAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

const scope = (d: DirectoryRecord) => ({ directoryId: d.id, organizationId: d.organizationId });

export function mountDirectories(router: Router, directories: DirectoryService): void {
  const present = (d: DirectoryRecord, token?: string) => presentDirectory(directories, d, token);
  router.post('/organizations/:id/directories', async (req, res) => {
    const { directory, bearerToken } = await directories.create(adminContext(res), req.params.id, req.body);
    res.status(201).json(present(directory, bearerToken));
  });
  router.get('/organizations/:id/directories', async (req, res) => {
    res.json(presentPage(await directories.list(adminContext(res), req.params.id, parseListParams(req.query)), (d) => present(d)));
  });
  router.get('/directories/:id', async (req, res) => {
    res.json(present(await directories.get(adminContext(res), req.params.id)));
  });
  router.delete('/directories/:id', async (req, res) => {
    await directories.delete(adminContext(res), req.params.id);
    res.status(204).end();
  });
  router.post('/directories/:id/rotate-token', async (req, res) => {
    const { directory, bearerToken } = await directories.rotateToken(adminContext(res), req.params.id, req.body);
    res.json(present(directory, bearerToken));
  });
  router.get('/directories/:id/users', async (req, res) => {
    const { directory, page } = await directories.listUsers(adminContext(res), req.params.id, parseListParams(req.query), req.query);
    res.json(presentPage(page, (u) => ({ object: 'directory_user', ...presentDirectoryUser(scope(directory), u) })));
  });
  router.get('/directories/:id/users/:userId', async (req, res) => {
    const { directory, user, groups } = await directories.getUser(adminContext(res), req.params.id, req.params.userId);
    res.json({ object: 'directory_user', ...presentDirectoryUser(scope(directory), user), groups: groups.map((g) => ({ id: g.id, name: g.displayName })) });
  });
  router.get('/directories/:id/groups', async (req, res) => {
    const { directory, page } = await directories.listGroups(adminContext(res), req.params.id, parseListParams(req.query));
    res.json(presentPage(page, (g) => ({ object: 'directory_group', ...presentDirectoryGroup(scope(directory), g) })));
  });
}
