// `Authorization: Bearer <admin key>` -> the acting AdminContext on res.locals.
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyService } from '../../admin/api-keys.js';
import type { AdminContext } from '../../admin/context.js';
import { Unauthenticated } from '../../errors.js';
import { locals } from './request-context.js';

export function adminAuth(apiKeys: ApiKeyService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      next(new Unauthenticated('Send an admin API key as "Authorization: Bearer gha_..."', { code: 'missing_api_key' }));
      return;
    }
    const actor = await apiKeys.authenticate(match[1]);
    const ctx: AdminContext = {
      actor,
      requestId: locals(res).requestId,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, 512) ?? null,
    };
    res.locals.admin = ctx;
    next();
  };
}

export function adminContext(res: Response): AdminContext {
  const ctx = res.locals.admin as AdminContext | undefined;
  if (!ctx) throw new TypeError('adminAuth must run before admin routes');
  return ctx;
}
