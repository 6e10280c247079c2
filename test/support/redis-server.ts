// A redis-server of a test's own, on a free loopback port, that the test can kill and start again
// (on the same port, empty: no RDB, no AOF) to see what a Redis outage does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on right now (bound to 0 by the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** undefined when `redis-server` can be run, else why not. */
export function redisServerUnavailable(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.error ? `redis-server is not on PATH: ${probe.error.message}` : undefined;
}

export interface RedisServer {
  port: number;
  url: string;
  readonly running: boolean;
  /** Starts it (again), empty, on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: whatever it held is gone. Resolves once the process has exited. */
  kill(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) throw new Error('redis-server is already running');
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) done();
      };
      const onExit = (code: number | null) => done(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${output}`));
      const done = (error?: Error) => {
        proc.stdout!.off('data', onData);
        proc.off('exit', onExit);
        if (error) {
          child = undefined;
          reject(error);
        } else resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('exit', onExit);
    });
    // Keep draining its output so it never blocks on a full pipe.
    proc.stdout!.resume();
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
  }

  async function kill(): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGKILL');
      await exited;
    }
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    start,
    kill,
  };
}
