// Single sign-on pages of the setup portal. Forms post back here; a refused input re-renders the
// form with the problem next to its field, in the words the check used.
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { SetupPortalService, SsoDetails } from '../../../admin/setup-portal.js';
import { GatewayError, InvalidRequest, NotFound } from '../../../errors.js';
import type { LoginBroker } from '../../../sso/broker.js';
import { OIDC_CALLBACK_PATH } from '../../../sso/broker.js';
import type { IdpPreset, PresetRegistry } from '../../../sso/connector.js';
import type { Store } from '../../../store/store.js';
import { autoPostPage } from '../../views/sso-pages.js';
import { chooseIdpPage, configurePage, testPage, testResultPage, type FieldErrors } from '../../views/portal/sso-pages.js';
import { setupNav } from '../../views/portal/setup-pages.js';
import { portalSession } from './session.js';

export interface SsoPortalDeps {
  portal: SetupPortalService;
  presets: PresetRegistry;
  broker: LoginBroker;
  store: Store;
  publicUrl: string;
}

const METADATA_LIMIT = 1024 * 1024;
const multipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: METADATA_LIMIT, files: 1, fields: 8, fieldSize: METADATA_LIMIT, parts: 10 } }).single('metadata_file');

/** A form over the limits is the admin's mistake, said as one (not a 500). */
function upload(req: Request, res: Response, next: (error?: unknown) => void): void {
  multipart(req, res, (error?: unknown) => {
    if (error instanceof multer.MulterError) {
      const message = error.code === 'LIMIT_FILE_SIZE' || error.code === 'LIMIT_FIELD_VALUE' ? 'The metadata is larger than 1 MiB.' : 'The form could not be read; submit it again.';
      return next(new InvalidRequest(message, { code: 'form_invalid', status: error.code === 'LIMIT_FILE_SIZE' ? 413 : 400 }));
    }
    next(error);
  });
}

/** The IdP choices, in the order admins look for them. */
export const SSO_CHOICES = ['okta', 'entra', 'google', 'adfs', 'onelogin', 'ping', 'jumpcloud', 'generic', 'generic_oidc'];

const FIELD_OF_ISSUE: Record<string, string> = {
  'config.idp_metadata_xml': 'metadata_xml',
  'config.idp_metadata_url': 'metadata_url',
  'config.issuer': 'issuer',
  'config.client_id': 'client_id',
  'config.client_secret': 'client_secret',
};

function fieldErrors(error: InvalidRequest, fromFile: boolean): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = FIELD_OF_ISSUE[issue.path] ?? FIELD_OF_ISSUE[issue.path.split('.').slice(0, 2).join('.')];
    if (!field) continue;
    const name = field === 'metadata_xml' && fromFile ? 'metadata_file' : field;
    errors[name] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
  return errors;
}

export function mountSsoPages(router: Router, deps: SsoPortalDeps): void {
  const page = (res: Response) => ({ context: 'Single sign-on', nav: setupNav(portalSession(res).link) });
  const presetOf = (name: string): IdpPreset => {
    const preset = SSO_CHOICES.includes(name) ? deps.presets[name] : undefined;
    if (!preset?.guide) throw new NotFound('No such identity provider here');
    return preset;
  };
  const guideValues = (res: Response, preset: IdpPreset) => {
    const base = `${deps.publicUrl}/saml/${encodeURIComponent(portalSession(res).link.connectionId)}`;
    const attrs = Object.fromEntries(Object.entries(preset.attributeMapping).map(([k, v]) => [`attr.${k}`, v]));
    return { acs_url: `${base}/acs`, sp_entity_id: base, sp_metadata_url: `${base}/metadata`, oidc_redirect_uri: `${deps.publicUrl}${OIDC_CALLBACK_PATH}`, ...attrs };
  };
  const render = (res: Response, preset: IdpPreset, errors: FieldErrors = {}, form: Record<string, string> = {}, formError?: string) =>
    res.status(Object.keys(errors).length || formError ? 400 : 200).type('html').send(configurePage({ preset, values: guideValues(res, preset), errors, form, formError, page: page(res) }));

  router.get('/sso', async (_req, res) => {
    const choices = SSO_CHOICES.map((n) => deps.presets[n]).filter((p): p is IdpPreset => Boolean(p?.guide));
    res.type('html').send(chooseIdpPage(choices, '/setup/sso', 'Set up single sign-on', page(res)));
  });

  router.get('/sso/test', async (_req, res) => {
    const connection = await deps.portal.connectionOf(portalSession(res).link);
    if (!connection) return void res.redirect(303, '/setup/sso');
    res.type('html').send(testPage(connection, await deps.store.connectionTests.latest(connection.id), page(res)));
  });

  router.post('/sso/test', async (_req, res) => {
    const { link } = portalSession(res);
    const connection = await deps.portal.connectionOf(link);
    if (!connection) return void res.redirect(303, '/setup/sso');
    const redirect = await deps.broker.startTest(connection, link.id);
    if (redirect.kind === 'redirect') return void res.redirect(303, redirect.url);
    res.type('html').send(autoPostPage(redirect.url, redirect.fields, res.locals.cspNonce as string | undefined));
  });

  router.post('/sso/activate', express.urlencoded({ extended: false, limit: '4kb' }), async (req: Request, res: Response) => {
    const { link, ctx } = portalSession(res);
    try {
      await deps.portal.activate(ctx, link, (req.body as Record<string, unknown>).override === 'yes');
      res.redirect(303, '/setup/sso/test');
    } catch (error) {
      if (!(error instanceof GatewayError) || error.status !== 409) throw error;
      const connection = (await deps.portal.connectionOf(link))!;
      res.status(409).type('html').send(testPage(connection, await deps.store.connectionTests.latest(connection.id), page(res), error.message));
    }
  });

  router.get('/tests/:testId', async (req, res) => {
    const test = await deps.store.connectionTests.get(String(req.params.testId));
    if (test.connectionId !== portalSession(res).link.connectionId) throw new NotFound('No such test here');
    res.type('html').send(testResultPage(test, page(res)));
  });

  router.get('/sso/:preset', async (req, res) => render(res, presetOf(String(req.params.preset))));

  router.post('/sso/:preset', upload, async (req: Request, res: Response) => {
    const preset = presetOf(String(req.params.preset));
    const body = (req.body ?? {}) as Record<string, string>;
    const file = req.file?.buffer.toString('utf8');
    const details: SsoDetails = { ...body, metadata_xml: file && file.trim() ? file : body.metadata_xml };
    try {
      await deps.portal.saveSso(portalSession(res).ctx, portalSession(res).link, preset.name, details);
      res.redirect(303, '/setup/sso/test');
    } catch (error) {
      if (!(error instanceof InvalidRequest)) throw error;
      const errors = fieldErrors(error, Boolean(file));
      render(res, preset, errors, { metadata_url: body.metadata_url ?? '', metadata_xml: body.metadata_xml ?? '', issuer: body.issuer ?? '', client_id: body.client_id ?? '' }, Object.keys(errors).length ? undefined : error.message);
    }
  });
}
