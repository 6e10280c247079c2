// Listening and graceful shutdown: stop accepting, let in-flight requests finish (bounded by the
// shutdown timeout), then drop whatever connections remain.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface RunningServer {
  server: Server;
  port: number;
  /** Resolves once every connection is closed. */
  close(): Promise<void>;
}

export async function listen(app: RequestListener, host: string, port: number, shutdownTimeoutMs: number): Promise<RunningServer> {
  const server = createServer(app);
  // Slightly above typical load-balancer idle timeouts, so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => (closing ??= shutdown(server, shutdownTimeoutMs)),
  };
}

function shutdown(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
