// Setup links in the admin API: issue one (its URL shown once), list an organization's, read and revoke one.
import type { Router } from 'express';
import { parseListParams } from '../../../admin/list-params.js';
import type { SetupLinkService } from '../../../admin/setup-links.js';
import type { SetupLinkRecord } from '../../../store/setup-data.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentPage } from './present.js';

export function presentSetupLink(link: SetupLinkRecord, now: Date, url?: string) {
  const status = link.revokedAt ? 'revoked' : link.expiresAt <= now ? 'expired' : 'active';
  return {
    object: 'setup_link',
    id: link.id,
    organization_id: link.organizationId,
    intent: link.intents.length === 2 ? 'both' : link.intents[0],
    ...(url === undefined ? {} : { url }),
    status,
    expires_at: link.expiresAt.toISOString(),
    revoked_at: link.revokedAt?.toISOString() ?? null,
    last_used_at: link.lastUsedAt?.toISOString() ?? null,
    created_at: link.createdAt.toISOString(),
  };
}

export function mountSetupLinks(router: Router, links: SetupLinkService): void {
  router.post('/organizations/:id/setup-links', async (req, res) => {
    const { link, url } = await links.create(adminContext(res), req.params.id, req.body);
    res.status(201).json(presentSetupLink(link, new Date(), url));
  });
  router.get('/organizations/:id/setup-links', async (req, res) => {
    const page = await links.list(adminContext(res), req.params.id, parseListParams(req.query));
    const now = new Date();
    res.json(presentPage(page, (l) => presentSetupLink(l, now)));
  });
  router.get('/setup-links/:id', async (req, res) => {
    res.json(presentSetupLink(await links.get(adminContext(res), req.params.id), new Date()));
  });
  router.delete('/setup-links/:id', async (req, res) => {
    await links.revoke(adminContext(res), req.params.id);
    res.status(204).end();
  });
}
