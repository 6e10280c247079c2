// The setup portal's session: the link's token travels once in the URL, is swapped for an
// HttpOnly cookie scoped to /setup (so it leaves the address bar, history and Referer), and every
// portal request re-checks it (a revoked or expired link stops working at once).
import type { NextFunction, Request, Response } from 'express';
import { setupLinkContext, SETUP_PATH, type SetupLinkService } from '../../../admin/setup-links.js';
import type { AdminContext } from '../../../admin/context.js';
import { auditEntry } from '../../../admin/audit.js';
import { GatewayError } from '../../../errors.js';
import type { SetupLinkRecord } from '../../../store/setup-data.js';
import type { Store } from '../../../store/store.js';
import { readCookie } from '../../middleware/cookies.js';
import { locals } from '../../middleware/request-context.js';
import { linkProblemPage } from '../../views/portal/setup-pages.js';

export const SETUP_COOKIE = 'gatehouse_setup';

export interface PortalSession {
  link: SetupLinkRecord;
  ctx: AdminContext;
}

export function portalSession(res: Response): PortalSession {
  const session = res.locals.setup as PortalSession | undefined;
  if (!session) throw new TypeError('requireSession must run first');
  return session;
}

function context(req: Request, res: Response, link: SetupLinkRecord): AdminContext {
  return setupLinkContext(link, { requestId: locals(res).requestId, ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 512) ?? null });
}

function problem(res: Response, error: unknown): void {
  if (!(error instanceof GatewayError) || (error.status !== 404 && error.status !== 410)) throw error;
  const title = error.status === 410 ? (error.code === 'setup_link_revoked' ? 'This setup link was revoked' : 'This setup link has expired') : 'This setup link is not valid';
  res.status(error.status).type('html').send(linkProblemPage(title, error.message));
}

/** GET /setup/<token>: opens the link (audited), sets the cookie, and leaves the token behind. */
export function openLink(links: SetupLinkService, store: Store, secure: boolean) {
  return async (req: Request, res: Response): Promise<void> => {
    const token = String(req.params.token);
    let link: SetupLinkRecord;
    try {
      link = await links.open(token);
    } catch (error) {
      return problem(res, error);
    }
    const now = new Date();
    await store.setupLinks.touch(link.id, now);
    await store.auditLogs.append(auditEntry(context(req, res, link), { action: 'setup_link.opened', targetType: 'setup_link', targetId: link.id, organizationId: link.organizationId }, 'success', {}));
    const maxAge = Math.max(0, Math.floor((link.expiresAt.getTime() - now.getTime()) / 1000));
    res.setHeader('Set-Cookie', `${SETUP_COOKIE}=${token}; Path=${SETUP_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
    res.redirect(303, SETUP_PATH);
  };
}

export function requireSession(links: SetupLinkService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = readCookie(req, SETUP_COOKIE);
    if (!token) {
      res.status(401).type('html').send(linkProblemPage('Open your setup link', 'This page needs the setup link you were sent. Open that link again (in this browser).'));
      return;
    }
    try {
      const link = await links.open(token);
      res.locals.setup = { link, ctx: context(req, res, link) } satisfies PortalSession;
    } catch (error) {
      return problem(res, error);
    }
    next();
  };
}
