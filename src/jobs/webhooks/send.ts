// One HTTP attempt: the exact bytes signed are the bytes sent; the response body is read only up
// to a small cap (enough to reuse the connection, never enough for a receiver to exhaust memory).
import type { GuardedFetch } from '../../outbound/guarded-fetch.js';
import { signedHeaders } from '../../webhooks/signing.js';

const RESPONSE_READ_LIMIT = 16 * 1024;
const ERROR_TEXT_LIMIT = 500;

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  /** Why there is no 2xx: a network error, or the start of the receiver's answer. */
  error: string | null;
}

async function drain(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_READ_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, ERROR_TEXT_LIMIT));
}

export async function sendSigned(fetch: GuardedFetch, url: string, messageId: string, body: string, secrets: string[], at: Date): Promise<SendResult> {
  const headers = { 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1', ...signedHeaders(messageId, at, body, secrets) };
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await drain(response);
    const ok = response.status >= 200 && response.status < 300;
    return { statusCode: response.status, latencyMs: performance.now() - started, error: ok ? null : `HTTP ${response.status}${text ? `: ${text}` : ''}`.slice(0, ERROR_TEXT_LIMIT) };
  } catch (error) {
    return { statusCode: null, latencyMs: performance.now() - started, error: (error instanceof Error ? error.message : String(error)).slice(0, ERROR_TEXT_LIMIT) };
  }
}
