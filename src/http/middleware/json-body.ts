// JSON bodies for the admin API: size-capped and only as application/json. A write that carries a
// body of another type is refused (415) instead of being silently read as empty.
import express, { type NextFunction, type Request, type Response } from 'express';
import { InvalidRequest } from '../../errors.js';
import { hasBody } from '../lane-body.js';

export function jsonBody(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
      next(new InvalidRequest('Content-Type must be application/json', { status: 415, code: 'unsupported_media_type' }));
      return;
    }
    parse(req, res, next);
  };
}
