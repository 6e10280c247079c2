// /api/v1: authenticated, JSON in and out. Each route parses, calls one admin service, presents.
import { Router } from 'express';
import type { ApiKeyService } from '../../../admin/api-keys.js';
import type { ApplicationService } from '../../../admin/applications.js';
import type { ConnectionService } from '../../../admin/connections.js';
import type { DirectoryService } from '../../../admin/directories.js';
import type { EventFeedService } from '../../../admin/events.js';
import type { WebhookEndpointService } from '../../../admin/webhook-endpoints.js';
import type { SessionService } from '../../../admin/sessions.js';
import type { AuditLogService } from '../../../admin/audit-logs.js';
import { parseListParams } from '../../../admin/list-params.js';
import type { OrganizationService } from '../../../admin/organizations.js';
import { InvalidRequest } from '../../../errors.js';
import { adminAuth, adminContext } from '../../middleware/admin-auth.js';
import { jsonBody } from '../../middleware/json-body.js';
import { mountApplications } from './applications.js';
import { mountConnections } from './connections.js';
import { mountDirectories } from './directories.js';
import { mountEvents } from './events.js';
import { mountWebhookEndpoints } from './webhook-endpoints.js';
import { mountSessions } from './sessions.js';
import { mountSetupLinks } from './setup-links.js';
import type { SetupLinkService } from '../../../admin/setup-links.js';
import { presentApiKey, presentAuditLog, presentOrganization, presentPage } from './present.js';

export interface AdminServices {
  organizations: OrganizationService;
  apiKeys: ApiKeyService;
  auditLogs: AuditLogService;
  applications: ApplicationService;
  connections: ConnectionService;
  sessions: SessionService;
  directories: DirectoryService;
  webhookEndpoints: WebhookEndpointService;
  events: EventFeedService;
  setupLinks: SetupLinkService;
}

export function adminRoutes(services: AdminServices, bodyLimitBytes: number): Router {
  const router = Router();
  router.use(adminAuth(services.apiKeys), jsonBody(bodyLimitBytes));
  mountOrganizations(router, services.organizations);
  mountApiKeys(router, services.apiKeys);
  mountApplications(router, services.applications);
  mountConnections(router, services.connections);
  mountSessions(router, services.sessions);
  mountDirectories(router, services.directories);
  mountSetupLinks(router, services.setupLinks);
  mountWebhookEndpoints(router, services.webhookEndpoints);
  mountEvents(router, services.events);
  router.get('/audit-logs', async (req, res) => {
    const organizationId = optionalString(req.query.organization_id, 'organization_id');
    const page = await services.auditLogs.list(adminContext(res), { ...parseListParams(req.query), organizationId });
    res.json(presentPage(page, presentAuditLog));
  });
  return router;
}

function mountOrganizations(router: Router, organizations: OrganizationService): void {
  router.post('/organizations', async (req, res) => {
    res.status(201).json(presentOrganization(await organizations.create(adminContext(res), req.body)));
  });
  router.get('/organizations', async (req, res) => {
    res.json(presentPage(await organizations.list(adminContext(res), parseListParams(req.query)), presentOrganization));
  });
  router.get('/organizations/:id', async (req, res) => {
    res.json(presentOrganization(await organizations.get(adminContext(res), req.params.id)));
  });
  router.patch('/organizations/:id', async (req, res) => {
    res.json(presentOrganization(await organizations.update(adminContext(res), req.params.id, req.body)));
  });
  router.delete('/organizations/:id', async (req, res) => {
    await organizations.delete(adminContext(res), req.params.id);
    res.status(204).end();
  });
}

function mountApiKeys(router: Router, apiKeys: ApiKeyService): void {
  router.post('/api-keys', async (req, res) => {
    const { record, secret } = await apiKeys.create(adminContext(res), req.body);
    res.status(201).json({ ...presentApiKey(record), secret });
  });
  router.get('/api-keys', async (req, res) => {
    res.json(presentPage(await apiKeys.list(adminContext(res), parseListParams(req.query)), presentApiKey));
  });
  router.get('/api-keys/:id', async (req, res) => {
    res.json(presentApiKey(await apiKeys.get(adminContext(res), req.params.id)));
  });
  router.post('/api-keys/:id/revoke', async (req, res) => {
    res.json(presentApiKey(await apiKeys.revoke(adminContext(res), req.params.id)));
  });
  router.delete('/api-keys/:id', async (req, res) => {
    await apiKeys.revoke(adminContext(res), req.params.id);
    res.status(204).end();
  });
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 64) throw new InvalidRequest(`${name} must be a single id`);
  return value;
}
