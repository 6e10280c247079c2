// The operator console at /console: read-only pages for the product's own staff, in the setup
// portal's look. A deployment-wide admin key signs in (Bearer, or the password of HTTP Basic from a
// browser); each page needs its resource's :read scope and otherwise answers with a 403 page. The
// pages read through the admin services, so the console sees exactly what the admin API would.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AdminContext } from '../../admin/context.js';
import { MAX_LIMIT, parseListParams } from '../../admin/list-params.js';
import { hasScope, requireScope } from '../../admin/scopes.js';
import { InvalidRequest, NotFound } from '../../errors.js';
import type { Page } from '../../store/records.js';
import { isWellFormedId } from '../../store/ids.js';
import { adminContext } from '../middleware/admin-auth.js';
import { toGatewayError } from '../middleware/errors.js';
import { operatorAuth } from '../middleware/operator-auth.js';
import { locals } from '../middleware/request-context.js';
import { auditPage } from '../views/console/audit.js';
import { consoleErrorPage, type Section } from '../views/console/layout.js';
import { organizationPage, organizationsPage, type OrganizationDetail } from '../views/console/organizations.js';
import { overviewPage, type Overview, type Scoped } from '../views/console/overview.js';
import { webhookPage, webhooksPage } from '../views/console/webhooks.js';
import type { AdminServices } from './admin/index.js';

export const CONSOLE_PATH = '/console';
/** An organization page shows this many connections, directories and setup links each. */
const SECTION_LIMIT = 50;
const AUDIT_PAGE_SIZE = 50;
const RECENT_DELIVERIES = 20;

async function ifScope<T>(ctx: AdminContext, scope: string, load: () => Promise<T>): Promise<Scoped<T>> {
  return hasScope(ctx.actor.scopes, scope) ? load() : { missingScope: scope };
}

const asSection = <T>(page: Page<T>): Section<T> => ({ items: page.data, more: page.after !== null });

async function loadOverview(s: AdminServices, ctx: AdminContext): Promise<Overview> {
  const all = { limit: MAX_LIMIT };
  const [organizations, webhooks, recentAudit] = await Promise.all([
    ifScope(ctx, 'organizations:read', async () => {
      const page = await s.organizations.list(ctx, all);
      return { n: page.data.length, more: page.after !== null };
    }),
    ifScope(ctx, 'webhook_endpoints:read', async () => {
      const page = await s.webhookEndpoints.list(ctx, all);
      const total = { n: page.data.length, more: page.after !== null };
      return { total, disabled: page.data.filter((e) => !e.enabled).length, failing: page.data.filter((e) => e.enabled && e.failingSince).length };
    }),
    ifScope(ctx, 'audit_logs:read', async () => ({ items: (await s.auditLogs.list(ctx, { limit: 5, newestFirst: true })).data, more: false })),
  ]);
  return { organizations, webhooks, recentAudit };
}

async function loadOrganization(s: AdminServices, ctx: AdminContext, id: string): Promise<OrganizationDetail> {
  requireScope(ctx.actor.scopes, 'organizations:read');
  const organization = await s.organizations.get(ctx, id);
  const first = { limit: SECTION_LIMIT };
  const withCounts = async () => {
    const page = await s.directories.list(ctx, id, first);
    return { ...page, data: await Promise.all(page.data.map((d) => s.directories.get(ctx, d.id))) };
  };
  const [connections, directories, setupLinks] = await Promise.all([
    ifScope(ctx, 'connections:read', async () => asSection(await s.connections.list(ctx, id, first))),
    ifScope(ctx, 'directories:read', async () => asSection(await withCounts())),
    ifScope(ctx, 'setup_links:read', async () => asSection(await s.setupLinks.list(ctx, id, first))),
  ]);
  return { organization, connections, directories, setupLinks, now: new Date() };
}

/** An optional single id in the query string. */
function idParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !isWellFormedId(value)) throw new InvalidRequest(`${name} must be an id`, { code: 'validation_failed' });
  return value;
}

const send = (res: Response, page: string) => void res.type('html').send(page);

/** Refusals and missing pages as console pages; server errors go on to the app's error handler. */
function consoleErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const known = toGatewayError(error);
  if (!known || !known.expose || res.headersSent) return next(error);
  const { requestId, log } = locals(res);
  log.info({ code: known.code, detail: known.detail }, 'request refused');
  res.status(known.status).type('html').send(consoleErrorPage(known.status, known.message, requestId, res.locals.admin !== undefined));
}

function mountPages(pages: Router, s: AdminServices): void {
  pages.get('/', async (_req, res) => send(res, overviewPage(await loadOverview(s, adminContext(res)))));
  pages.get('/organizations', async (req, res) => {
    const ctx = adminContext(res);
    requireScope(ctx.actor.scopes, 'organizations:read');
    send(res, organizationsPage(await s.organizations.list(ctx, parseListParams(req.query))));
  });
  pages.get('/organizations/:id', async (req, res) => send(res, organizationPage(await loadOrganization(s, adminContext(res), req.params.id))));
  pages.get('/webhooks', async (req, res) => {
    const ctx = adminContext(res);
    requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
    send(res, webhooksPage(await s.webhookEndpoints.list(ctx, parseListParams(req.query))));
  });
  pages.get('/webhooks/:id', async (req, res) => {
    const ctx = adminContext(res);
    requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
    const endpoint = await s.webhookEndpoints.get(ctx, req.params.id);
    const deliveries = await s.webhookEndpoints.listDeliveries(ctx, endpoint.id, { limit: RECENT_DELIVERIES }, {});
    send(res, webhookPage(endpoint, deliveries.data));
  });
  pages.get('/audit-logs', async (req, res) => {
    const ctx = adminContext(res);
    requireScope(ctx.actor.scopes, 'audit_logs:read');
    const organizationId = idParam(req.query.organization_id, 'organization_id');
    const page = await s.auditLogs.list(ctx, { limit: AUDIT_PAGE_SIZE, after: idParam(req.query.before, 'before'), organizationId, newestFirst: true });
    send(res, auditPage(page.data, page.after, organizationId));
  });
}

export function consoleRoutes(services: AdminServices): Router {
  const pages = Router();
  pages.use(operatorAuth(services.apiKeys, { realm: 'Gatehouse console', what: 'The operator console' }));
  mountPages(pages, services);
  pages.use((_req, _res, next) => next(new NotFound('There is no console page at this address', { code: 'route_not_found' })));
  pages.use(consoleErrors);
  const router = Router();
  router.use(CONSOLE_PATH, pages);
  return router;
}
