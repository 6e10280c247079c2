// Directory sync pages of the setup portal: choose the IdP, create the directory (its token shown
// this once), then its live status.
import type { Response, Router } from 'express';
import type { DirectoryService } from '../../../admin/directories.js';
import type { SetupPortalService } from '../../../admin/setup-portal.js';
import { NotFound } from '../../../errors.js';
import type { IdpPreset, PresetRegistry } from '../../../sso/connector.js';
import { createDirectoryPage, directoryCreatedPage, directoryStatusPage } from '../../views/portal/dsync-pages.js';
import { setupNav } from '../../views/portal/setup-pages.js';
import { chooseIdpPage } from '../../views/portal/sso-pages.js';
import { portalSession } from './session.js';

export interface DsyncPortalDeps {
  portal: SetupPortalService;
  directories: DirectoryService;
  presets: PresetRegistry;
}

/** IdPs that provision custom applications over SCIM, then any other SCIM 2.0 client. */
const DSYNC_CHOICES = ['okta', 'entra', 'onelogin', 'ping', 'jumpcloud', 'generic'];

export function mountDsyncPages(router: Router, deps: DsyncPortalDeps): void {
  const page = (res: Response) => ({ context: 'Directory sync', nav: setupNav(portalSession(res).link) });
  const presetOf = (name: string): IdpPreset => {
    const preset = DSYNC_CHOICES.includes(name) ? deps.presets[name] : undefined;
    if (!preset) throw new NotFound('No such identity provider here');
    return preset;
  };

  router.get('/dsync', async (_req, res) => {
    if (portalSession(res).link.directoryId) return void res.redirect(303, '/setup/dsync/status');
    const choices = DSYNC_CHOICES.map((n) => deps.presets[n]).filter((p): p is IdpPreset => Boolean(p));
    res.type('html').send(chooseIdpPage(choices, '/setup/dsync', 'Set up directory sync', page(res)));
  });

  router.get('/dsync/status', async (_req, res) => {
    const { link, ctx } = portalSession(res);
    const directory = await deps.portal.directoryStatus(ctx, link);
    if (!directory) return void res.redirect(303, '/setup/dsync');
    res.type('html').send(directoryStatusPage(directory, page(res)));
  });

  router.get('/dsync/:preset', async (req, res) => {
    if (portalSession(res).link.directoryId) return void res.redirect(303, '/setup/dsync/status');
    res.type('html').send(createDirectoryPage(presetOf(String(req.params.preset)), page(res)));
  });

  router.post('/dsync/:preset', async (req, res) => {
    const preset = presetOf(String(req.params.preset));
    const { link, ctx } = portalSession(res);
    const issued = await deps.portal.createDirectory(ctx, link, preset.name);
    res.status(201).type('html').send(directoryCreatedPage(preset, deps.directories.scimBaseUrl(issued.directory.id), issued.bearerToken, page(res)));
  });
}
