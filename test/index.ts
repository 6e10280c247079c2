// One node:test process for the whole suite: importing every test file here registers all of
// their tests in this process (Node 20 would otherwise spawn a process per file). The first test
// waits for every file to load, so --test-force-exit cannot end the run before the last file has
// registered its tests (files use top-level await to learn which services are up).
import { readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { releaseTestResources } from './support/services.js';

const here = new URL('./', import.meta.url);

async function loadAll(): Promise<void> {
  for (const folder of ['unit', 'integration', 'e2e']) {
    let files: string[] = [];
    try {
      files = readdirSync(new URL(`${folder}/`, here)).filter((f) => f.endsWith('.test.ts')).sort();
    } catch {
      continue;
    }
    for (const file of files) await import(new URL(`${folder}/${file}`, here).href);
  }
}

const loading = loadAll();
test('load every test file', () => loading);
after(releaseTestResources);
