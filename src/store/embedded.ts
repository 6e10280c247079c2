// The zero-setup default: PGlite (Postgres compiled to WASM) kept under the data directory and
// served on a loopback port through pglite-socket, so the production adapter-pg path runs unchanged.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir, 'postgres');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // Port 0: the OS picks a free one, so two checkouts on one laptop never collide.
  // Several client connections are multiplexed onto the one PGlite session (transaction-aware).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
