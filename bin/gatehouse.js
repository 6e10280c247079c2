#!/usr/bin/env node
// The `gatehouse` command: the compiled build when there is one (the Docker image), otherwise the
// TypeScript sources through tsx (a checkout).
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
