// Operator-only pages (the queue dashboard, the operator console): an admin key sent as a Bearer
// token or, from a browser, as the password of HTTP Basic auth (any user name). Only a
// deployment-wide key passes; the acting AdminContext lands on res.locals as adminAuth puts it.
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyService } from '../../admin/api-keys.js';
import type { AdminContext } from '../../admin/context.js';
import { requireScope } from '../../admin/scopes.js';
import { Forbidden, GatewayError, Unauthenticated } from '../../errors.js';
import { locals } from './request-context.js';

export interface OperatorAuthOptions {
  /** The Basic realm a browser names in its sign-in prompt (plain text, no quotes). */
  realm: string;
  /** What the refusal of an organization-scoped key names: "The queue dashboard". */
  what: string;
  /** Scopes every request needs (the console checks its pages' scopes one by one instead). */
  scopes?: readonly string[];
}

/** The key from `Authorization: Bearer <key>` or `Basic base64(<anything>:<key>)`. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) || undefined;
}

export function operatorAuth(apiKeys: ApiKeyService, options: OperatorAuthOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const key = presentedKey(req);
      if (!key) throw new Unauthenticated('Sign in with an admin API key (as the password)', { code: 'missing_api_key' });
      const actor = await apiKeys.authenticate(key);
      for (const scope of options.scopes ?? []) requireScope(actor.scopes, scope);
      if (actor.organizationId !== null) throw new Forbidden(`${options.what} needs a deployment-wide admin key`, { code: 'insufficient_scope' });
      const ctx: AdminContext = { actor, requestId: locals(res).requestId, ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 512) ?? null };
      res.locals.admin = ctx;
      next();
    } catch (error) {
      // A browser prompts for credentials only when asked for Basic (the error handler keeps this).
      if (error instanceof GatewayError && error.status === 401) res.setHeader('WWW-Authenticate', `Basic realm="${options.realm}", charset="UTF-8"`);
      next(error);
    }
  };
}
