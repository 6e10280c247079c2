#!/usr/bin/env node
// `prisma generate` without network: the Prisma CLI tries to download its native schema engine on
// every command. Pointing PRISMA_SCHEMA_ENGINE_BINARY at a binary that exits 1 makes it skip the
// download; generate does not need that engine. (Exit 0 would be dangerous: `migrate deploy` would
// then report success while applying nothing, so the stub is only used here.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));
if (!existsSync(cli)) {
  // Production installs (npm ci --omit=dev) ship the client generated at build time.
  console.error('prisma CLI not installed; skipping client generation');
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: ['ignore', 2, 2] });
process.exit(result.status ?? 1);
