// One HTTP attempt: the exact bytes signed are the bytes sent. Whatever goes wrong (refused
// address, timeout, reset, non-2xx) becomes the attempt's recorded error, never an exception.
import type { GuardedPost } from '../../outbound/guarded-post.js';
import { signedHeaders } from '../../webhooks/signing.js';

const ERROR_TEXT_LIMIT = 500;

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  /** Why there is no 2xx: a network error, or the start of the receiver's answer. */
  error: string | null;
}

export async function sendSigned(post: GuardedPost, url: string, messageId: string, body: string, secrets: string[], at: Date): Promise<SendResult> {
  const headers = { 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1', ...signedHeaders(messageId, at, body, secrets) };
  const started = performance.now();
  try {
    const answer = await post(url, headers, body);
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    const error = ok ? null : `HTTP ${answer.statusCode}${answer.text ? `: ${answer.text}` : ''}`.slice(0, ERROR_TEXT_LIMIT);
    return { statusCode: answer.statusCode, latencyMs: performance.now() - started, error };
  } catch (error) {
    return { statusCode: null, latencyMs: performance.now() - started, error: (error instanceof Error ? error.message : String(error)).slice(0, ERROR_TEXT_LIMIT) };
  }
}
