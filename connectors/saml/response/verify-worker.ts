// One verifier thread: receives plain VerifyInput, answers plain VerifyOutcome. A programmer error
// is sent back as text so the caller fails loudly instead of hanging.
import { parentPort } from 'node:worker_threads';
import { verifySamlResponse, type VerifyInput } from './verify.js';

const port = parentPort;
if (!port) throw new TypeError('verify-worker runs only as a worker thread');

port.on('message', async ({ id, input }: { id: number; input: VerifyInput }) => {
  try {
    port.postMessage({ id, outcome: await verifySamlResponse(input) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
