// The edge where errors become responses: admin JSON under /api, an HTML page for everything a
// browser sees. Clients get the public message; detail, cause and stack go to the log only.
import type { NextFunction, Request, Response } from 'express';
import { GatewayError, InvalidRequest, NotFound } from '../../errors.js';
import { errorPage } from '../views/error-page.js';
import { locals } from './request-context.js';

/** body-parser signals its failures with `type`; they are the client's fault, not ours. */
function fromBodyParser(error: { type?: unknown; status?: unknown; limit?: unknown }): GatewayError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new InvalidRequest(`Request body exceeds the ${String(error.limit)} byte limit`, { status: 413, code: 'payload_too_large' });
    case 'entity.parse.failed':
      return new InvalidRequest('Request body is not valid JSON', { code: 'malformed_json' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new InvalidRequest('Unsupported request encoding or charset', { status: 415, code: 'unsupported_media_type' });
    case 'request.aborted':
    case 'request.size.invalid':
      return new InvalidRequest('Request body was incomplete', { code: 'incomplete_body' });
    default:
      return undefined;
  }
}

export function toGatewayError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  if (error && typeof error === 'object' && 'type' in error) return fromBodyParser(error as { type?: unknown });
  return undefined;
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound(`No route for ${req.method} ${req.path}`, { code: 'route_not_found' }));
}

export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const { requestId, log } = locals(res);
  const known = toGatewayError(error);
  const status = known?.status ?? 500;
  const exposed = known?.expose === true;
  const message = exposed ? known.message : 'An internal error occurred';
  const code = known && exposed ? known.code : 'internal_error';
  if (status >= 500) log.error({ err: error, code: known?.code, detail: known?.detail }, 'request failed');
  else log.info({ code, detail: known?.detail, err: known?.cause }, 'request refused');
  if (res.headersSent) return void res.end();
  // A route may have named another scheme (the queue dashboard asks browsers for Basic).
  if (status === 401 && !res.hasHeader('WWW-Authenticate')) res.setHeader('WWW-Authenticate', 'Bearer');
  if (req.path.startsWith('/api/')) {
    const issues = known instanceof InvalidRequest && known.issues.length > 0 ? { issues: known.issues } : {};
    res.status(status).json({ error: { code, message, request_id: requestId, ...issues } });
    return;
  }
  res.status(status).type('html').send(errorPage(status, message, requestId));
}
