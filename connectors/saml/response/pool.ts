// SAML checks cost milliseconds of CPU in node-saml's XML handling; on the event loop they would
// stall every other request. The pool runs verifySamlResponse on worker threads (one per core by
// default) so all cores work and the loop stays free; `threads: 0` runs it inline (tests, tiny
// deployments). Threads are unref'd: an idle pool never keeps the process alive.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verifySamlResponse, type VerifyInput, type VerifyOutcome } from './verify.js';

/** node-saml needs ~10 ms for a typical response and ~60 ms at the 256 KiB cap. */
export const CHECK_TIME_LIMIT_MS = 5_000;

type Pending = { resolve: (outcome: VerifyOutcome) => void; reject: (error: Error) => void };
interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './verify-worker.ts' : './verify-worker.js', import.meta.url);

export interface VerifierPool {
  verify(input: VerifyInput): Promise<VerifyOutcome>;
  readonly threads: number;
  close(): Promise<void>;
}

export function createVerifierPool(threads: number): VerifierPool {
  if (threads <= 0) return { threads: 0, verify: verifySamlResponse, close: async () => undefined };
  let nextId = 0;
  const pool: Thread[] = [];

  const spawn = (index: number): Thread => {
    const worker = fromSource ? new Worker(new URL('./tsx-worker.mjs', import.meta.url), { workerData: { entry: entry.href } }) : new Worker(entry);
    const thread: Thread = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (message: { id: number; outcome?: VerifyOutcome; error?: string }) => {
      const waiting = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      if (thread.pending.size === 0) worker.unref();
      if (message.outcome) waiting?.resolve(message.outcome);
      else waiting?.reject(new Error(`SAML verifier thread failed: ${message.error}`));
    });
    // A crashed thread fails only what it held; the next request gets a fresh one.
    const fail = (error: Error) => {
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
      if (pool[index] === thread) pool[index] = spawn(index);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => code !== 0 && fail(new Error(`SAML verifier thread exited with code ${code}`)));
    return thread;
  };
  for (let i = 0; i < threads; i++) pool.push(spawn(i));

  return {
    threads,
    verify(input) {
      const thread = pool.reduce((least, t) => (t.pending.size < least.pending.size ? t : least));
      const id = nextId++;
      return new Promise<VerifyOutcome>((resolve, reject) => {
        // A check that runs away (hostile XML that some parser path handles badly) costs at most
        // the time limit: the thread is terminated and replaced, and the response refused.
        const timer = setTimeout(() => {
          thread.pending.delete(id);
          resolve({ ok: false, code: 'saml_response_invalid', detail: `the signature check took longer than ${CHECK_TIME_LIMIT_MS} ms and was stopped` });
          void thread.worker.terminate();
        }, CHECK_TIME_LIMIT_MS);
        timer.unref();
        const settle = <T>(fn: (value: T) => void) => (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
        thread.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
        thread.worker.ref();
        thread.worker.postMessage({ id, input });
      });
    },
    async close() {
      const closing = pool.splice(0);
      await Promise.all(closing.map((t) => t.worker.terminate()));
    },
  };
}

let shared: VerifierPool | undefined;

/** The process's pool, created on first use; configureVerifierPool replaces it (at startup). */
export function verifierPool(): VerifierPool {
  shared ??= createVerifierPool(Math.min(availableParallelism(), 8));
  return shared;
}

export async function configureVerifierPool(threads: number): Promise<VerifierPool> {
  const previous = shared;
  shared = createVerifierPool(threads);
  await previous?.close();
  return shared;
}
