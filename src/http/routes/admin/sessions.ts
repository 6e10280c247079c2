import type { Router } from 'express';
import { parseListParams } from '../../../admin/list-params.js';
import type { SessionService } from '../../../admin/sessions.js';
import type { SessionRecord } from '../../../store/records.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentPage } from './present.js';

export function presentSession(s: SessionRecord) {
  return {
    object: 'session',
    id: s.id,
    profile_id: s.profileId,
    organization_id: s.organizationId,
    connection_id: s.connectionId,
    email: s.email,
    signed_in_at: s.signedInAt?.toISOString() ?? null,
    expires_at: s.expiresAt?.toISOString() ?? null,
  };
}

export function mountSessions(router: Router, sessions: SessionService): void {
  router.get('/sessions', async (req, res) => {
    const { limit, after, ...filter } = req.query;
    const page = await sessions.list(adminContext(res), parseListParams({ limit, after }), filter);
    res.json(presentPage(page, presentSession));
  });
  router.delete('/sessions/:id', async (req, res) => {
    await sessions.revoke(adminContext(res), req.params.id);
    res.status(204).end();
  });
  router.post('/sessions/revoke', async (req, res) => {
    res.json({ revoked: await sessions.revokeMatching(adminContext(res), req.body) });
  });
}
