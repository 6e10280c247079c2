// The setup portal at /setup: a customer's IT admin opens the link they were sent and configures
// single sign-on and/or directory sync for their organization, within what the link allows.
import { Router, type Response } from 'express';
import type { DirectoryService } from '../../../admin/directories.js';
import { SETUP_PATH, type SetupLinkService } from '../../../admin/setup-links.js';
import type { SetupPortalService } from '../../../admin/setup-portal.js';
import { Forbidden } from '../../../errors.js';
import type { LoginBroker } from '../../../sso/broker.js';
import type { PresetRegistry } from '../../../sso/connector.js';
import type { Store } from '../../../store/store.js';
import { homePage } from '../../views/portal/setup-pages.js';
import { mountDsyncPages } from './dsync.js';
import { openLink, portalSession, requireSession } from './session.js';
import { mountSsoPages } from './sso.js';

export interface SetupPortalDeps {
  links: SetupLinkService;
  portal: SetupPortalService;
  directories: DirectoryService;
  presets: PresetRegistry;
  broker: LoginBroker;
  store: Store;
  publicUrl: string;
}

/** A link for directory sync only does not open the SSO pages, and the other way round. */
const requireIntent = (intent: 'sso' | 'dsync') => (_req: unknown, res: Response, next: () => void) => {
  if (!portalSession(res).link.intents.includes(intent)) throw new Forbidden('This setup link does not cover this part of the set-up.', { code: 'setup_intent_missing' });
  next();
};

export function setupPortalRoutes(deps: SetupPortalDeps): Router {
  const portal = Router();
  portal.use(requireSession(deps.links));
  portal.get('/', async (_req, res) => {
    const { link } = portalSession(res);
    const org = await deps.store.organizations.get(link.organizationId);
    const connection = await deps.portal.connectionOf(link);
    const directory = link.directoryId ? await deps.store.directories.get(link.directoryId).catch(() => undefined) : undefined;
    res.type('html').send(homePage(org, link, { connection, directory }));
  });
  portal.use(['/sso', '/tests'], requireIntent('sso'));
  portal.use('/dsync', requireIntent('dsync'));
  mountSsoPages(portal, deps);
  mountDsyncPages(portal, deps);

  const router = Router();
  // The token route first: a token never collides with a page name (ghl_ prefix).
  router.get(`${SETUP_PATH}/:token`, (req, res, next) => (String(req.params.token).startsWith('ghl_') ? openLink(deps.links, deps.store, deps.publicUrl.startsWith('https:'))(req, res) : next()));
  router.use(SETUP_PATH, portal);
  return router;
}
