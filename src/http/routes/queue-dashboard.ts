// The BullMQ queues' dashboard (bull-board) at /admin/queues, for operators. It can retry and
// remove jobs, so it takes a deployment-wide admin key with webhook_endpoints:write, sent as a
// Bearer token or, from a browser, as the password of HTTP Basic auth (any user name).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { ApiKeyService } from '../../admin/api-keys.js';
import { requireScope } from '../../admin/scopes.js';
import { Forbidden, GatewayError, Unauthenticated } from '../../errors.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) || undefined;
}

function operatorOnly(apiKeys: ApiKeyService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const key = presentedKey(req);
      if (!key) throw new Unauthenticated('Sign in with an admin API key (as the password)', { code: 'missing_api_key' });
      const actor = await apiKeys.authenticate(key);
      requireScope(actor.scopes, 'webhook_endpoints:write');
      if (actor.organizationId !== null) throw new Forbidden('The queue dashboard needs a deployment-wide admin key', { code: 'insufficient_scope' });
      next();
    } catch (error) {
      if (error instanceof GatewayError && error.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Gatehouse queues", charset="UTF-8"');
      next(error);
    }
  };
}

export function queueDashboard(queues: Queue[], apiKeys: ApiKeyService): Router {
  const adapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Gatehouse queues' } } });
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, operatorOnly(apiKeys), adapter.getRouter() as Router);
  return router;
}
