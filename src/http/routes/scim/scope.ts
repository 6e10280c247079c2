import type { Response } from 'express';
import type { ScimRequestScope } from '../../../scim/users.js';

/** Set by the SCIM router's authentication step, per request (res.locals, never shared state). */
export function scopeOf(res: Response): ScimRequestScope {
  return res.locals.scim as ScimRequestScope;
}
