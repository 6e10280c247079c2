// The BullMQ queues' dashboard (bull-board) at /admin/queues, for operators. It can retry and
// remove jobs, so it takes a deployment-wide admin key with webhook_endpoints:write, sent as a
// Bearer token or, from a browser, as the password of HTTP Basic auth (any user name).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import type { ApiKeyService } from '../../admin/api-keys.js';
import { operatorAuth } from '../middleware/operator-auth.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export function queueDashboard(queues: Queue[], apiKeys: ApiKeyService): Router {
  const adapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Gatehouse queues' } } });
  const router = Router();
  const auth = operatorAuth(apiKeys, { realm: 'Gatehouse queues', what: 'The queue dashboard', scopes: ['webhook_endpoints:write'] });
  router.use(QUEUE_DASHBOARD_PATH, auth, adapter.getRouter() as Router);
  return router;
}
