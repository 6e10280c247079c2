// Per-request id and logger, kept on res.locals (per request, never on a shared object). An
// incoming X-Request-Id is honoured when it is short and plain, so ids can be traced across hops.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/** The caller's X-Request-Id when it is short and plain, else a fresh one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}

export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdOf(req.get('x-request-id'));
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ request_id: requestId });
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}

/** One line per request when it ends. The path only: query strings can carry secrets. */
export function requestLog() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      locals(res).log[level](
        { method: req.method, path: req.path, status: res.statusCode, duration_ms: Math.round(ms * 10) / 10, ip: req.ip },
        'request completed',
      );
    });
    next();
  };
}
