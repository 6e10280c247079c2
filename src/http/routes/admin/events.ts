// The events feed. Each event is the exact JSON a webhook receiver gets for it, so one consumer
// can handle both; `list_metadata.after` is always a cursor to resume (or poll) from.
import type { Router } from 'express';
import type { EventFeedService } from '../../../admin/events.js';
import { adminContext } from '../../middleware/admin-auth.js';

export function mountEvents(router: Router, events: EventFeedService): void {
  router.get('/events', async (req, res) => {
    const page = await events.list(adminContext(res), req.query);
    res.json({ object: 'list', data: page.data, list_metadata: { after: page.after, has_more: page.hasMore } });
  });
}
