// Machine clients at volume (SCIM) are served on plain node:http, ahead of express: express's
// router, its prototype swaps, helmet's per-response CSP nonce and a logger child per request
// cost more CPU than a SCIM lookup itself. A lane keeps what matters of that stack: a request id,
// the security headers of a JSON API, one log line and the request metrics per request.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Logger } from '../logger.js';
import type { HttpMetrics } from './middleware/metrics.js';
import { requestIdOf } from './middleware/request-context.js';

export interface LaneOptions {
  logger: Logger;
  metrics: Pick<HttpMetrics, 'observe'>;
  trustProxy: boolean;
  /** Strict-Transport-Security is sent only when the public URL is https. */
  https: boolean;
}

/** One request on a lane: plain node objects plus what the express stack would have added. */
export interface LaneExchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The client's address (X-Forwarded-For honoured only behind a trusted proxy, as express does). */
  ip: string | null;
  /** A logger bound to this request, created on first use. */
  readonly log: Logger;
  /** The route pattern for metrics (never the raw path: ids would explode cardinality). */
  route: string;
  /** The one way a lane answers: status, headers and an optional body, written in one go. */
  reply(status: number, headers: OutgoingHttpHeaders, body?: string): void;
}

/** `T`: what the dispatcher already read off the request (e.g. the parsed path), handed on. */
export type LaneHandler<T> = (exchange: LaneExchange, target: T) => Promise<void>;

/** What helmet sends that matters for JSON, fixed once: nothing here varies per response. */
function staticHeaders(https: boolean): OutgoingHttpHeaders {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function lane<T>(options: LaneOptions, handler: LaneHandler<T>) {
  const fixed = staticHeaders(options.https);
  const trust = () => options.trustProxy;
  return (req: IncomingMessage, res: ServerResponse, target: T): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers['x-request-id']);
    let log: Logger | undefined;
    const exchange: LaneExchange = {
      req,
      res,
      requestId,
      ip: (options.trustProxy ? proxyaddr(req, trust) : req.socket.remoteAddress) ?? null,
      get log() {
        return (log ??= options.logger.child({ request_id: requestId }));
      },
      route: 'unmatched',
      reply(status, headers, body) {
        const length = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
        res.writeHead(status, { ...fixed, 'x-request-id': requestId, ...headers, ...length });
        res.end(body);
      },
    };
    // 'close' comes after 'finish', and also when the client went away before the answer was sent.
    res.once('close', () => finished(options, exchange, started));
    handler(exchange, target).catch((error: unknown) => {
      // Handlers answer their own errors; this is the last resort (a bug), logged with its stack.
      exchange.log.error({ err: error }, 'request failed');
      if (res.headersSent) return void res.end();
      exchange.reply(500, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: 'internal_error', request_id: requestId } }));
    });
  };
}

function finished(options: LaneOptions, x: LaneExchange, started: bigint): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const status = x.res.statusCode;
  options.metrics.observe(x.req.method ?? 'GET', x.route, status, seconds);
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!options.logger.isLevelEnabled(level)) return;
  // The path only: query strings can carry secrets (and SCIM filters personal data).
  const path = (x.req.url ?? '').split('?', 1)[0];
  options.logger[level]({ request_id: x.requestId, method: x.req.method, path, status, duration_ms: Math.round(seconds * 1e4) / 10, ip: x.ip }, 'request completed');
}
