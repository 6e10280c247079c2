// JSON request bodies on a lane, with body-parser's strict rules and errors (the admin API's
// jsonBody says the same things): a declared or streamed size over the limit is a 413 before
// anything is parsed, only UTF-8, only an object or array at the top, no compressed bodies.
import type { IncomingMessage } from 'node:http';
import { InvalidRequest } from '../errors.js';
import { header } from './lane.js';

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const tooLarge = (limit: number) => new InvalidRequest(`Request body exceeds the ${limit} byte limit`, { status: 413, code: 'payload_too_large' });
const unsupported = () => new InvalidRequest('Unsupported request encoding or charset', { status: 415, code: 'unsupported_media_type' });

function checkEncoding(req: IncomingMessage): void {
  const encoding = (header(req.headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw unsupported();
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(header(req.headers, 'content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw unsupported();
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      req.off('data', onData);
      // Stop reading: the refusal is sent with Connection: close, so nothing more is wanted.
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(tooLarge(limit));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('aborted', () => fail(new InvalidRequest('Request body was incomplete', { code: 'incomplete_body' })));
    req.once('error', () => fail(new InvalidRequest('Request body was incomplete', { code: 'incomplete_body' })));
  });
}

/** The parsed body, or undefined when the request carries none. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  checkEncoding(req);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.pause();
    throw tooLarge(limit);
  }
  const text = (await readAll(req, limit)).toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw new InvalidRequest('Request body is not valid JSON', { code: 'malformed_json' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequest('Request body is not valid JSON', { code: 'malformed_json', cause: error });
  }
}
